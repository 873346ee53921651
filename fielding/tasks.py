"""Fielding's background work. Each task takes an id, re-reads the row, and does
nothing if there is nothing left to do."""

import logging

from celery import shared_task

from fielding.drafts import library, lookups
from fielding.models import FieldingJob, SupplierLookup
from fielding.runs import polling
from projects.models import SupplierConnection
from suppliers import errors

log = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def poll_fielding_job(job_id):
    """Read a supplier job once; while it is processing, look again after a growing pause."""
    job = FieldingJob.objects.select_related("project__connection", "target_group", "change").filter(pk=job_id).first()
    if job is None or job.is_settled:
        return
    if not polling.poll_job_once(job) and job.remote_job_id:
        poll_fielding_job.apply_async((job.pk,), countdown=polling.poll_delay(job.polls))


@shared_task(ignore_result=True)
def poll_stalled_jobs():
    """Beat (every minute): pick up jobs whose polling stopped (a worker died) or never started."""
    for job in polling.due_jobs().distinct():
        poll_fielding_job.delay(job.pk)


@shared_task(ignore_result=True)
def run_lookup(lookup_id):
    lookup = SupplierLookup.objects.select_related("target_group__project__connection").filter(pk=lookup_id).first()
    if lookup is not None:
        lookups.run(lookup)


@shared_task(ignore_result=True)
def refresh_reference_data(connection_id=None):
    """Beat (daily): the account's users, business units, definitions, question library and templates."""
    connections = SupplierConnection.objects.filter(is_active=True, kind="cint")
    if connection_id:
        connections = connections.filter(pk=connection_id)
    for connection in connections:
        try:
            library.refresh_all(connection)
        except errors.SupplierError as exc:
            log.warning("could not refresh the reference data of %s: %s", connection, exc)


@shared_task(ignore_result=True)
def refresh_audience_align_master_data(connection_id=None):
    """Beat (daily): Audience-Align's countries, languages, study categories, verticals and standard qualifications."""
    from fielding.audience_align import surveys as audience_align

    connections = SupplierConnection.objects.filter(is_active=True, kind="audience_align")
    if connection_id:
        connections = connections.filter(pk=connection_id)
    for connection in connections:
        try:
            audience_align.refresh_master_data(connection)
        except errors.SupplierError as exc:
            log.warning("could not refresh the master data of %s: %s", connection, exc)


@shared_task(ignore_result=True)
def fetch_audience_align_qualifications(connection_id, country_id, language_id):
    """The standard qualifications of a country and language the form asked for before the daily refresh had them."""
    from fielding.audience_align import surveys as audience_align

    connection = SupplierConnection.objects.filter(pk=connection_id).first()
    if connection is None:
        return
    try:
        audience_align.fetch_qualifications(connection, country_id, language_id)
    except errors.SupplierError as exc:
        log.warning("could not read the qualifications of %s/%s: %s", country_id, language_id, exc)


@shared_task(ignore_result=True)
def run_aa_feasibility(check_id):
    from fielding.audience_align import surveys as audience_align
    from fielding.models import AudienceAlignFeasibility

    check = AudienceAlignFeasibility.objects.select_related("connection").filter(pk=check_id).first()
    if check is not None:
        audience_align.run_feasibility(check)
