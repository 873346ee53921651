from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready

from projects.models import Project, SupplierConnection, TargetGroup
from suppliers.registry import ADAPTERS

from . import pull, recovery, sending, webhooks
from .models import SyncRun, WebhookEvent


@shared_task(bind=True, ignore_result=True)
def send_change(self, change_id):
    """Send one outbox change; a no-op if it is settled, taken, or waiting its turn."""
    sending.process_change(change_id, worker=self.request.hostname or "")


@shared_task(ignore_result=True)
def recover_stuck_changes(idle_seconds=None):
    """Beat, every 10 s: re-enqueue changes a dead worker left behind, and queues waiting with nothing in flight."""
    idle = timedelta(seconds=idle_seconds) if idle_seconds is not None else None
    if WebhookEvent.objects.filter(processed_at__isnull=True).exists():  # a task lost with a worker
        webhooks.apply_soon()
    return recovery.recover_stuck(idle=idle)


@shared_task(ignore_result=True)
def apply_webhook_events():
    """Apply the webhook events the receiver stored (in batches, until none waits)."""
    while webhooks.apply_pending() == webhooks.BATCH:
        pass


@worker_ready.connect
def resume_queues_when_a_worker_starts(sender=None, **kwargs):
    """A worker that starts (after a crash, say) takes back what its previous run left `sending`, and sets
    every waiting queue going at once, not at the next sweep."""
    recovery.release_claims_of(getattr(sender, "hostname", ""))
    recover_stuck_changes.delay(idle_seconds=0)


@shared_task(ignore_result=True)
def sync_connections():
    """Beat: a pull sync of every active connection the cockpit has an adapter for, one task each."""
    active = SupplierConnection.objects.filter(is_active=True, kind__in=list(ADAPTERS))
    for pk in active.values_list("pk", flat=True):
        sync_connection.delay(pk)


@shared_task(ignore_result=True)
def sync_connection(connection_id):
    """Pull sync of one connection, its target groups read in parts the workers share (`sync_part`);
    nothing while another run of it is still going."""
    connection = SupplierConnection.objects.filter(pk=connection_id, is_active=True).first()
    if connection is None:
        return None
    run = pull.sync_connection(connection, spread=True)
    return run.pk if run is not None else None


@shared_task(ignore_result=True)
def sync_part(run_id, project_ids):
    """One part of a connection's sync: the target groups of a few of its projects."""
    run = SyncRun.objects.select_related("connection").filter(pk=run_id, finished_at__isnull=True).first()
    if run is None:
        return
    projects = list(Project.objects.filter(pk__in=project_ids, connection=run.connection).order_by("pk"))
    pull.sync_part(run, projects)


@shared_task(ignore_result=True)
def sync_target_group(target_group_id):
    """The cockpit's "Refresh from supplier": one target group read in full."""
    tg = TargetGroup.objects.select_related("project__connection").filter(pk=target_group_id).first()
    if tg is None:
        return None
    return pull.sync_target_group(tg).pk
