from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class SyncConfig(AppConfig):
    name = "sync"

    def ready(self):
        from . import kinds

        # Every app's `kinds` module lists its outbox change kinds by name (quotas.kinds, ...),
        # its `mirror` module registers the parts of a target group the pull sync mirrors (quotas.mirror, ...),
        # its `webhooks` module the webhook events it applies (quotas.webhooks), and its
        # `blocks` module the page blocks it re-renders when a change settles (quotas.blocks).
        kinds.load()
        autodiscover_modules("mirror")
        autodiscover_modules("webhooks")
        autodiscover_modules("blocks")
