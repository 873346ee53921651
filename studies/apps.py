from django.apps import AppConfig


class StudiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studies"
    verbose_name = "Studies"

    def ready(self):
        from sync.signals import change_settled, counts_moved

        from .signals import on_change_settled, on_counts_moved

        change_settled.connect(on_change_settled, dispatch_uid="studies.plan_changes_move_on")
        counts_moved.connect(on_counts_moved, dispatch_uid="studies.guard_looks")
