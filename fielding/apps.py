from django.apps import AppConfig


class FieldingConfig(AppConfig):
    name = "fielding"

    def ready(self):
        # Register the outbox change kinds this app owns.
        from . import changes, jobs, launched, runs, status  # noqa: F401
