"""Set up the embedded demo: logins, the sandbox's account, demo projects, a first sync."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from projects import demo, demo_audience_align, demo_purespectrum
from projects.inprocess import in_process_session
from projects.models import Role, SupplierConnection, SupplierKind

DEMO_PASSWORD = "cockpit-demo"
LOGINS = [
    ("pm", "Pat", "Manager", Role.PROJECT_MANAGERS, True),
    ("viewer", "Vic", "Viewer", Role.VIEWERS, False),
]


def login_words(site_url):
    """How to log in to the demo, in one line."""
    return (
        f"Open {site_url} and log in as pm / {DEMO_PASSWORD} (project manager, admin) "
        f"or viewer / {DEMO_PASSWORD} (read only)."
    )


class Command(BaseCommand):
    help = (
        "Create the demo logins, create demo projects in the sandbox through the Cint client, "
        "pull them into the app and register the webhook receiver. Safe to run again."
    )

    def handle(self, *args, **options):
        if not settings.SANDBOX_ENABLED:
            raise CommandError("The demo lives in the sandbox; set SANDBOX_ENABLED=true to seed it.")
        from sandbox.seed import ensure_account, ensure_schedule
        from sync.pull import summary, sync_connection
        from sync.webhooks import register_webhook

        self._logins()
        connection, _ = SupplierConnection.objects.get_or_create(
            kind=SupplierKind.CINT, account_id=settings.CINT_ACCOUNT_ID, defaults={"label": "Cint (sandbox)"}
        )
        ensure_account(settings.CINT_ACCOUNT_ID)
        ensure_schedule()
        from sync.adapters import adapter_for

        # The web server is not running yet: reach the sandbox in this process.
        adapter = adapter_for(connection, session=in_process_session())
        self.stdout.write("Demo projects at the supplier (sandbox):")
        demo.seed_supplier(adapter, log=lambda line: self.stdout.write(line))
        run = sync_connection(connection, adapter=adapter)
        self.stdout.write(f"First sync: {summary(run)}")
        register_webhook(connection, adapter=adapter)
        self.stdout.write(f"Webhook receiver registered for {connection}.")
        aa = demo_audience_align.seed_demo(session=in_process_session(), log=lambda line: self.stdout.write(line))
        ps = demo_purespectrum.seed_demo(log=self.stdout.write)
        from studies import demo as study_demo

        pm = User.objects.get(username="pm")
        study_demo.seed_demo([connection, ps, aa], user=pm, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("\n" + login_words(f"{settings.SITE_URL}/")))

    def _logins(self):
        for username, first, last, group, staff in LOGINS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = user.is_superuser = staff
                user.save()
            Role.grant(user, group)
