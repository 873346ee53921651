from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SyncConfig(AppConfig):
    name = "sync"

    def ready(self):
        # Every app's `changes` module registers its outbox change kinds (quotas.changes, ...),
        # its `mirror` module the parts of a target group the pull sync mirrors (quotas.mirror, ...),
        # its `webhooks` module the webhook events it applies (quotas.webhooks), and its
        # `blocks` module the page blocks it re-renders when a change settles (quotas.blocks).
        autodiscover_modules("changes")
        autodiscover_modules("mirror")
        autodiscover_modules("webhooks")
        autodiscover_modules("blocks")
