from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"

    def ready(self):
        from . import faults  # noqa: F401  (a saved change of the fault settings is seen at once)
