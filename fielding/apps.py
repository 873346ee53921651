from django.apps import AppConfig


class FieldingConfig(AppConfig):
    name = "fielding"

    def ready(self):
        # Register the outbox change kinds each part of fielding owns.
        from .audience_align import surveys  # noqa: F401
        from .drafts import changes  # noqa: F401
        from .launched import changes as launched_changes  # noqa: F401
        from .launched import details  # noqa: F401
        from .purespectrum import surveys as purespectrum_surveys  # noqa: F401
        from .runs import actions, jobs  # noqa: F401
        from .status import actions as status_actions  # noqa: F401
