from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.seed import ensure_account, ensure_schedule


class Command(BaseCommand):
    help = "Create the sandbox account (users, business units, question library) and the simulation schedule."

    def add_arguments(self, parser):
        parser.add_argument("--account", default=settings.CINT_ACCOUNT_ID, help="Account id (default CINT_ACCOUNT_ID).")
        parser.add_argument("--no-schedule", action="store_true", help="Do not create the beat schedule.")

    def handle(self, *args, **options):
        account = ensure_account(options["account"])
        self.stdout.write(f"Sandbox account {account.id} ready.")
        if not options["no_schedule"]:
            task = ensure_schedule()
            self.stdout.write(f"Beat schedule {task.name!r} ready.")
