from django.apps import AppConfig


class FieldingConfig(AppConfig):
    name = "fielding"

    def ready(self):
        # Register the outbox change kinds this app owns.
        from . import changes, jobs, purespectrum, runs, status  # noqa: F401
