from django.core.management.base import BaseCommand, CommandError

from projects.models import SupplierConnection
from suppliers.adapter import Unsupported
from suppliers.errors import SupplierError
from sync.webhooks import register_webhook, webhook_url


class Command(BaseCommand):
    help = "Create (or update) the supplier webhook that sends this connection's events to the cockpit."

    def add_arguments(self, parser):
        parser.add_argument(
            "url", nargs="?", help="The address the supplier should call (default: SITE_URL + the receiver's path)."
        )
        parser.add_argument("--connection", type=int, help="The connection's id (default: the only active one).")

    def handle(self, *args, **options):
        if options["connection"]:
            connection = SupplierConnection.objects.filter(pk=options["connection"]).first()
            if connection is None:
                raise CommandError(f"There is no connection with id {options['connection']}.")
        else:
            active = list(SupplierConnection.objects.filter(is_active=True)[:2])
            if len(active) != 1:
                raise CommandError("Say which connection with --connection ID (there is not exactly one active).")
            connection = active[0]
        if not connection.capabilities.webhooks:
            raise CommandError(f"{connection.get_kind_display()} sends no webhooks; the pull sync polls it instead.")
        url = options["url"] or webhook_url(connection)
        try:
            register_webhook(connection, url)
        except (SupplierError, Unsupported) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Webhook {connection.webhook_id} of {connection} sends events to {url}."))
