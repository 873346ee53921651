from django.apps import AppConfig


class FieldingConfig(AppConfig):
    name = "fielding"

    def ready(self):
        # Register the outbox change kinds this app owns.
        from . import audience_align, changes, jobs, launched, launched_details, purespectrum, runs, status  # noqa: F401
