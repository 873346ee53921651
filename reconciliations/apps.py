from django.apps import AppConfig


class ReconciliationsConfig(AppConfig):
    name = "reconciliations"
