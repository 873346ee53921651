import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from projects.models import SupplierConnection, TargetGroup
from sync.pull import summary, sync_connection


class Command(BaseCommand):
    help = "Pull-sync supplier connections now, in the foreground, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--connection", type=int, help="Only this connection (its id in the cockpit).")
        parser.add_argument("--target-group", type=int, help="Only this target group (its id), read in full.")

    def handle(self, *args, **options):
        target_group = None
        if options["target_group"]:
            target_group = (
                TargetGroup.objects.select_related("project__connection").filter(pk=options["target_group"]).first()
            )
            if target_group is None:
                raise CommandError(f"There is no target group with id {options['target_group']}.")
            connections = [target_group.project.connection]
        elif options["connection"]:
            connections = list(SupplierConnection.objects.filter(pk=options["connection"]))
            if not connections:
                raise CommandError(f"There is no connection with id {options['connection']}.")
        else:
            connections = list(SupplierConnection.objects.filter(is_active=True))
            if not connections:
                raise CommandError("There is no active supplier connection to sync.")

        def progress(items):
            return tqdm(items, unit="TG", desc="Target groups", file=sys.stderr, leave=False)

        failed = False
        for connection in connections:
            run = sync_connection(connection, target_group=target_group, progress=progress)
            if run is None:
                self.stdout.write(self.style.WARNING(f"{connection}: a sync of it is running already; skipped."))
                continue
            for error in run.errors:
                self.stderr.write(f"  {error.get('what')}: {error.get('message')}")
            style = self.style.WARNING if run.error_count else self.style.SUCCESS
            self.stdout.write(style(summary(run)))
            failed = failed or bool(run.error_count)
        if failed:
            self.stdout.write("Some target groups could not be read; their errors are shown on their pages.")
