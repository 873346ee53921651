from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SyncConfig(AppConfig):
    name = "sync"

    def ready(self):
        # Every app's `changes` module registers its outbox change kinds (quotas.changes, ...).
        autodiscover_modules("changes")
