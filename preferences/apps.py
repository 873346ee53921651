from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "preferences"
    verbose_name = "Preferences"

    def ready(self):
        from . import signals  # noqa: F401  (the login receiver)
