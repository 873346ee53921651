from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class QuotasConfig(AppConfig):
    name = "quotas"

    def ready(self):
        # Every app's `panels` module registers what it adds to a target group's page (fielding.panels, ...).
        autodiscover_modules("panels")
