from django.apps import AppConfig


class StudiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studies"
    verbose_name = "Studies"

    def ready(self):
        from quotas.kinds.figures import SetQuotaFigures
        from sync.signals import change_settled, counts_moved

        from .signals import on_change_settled, on_counts_moved

        # A plan change's parts are grid figures: only their settling moves a plan on.
        change_settled.connect(on_change_settled, sender=SetQuotaFigures, dispatch_uid="studies.plan_changes_move_on")
        counts_moved.connect(on_counts_moved, dispatch_uid="studies.guard_looks")
