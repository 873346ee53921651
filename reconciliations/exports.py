"""The eligible RIDs of an account as a CSV (where the supplier reports them: Cint's
reconciliation-eligible-RIDs reports), with the search of the page applied."""

from django.views.decorators.http import require_GET

from projects.exports import csv_response, file_name

from .views import eligible_rows, reconciled_by_files

HEADER = ["RID", "Target group", "Target group id", "Project", "Status", "Completed", "Report of"]


def rid_rows(rows):
    for row in rows.iterator(chunk_size=2000):
        tg = row.target_group
        yield [
            row.rid,
            tg.name if tg else row.target_group_name,
            tg.remote_id if tg else row.target_group_remote_id,
            row.report.project.name,
            row.status,
            row.completed_at,
            row.report.finished_at,
        ]


@require_GET
def eligible_rids_csv(request, pk):
    """Download the eligible RIDs of an account (anyone who can see the reconciliation page may)."""
    connection = reconciled_by_files(pk)
    search = (request.GET.get("q") or "").strip()
    parts = [connection.label, "eligible-rids"] + ([search] if search else [])
    return csv_response(file_name(*parts), HEADER, rid_rows(eligible_rows(connection, search)))
