"""Outbox change kinds for projects and draft target groups, and the service
functions the views call to request them.

* ``create_project``: payload ``{"project": <local pk>, "body": ProjectInfo}``; the
  Project row exists locally (placeholder id) from the moment it is asked for.
* ``create_draft_target_group`` / ``update_draft_target_group``: payload
  ``{"body": CreateDraftTargetGroupRequest (+ the cockpit's "_" notes)}``; the TG row
  shows the body at once (``record_intent``). Whichever is asked, the send creates the
  TG if the supplier does not know it yet and replaces it otherwise, so a draft whose
  first create was refused is fixed by saving it again.
"""

from django.db import transaction
from django.utils import timezone

from projects.models import Project, TargetGroup
from sync.intents import request_change
from sync.kinds import ChangeKind, Verdict
from sync.models import RemoteChange

from .body import apply_draft_body, body_from_supplier, draft_body, is_created, pending_remote_id

DRAFT_KINDS = ("create_draft_target_group", "update_draft_target_group")


class CreateProject(ChangeKind):
    name = "create_project"
    label = "Create project"
    capability = "drafts"

    def describe(self, change):
        return f"Create project “{change.payload.get('body', {}).get('name', '')}”"

    def version(self, change):
        return ""

    def send(self, adapter, change, version, seen=None):
        project = Project.objects.get(pk=change.payload["project"])
        if is_created(project):
            return None
        return adapter.drafts.create_project(change.payload["body"], key=str(change.idempotency_key))

    def mirror(self, change, response, seen=None):
        if response is None:
            return ""
        project = Project.objects.get(pk=change.payload["project"])
        project.remote_id = (response.data or {}).get("id") or project.remote_id
        project.version = response.version or ""
        project.synced_at = timezone.now()
        project.save(update_fields=["remote_id", "version", "synced_at"])
        return ""


class SaveDraft(ChangeKind):
    """Create or replace a draft target group with the body the PM saved (Cint's draft shape)."""

    capability = "drafts"

    def describe(self, change):
        verb = "Create" if self.name.startswith("create") else "Update"
        return f"{verb} draft “{change.payload.get('body', {}).get('name', '')}”"

    def version(self, change):
        return ""

    def record_intent(self, change):
        tg = change.target_group
        apply_draft_body(tg, change.payload["body"])
        tg.save()

    def send(self, adapter, change, version, seen=None):
        drafts = adapter.drafts
        tg = TargetGroup.objects.select_related("project").get(pk=change.target_group_id)
        body = change.payload["body"]
        key = str(change.idempotency_key)
        if is_created(tg):
            return drafts.save_draft(tg.project.remote_id, tg.remote_id, body, key=key)
        return drafts.save_draft(tg.project.remote_id, None, body, key=key)

    def mirror(self, change, response, seen=None):
        tg = TargetGroup.objects.get(pk=change.target_group_id)
        created_id = (response.data or {}).get("id") if isinstance(response.data, dict) else None
        if created_id and not is_created(tg):
            tg.remote_id = created_id
        tg.synced_at = timezone.now()
        tg.sync_error = ""
        tg.save(update_fields=["remote_id", "synced_at", "sync_error"])
        return ""

    # A draft saved twice is the same draft: the update is a PUT of the whole body, and a create is
    # looked for at the supplier (`read_back`) before it is sent again.
    def read_back(self, adapter, change):
        """Re-read the draft from the supplier: the page shows what is really there. Returns the id of the
        draft found created by an earlier try, or None.

        A draft whose create may have reached the supplier (its answer was lost) is looked for
        in the project's list by its name: one the cockpit does not know yet is taken as it.
        """
        tg = TargetGroup.objects.select_related("project").get(pk=change.target_group_id)
        found_draft = None
        if not is_created(tg):
            found_draft = self._find_created(adapter, tg, change.payload["body"].get("name", ""))
            if found_draft is None:
                return None
            tg.remote_id = found_draft
            tg.save(update_fields=["remote_id"])
        record = adapter.read_draft(tg.ref)
        if record.extra.get("draft"):
            apply_draft_body(tg, body_from_supplier(record.extra["draft"], previous=draft_body(tg)))
        tg.version = record.version or tg.version
        tg.synced_at = timezone.now()
        tg.save()
        return found_draft

    def _find_created(self, adapter, tg, name):
        """The id of a draft named `name` in the project that no row of the cockpit has, or None."""
        if not name or not is_created(tg.project):
            return None
        known = set(TargetGroup.objects.filter(project=tg.project).values_list("remote_id", flat=True))
        found = [i for i in adapter.drafts.draft_ids_named(tg.project.remote_id, name) if i not in known]
        return found[0] if len(found) == 1 else None

    def verdict(self, change, found_draft):
        if found_draft:
            return Verdict(
                needed=False,
                reason="The supplier already had this draft (an earlier try created it); it was not created again.",
            )
        return Verdict(needed=True)


class CreateDraftTargetGroup(SaveDraft):
    name = "create_draft_target_group"
    label = "Create draft target group"


class UpdateDraftTargetGroup(SaveDraft):
    name = "update_draft_target_group"
    label = "Update draft target group"


# --- Services ---------------------------------------------------------------------------


def request_project(connection, body, *, by):
    """Create the project locally (placeholder id) and ask the supplier to create it."""
    with transaction.atomic():
        project = Project.objects.create(
            connection=connection,
            remote_id=pending_remote_id(),
            name=body["name"],
            project_manager_id=body["project_manager_id"],
            purchase_order_number=body.get("purchase_order_number", ""),
        )
        change = request_change(
            "create_project", connection=connection, payload={"project": project.pk, "body": body}, by=by
        )
    return project, change


def request_new_draft(project, body, *, by):
    """A new draft TG: the row now (placeholder id), its create through the outbox."""
    with transaction.atomic():
        tg = TargetGroup(project=project, remote_id=pending_remote_id(), status=TargetGroup.Status.DRAFT)
        apply_draft_body(tg, body)
        tg.save()
        change = request_change(
            "create_draft_target_group",
            connection=project.connection,
            target_group=tg,
            payload={"body": body},
            by=by,
        )
    return tg, change


def request_draft_update(tg, body, *, by):
    kind = "update_draft_target_group" if is_created(tg) or _create_pending(tg) else "create_draft_target_group"
    return request_change(kind, connection=tg.project.connection, target_group=tg, payload={"body": body}, by=by)


def _create_pending(tg):
    return tg.changes.filter(kind="create_draft_target_group", state__in=["pending", "sending"]).exists()


def project_creation(project):
    """The change that creates `project` (the latest one), or None."""
    return RemoteChange.objects.filter(kind="create_project", payload__project=project.pk).order_by("-pk").first()


def latest_draft_change(tg):
    return tg.changes.filter(kind__in=DRAFT_KINDS).order_by("-pk").first()
