from django.apps import AppConfig


class ReconciliationsConfig(AppConfig):
    name = "reconciliations"

    def ready(self):
        from . import changes  # noqa: F401  (registers the outbox change kind)
