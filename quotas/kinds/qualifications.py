"""Qualifications (`capabilities.qualifications`): the questions a survey asks, added, changed, deleted.

* ``add_qualification``: ``{"question_id", "name", "description", "conditions_kind", "conditions"}``.
* ``update_qualification``: ``profile=`` the Profile; ``{"conditions_kind", "conditions"}``.
* ``delete_qualification``: ``profile=`` the Profile; no payload.

``conditions`` are in the cockpit's shape (``[{"id", "text"}]``, ranges with ``min``/``max``). A supplier
without idempotency keys is re-read before a re-send: each verdict compares the profile it finds.
"""

from django.utils import timezone

from projects.models import PENDING_PREFIX
from suppliers.adapter import Unsupported
from sync.kinds import State, Verdict

from ..models import Profile
from .answers import store_profiles_answer
from .profiles import ProfilesChange, key_of, quoted


def _condition_ids(conditions):
    return sorted(str(c.get("id")) for c in conditions or [])


class QualificationChange(ProfilesChange):
    capability = "qualifications"

    def question_id(self, change):
        if change.profile_id:
            return change.profile.question_id
        return int(change.payload.get("question_id") or 0)

    def remote_id(self, change):
        return change.profile.remote_id if change.profile_id else str(self.question_id(change))

    def profile_name(self, change):
        return change.profile.name if change.profile_id else change.payload.get("name", "")

    def mirror(self, change, answer, seen=None):
        store_profiles_answer(change.target_group, answer)
        return ""

    def send_conditions(self, verb, adapter, change, version):
        return verb(
            change.target_group.ref,
            self.question_id(change),
            change.payload.get("conditions_kind") or "",
            list(change.payload.get("conditions") or []),
            key=key_of(change),
            version=version,
        )


class AddQualification(QualificationChange):
    name = "add_qualification"
    label = "Add a qualification"

    def describe(self, change):
        texts = ", ".join(c.get("text", "") for c in change.payload.get("conditions") or [])
        return f"Add the qualification {quoted(self.profile_name(change))} ({texts})" if texts else self.label

    def touches(self, change):
        return ["profiles", "aa_panel"]

    def placeholder(self, change):
        return f"{PENDING_PREFIX}{change.idempotency_key}"[:64]

    def record_intent(self, change):
        Profile.objects.update_or_create(
            target_group=change.target_group,
            remote_id=self.placeholder(change),
            defaults={
                "question_id": self.question_id(change),
                "name": self.profile_name(change)[:255],
                "description": change.payload.get("description", ""),
                "conditions_kind": change.payload.get("conditions_kind", ""),
                "conditions": change.payload.get("conditions") or [],
                "position": 10_000,
                "vanished_at": None,
            },
        )

    def _drop_placeholder(self, change):
        Profile.objects.filter(target_group=change.target_group, remote_id=self.placeholder(change)).delete()

    def send(self, adapter, change, version, seen=None):
        return self.send_conditions(adapter.add_qualification, adapter, change, version)

    def mirror(self, change, answer, seen=None):
        self._drop_placeholder(change)
        return super().mirror(change, answer, seen)

    def revert(self, adapter, change, error=None):
        self._drop_placeholder(change)
        super().revert(adapter, change, error)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        found = seen.profiles.profile(self.remote_id(change))
        if found is None:
            return Verdict(needed=True)
        self._drop_placeholder(change)
        if _condition_ids(found.conditions) == _condition_ids(change.payload.get("conditions")):
            return Verdict(needed=False, reason="The supplier already had this qualification; nothing more to do.")
        return Verdict(
            needed=False,
            state=State.CONFLICT,
            reason=f"The survey already has the qualification {quoted(self.profile_name(change))} with other "
            "answers, so it was not added again. Change that qualification instead.",
        )


class UpdateQualification(QualificationChange):
    name = "update_qualification"
    label = "Change a qualification"

    def describe(self, change):
        texts = ", ".join(c.get("text", "") for c in change.payload.get("conditions") or [])
        return f"Target {texts} on {quoted(self.profile_name(change))}" if texts else self.label

    def touches(self, change):
        return [f"profile:{change.profile_id}", "aa_panel"]

    def record_intent(self, change):
        wanted = change.payload.get("conditions") or []
        Profile.objects.filter(pk=change.profile_id).update(
            conditions=wanted, conditions_kind=change.payload.get("conditions_kind", "")
        )

    def send(self, adapter, change, version, seen=None):
        return self.send_conditions(adapter.update_qualification, adapter, change, version)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        found = seen.profiles.profile(self.remote_id(change))
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The qualification {quoted(self.profile_name(change))} no longer exists at the supplier, "
                "so it was not changed. Add it again if it is still needed.",
            )
        if _condition_ids(found.conditions) == _condition_ids(change.payload.get("conditions")):
            return Verdict(needed=False, reason="The supplier already targets these answers; nothing more to do.")
        return Verdict(needed=True)


class DeleteQualification(QualificationChange):
    name = "delete_qualification"
    label = "Delete a qualification"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        if change.profile is not None and change.profile.interlocked_profile_id:
            raise Unsupported(
                f"{quoted(change.profile.name)} is part of an interlock, so it cannot be deleted; nothing was sent."
            )

    def describe(self, change):
        return f"Delete the qualification {quoted(self.profile_name(change))}"

    def touches(self, change):
        return ["profiles", "aa_panel"]

    def record_intent(self, change):
        Profile.objects.filter(pk=change.profile_id, vanished_at__isnull=True).update(vanished_at=timezone.now())

    def send(self, adapter, change, version, seen=None):
        return adapter.delete_qualification(
            change.target_group.ref, self.question_id(change), key=key_of(change), version=version
        )

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        if seen.profiles.profile(self.remote_id(change)) is None:
            return Verdict(needed=False, reason="The supplier had already deleted this qualification; nothing more.")
        return Verdict(needed=True)
