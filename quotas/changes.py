"""The outbox change kinds for a launched target group's quotas, interlocks and filling goals.

Payloads (what `request_change(kind, ..., payload=...)` takes):

* ``enable_quotas`` / ``disable_quotas``: ``profile=`` the Profile; no payload.
* ``create_interlock``: ``{"profile_ids": [profile remote ids], "target_group_filling_goal": int}``.
* ``remove_interlock``: ``{"interlocked_profile_id": remote id}``.
* ``set_quota_goals``: ``{"goals": {quota or interlock cell remote id: completes goal}}``.
* ``set_target_group_filling_goal``: ``{"filling_goal": int}``.
* ``set_traffic_cap``: ``{"quota_id": quota or cell remote id, "traffic_cap": int, "stop": bool}``.
* ``add_qualification`` / ``update_qualification`` / ``delete_qualification``, ``set_loi``, ``set_cpi``:
  see their section below.

Each kind shows its intent on the local rows at once, sends through the supplier's
adapter with the change's idempotency key and the target group's version, stores the
supplier's answer, and after a 412 (or before re-sending to a supplier that does not
de-duplicate) re-reads the supplier to decide whether the change is still needed. The
payload is kept exactly as asked; names for messages come from the local rows.
"""

from dataclasses import replace
from decimal import Decimal

from django.utils import timezone

from projects.models import PENDING_PREFIX
from suppliers import errors
from suppliers.adapter import Unsupported
from sync.mirror import apply_record, refresh_target_group
from sync.outbox import ChangeKind, State, Verdict, register

from .mirror import (
    remove_interlock,
    upsert_interlock,
    upsert_named_profiles,
    upsert_profile,
    upsert_profiles,
    upsert_quota,
)
from .models import InterlockCell, InterlockedProfile, Profile, Quota


def _key(change):
    return str(change.idempotency_key)


def _quoted(name, unnamed="this profile"):
    return f"“{name}”" if name else unnamed


class ProfilesChange(ChangeKind):
    """A change to the target group's profiles: `refresh` re-reads all of them."""

    while_open = True

    def refresh(self, adapter, change):
        tg = change.target_group
        snapshot = adapter.read_profiles(tg.ref)
        change.remote_profiles = snapshot
        upsert_profiles(tg, snapshot)
        if snapshot.version:
            tg.take_version(snapshot.version)
        elif adapter.capabilities.versions:
            refresh_target_group(adapter, tg)

    def remote(self, change):
        """The supplier's `ProfilesSnapshot` read by `refresh` (None if not read)."""
        return getattr(change, "remote_profiles", None)


class QuotaToggle(ProfilesChange):
    capability = "quota_switch"
    enable = True

    @property
    def verb(self):
        return "Enable" if self.enable else "Disable"

    @property
    def state_word(self):
        return "enabled" if self.enable else "disabled"

    def profile_name(self, change):
        # Only when the profile is at hand (asked for, claimed, or selected with the change):
        # describing a list of changes must not cost a query each.
        if change.profile_id and type(change).profile.is_cached(change):
            return change.profile.name
        return ""

    def describe(self, change):
        return f"{self.verb} quotas on {_quoted(self.profile_name(change))}"

    def touches(self, change):
        return [f"profile:{change.profile_id}"]

    def intent_key(self, change):
        return ("quotas_enabled", change.profile_id)

    def record_intent(self, change):
        Profile.objects.filter(pk=change.profile_id).update(quotas_enabled=self.enable)

    def send(self, adapter, change, version):
        if change.profile is None:
            raise errors.NotFound("The profile of this change no longer exists in the cockpit.", status=404)
        return adapter.set_quotas_enabled(
            change.target_group.ref, change.profile.remote_id, self.enable, key=_key(change), version=version
        )

    def applied(self, change, answer):
        upsert_profile(change.target_group, answer.profile)
        change.target_group.take_version(answer.version)

    def carry(self, change, answer, carried):
        return (carried or CarriedProfiles()).then(answer, change.target_group)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        name = self.profile_name(change)
        found = remote.profile(change.profile.remote_id if change.profile else None)
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The profile {_quoted(name)} no longer exists at the supplier, so its quotas could not be "
                f"{self.state_word}. Refresh the page to see the target group's current profiles.",
            )
        if found.quotas_enabled == self.enable:
            return Verdict(
                needed=False,
                reason=f"Quotas on {_quoted(name)} were already {self.state_word} at the supplier; nothing more to do.",
            )
        return Verdict(needed=True)


@register
class EnableQuotas(QuotaToggle):
    name = "enable_quotas"
    label = "Enable quotas"
    enable = True


@register
class DisableQuotas(QuotaToggle):
    name = "disable_quotas"
    label = "Disable quotas"
    enable = False


def placeholder_id(change):
    return f"{PENDING_PREFIX}{change.idempotency_key}"


def member_blocks(change):
    """The blocks of the profiles an interlock change joins or releases (remote ids in its payload)."""
    wanted = change.payload.get("profile_ids") or []
    pks = Profile.objects.filter(target_group_id=change.target_group_id, remote_id__in=wanted).values_list(
        "pk", flat=True
    )
    return [f"profile:{pk}" for pk in pks]


@register
class CreateInterlock(ProfilesChange):
    """Interlock 2–6 profiles; the cockpit shows a cell-less interlock until the supplier answers."""

    name = "create_interlock"
    label = "Create an interlock"
    capability = "interlocks"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        limits = capabilities.interlocks
        wanted = list(change.payload.get("profile_ids") or [])
        if not limits.min_members <= len(wanted) <= limits.max_members:
            raise Unsupported(
                f"An interlock joins {limits.min_members} to {limits.max_members} {limits.member_word} at "
                f"{change.connection.get_kind_display()}; {len(wanted)} were chosen, so nothing was sent."
            )
        if limits.max_cells is not None:
            cells = 1
            for profile in Profile.objects.filter(target_group=change.target_group, remote_id__in=wanted):
                cells *= max(1, len(profile.conditions or []))
            if cells > limits.max_cells:
                raise Unsupported(
                    f"These {limits.member_word} would make {cells:,} combinations; "
                    f"{change.connection.get_kind_display()} takes at most {limits.max_cells:,}, so nothing was sent. "
                    f"Interlock fewer {limits.member_word}, or ones with fewer answers."
                )

    def profile_names(self, change):
        """{remote id: name} of the profiles to interlock, in the order asked."""
        wanted = list(change.payload.get("profile_ids") or [])
        names = dict(
            Profile.objects.filter(target_group=change.target_group, remote_id__in=wanted).values_list(
                "remote_id", "name"
            )
        )
        return {rid: names.get(rid, "") for rid in wanted}

    def describe(self, change):
        names = [name for name in self.profile_names(change).values() if name]
        return f"Interlock {', '.join(names)}" if names else self.label

    def touches(self, change):
        return ["interlocks", *member_blocks(change)]

    def record_intent(self, change):
        tg = change.target_group
        names = self.profile_names(change)
        placeholder, _ = InterlockedProfile.objects.update_or_create(
            target_group=tg,
            remote_id=placeholder_id(change),
            defaults={
                "name": ", ".join(n for n in names.values() if n)[:255],
                "quotas_enabled": True,
                "vanished_at": None,
            },
        )
        Profile.objects.filter(target_group=tg, remote_id__in=list(names)).update(interlocked_profile=placeholder)

    def send(self, adapter, change, version):
        return adapter.create_interlock(
            change.target_group.ref,
            list(change.payload.get("profile_ids") or []),
            filling_goal=int(change.payload.get("target_group_filling_goal") or 0),
            key=_key(change),
            version=version,
        )

    def applied(self, change, answer):
        tg = change.target_group
        InterlockedProfile.objects.filter(target_group=tg, remote_id=placeholder_id(change)).delete()
        upsert_interlock(tg, answer.interlock, answer.members)
        tg.take_version(answer.version)

    def revert(self, adapter, change):
        InterlockedProfile.objects.filter(target_group=change.target_group, remote_id=placeholder_id(change)).delete()
        super().revert(adapter, change)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        wanted = list(change.payload.get("profile_ids") or [])
        names = self.profile_names(change)
        missing = [rid for rid in wanted if remote.profile(rid) is None]
        if missing:
            gone = ", ".join(_quoted(names.get(rid, "")) for rid in missing)
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The profile {gone} no longer exists at the supplier, so the interlock was not created. "
                "Refresh the page and choose the profiles again.",
            )
        for interlock in remote.interlocks:
            members = remote.members(interlock.remote_id)
            if members == set(wanted):
                return Verdict(
                    needed=False, reason="These profiles were already interlocked at the supplier; nothing more to do."
                )
            if members & set(wanted):
                return Verdict(
                    needed=False,
                    state=State.CONFLICT,
                    reason=f"The supplier already has the interlock “{interlock.name}” on some of these "
                    "profiles. Remove that interlock first, then ask again.",
                )
        return Verdict(needed=True)


@register
class RemoveInterlock(ProfilesChange):
    name = "remove_interlock"
    label = "Remove an interlock"
    capability = "interlocks"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        if not capabilities.interlocks.removable:
            raise Unsupported(
                f"{change.connection.get_kind_display()} cannot remove an interlock, so nothing was sent."
            )

    def _interlock_id(self, change):
        return change.payload.get("interlocked_profile_id") or ""

    def interlock_name(self, change):
        interlocks = InterlockedProfile.objects.filter(
            target_group=change.target_group, remote_id=self._interlock_id(change)
        )
        return interlocks.values_list("name", flat=True).first() or ""

    def describe(self, change):
        name = self.interlock_name(change)
        return f"Remove the interlock {_quoted(name)}" if name else self.label

    def touches(self, change):
        return ["interlocks", *member_blocks(change)]

    def record_intent(self, change):
        tg = change.target_group
        interlock_id = self._interlock_id(change)
        interlock = InterlockedProfile.objects.filter(target_group=tg, remote_id=interlock_id).first()
        if interlock is None:
            return
        if interlock.vanished_at is None:
            InterlockedProfile.objects.filter(pk=interlock.pk).update(vanished_at=timezone.now())
        Profile.objects.filter(interlocked_profile=interlock).update(interlocked_profile=None)

    def send(self, adapter, change, version):
        return adapter.remove_interlock(
            change.target_group.ref, self._interlock_id(change), key=_key(change), version=version
        )

    def applied(self, change, answer):
        remove_interlock(change.target_group, self._interlock_id(change), answer.members)
        change.target_group.take_version(answer.version)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        if remote.interlock(self._interlock_id(change)) is None:
            name = self.interlock_name(change)
            return Verdict(
                needed=False,
                reason=f"The interlock {_quoted(name, 'you chose')} had already been removed at the supplier; "
                "nothing more to do.",
            )
        return Verdict(needed=True)


def goal_rows(tg, remote_ids, fields, *, with_model=False):
    """{remote id: value(s)} of the quotas of `tg` with these ids, then of its interlock cells for the ids no
    quota has (one query where the quotas have them all). `fields(owner)` names the field, or a tuple of them,
    given the row's owner ("profile" or "interlocked_profile"); `with_model` pairs each value with its model."""
    found = {}
    for model, owner in ((Quota, "profile"), (InterlockCell, "interlocked_profile")):
        missing = [rid for rid in remote_ids if rid not in found]
        if not missing:
            break
        wanted = fields(owner)
        names = wanted if isinstance(wanted, tuple) else (wanted,)
        rows = model.objects.filter(**{f"{owner}__target_group": tg, "remote_id__in": missing}).order_by()
        for rid, *values in rows.values_list("remote_id", *names):
            value = tuple(values) if isinstance(wanted, tuple) else values[0]
            found[rid] = (model, value) if with_model else value
    return found


@register
class SetQuotaGoals(ProfilesChange):
    """Completes goals of quotas and interlock cells, by remote id (v2 profiles filling-goal)."""

    name = "set_quota_goals"
    label = "Change quota goals"
    capability = "quota_goals"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        limits = capabilities.interlocks
        if limits is None or (limits.min_cell_goal <= 0 and limits.max_cell_goal is None):
            return
        goals = self.goals(change)
        cells = InterlockCell.objects.filter(
            interlocked_profile__target_group=change.target_group, remote_id__in=list(goals)
        ).values_list("remote_id", "text")
        highest = limits.max_cell_goal if limits.max_cell_goal is not None else float("inf")
        wrong = [text for rid, text in cells if not limits.min_cell_goal <= goals[rid] <= highest]
        if wrong:
            bounds = (
                f"{limits.min_cell_goal:,} to {limits.max_cell_goal:,}"
                if limits.max_cell_goal
                else (f"at least {limits.min_cell_goal:,}")
            )
            raise Unsupported(
                f"Each combination's goal must be {bounds} at {change.connection.get_kind_display()} "
                f"({', '.join(_quoted(t, 'a combination') for t in wrong)}), so nothing was sent."
            )

    def goals(self, change):
        return {str(rid): int(goal) for rid, goal in (change.payload.get("goals") or {}).items()}

    def quota_texts(self, change):
        """{remote id: text} of the quotas and cells the change names, as the cockpit has them."""
        return goal_rows(change.target_group, self.goals(change), lambda owner: "text")

    def describe(self, change):
        goals = self.goals(change)
        if len(goals) == 1:
            rid, goal = next(iter(goals.items()))
            return f"Set the completes goal of {_quoted(self.quota_texts(change).get(rid, ''), 'a quota')} to {goal}"
        suffix = f" on {_quoted(change.profile.name)}" if change.profile_id else ""
        return f"Change the completes goals of {len(goals)} quotas{suffix}"

    def touches(self, change):
        # Goals of an interlock's cells have no profile.
        return [f"profile:{change.profile_id}"] if change.profile_id else ["interlocks"]

    def intent_key(self, change):
        return ("completes_goal", tuple(sorted(self.goals(change))))

    def record_intent(self, change):
        tg = change.target_group
        wanted = self.goals(change)
        shown = goal_rows(tg, wanted, lambda owner: ("pk", "completes_goal"), with_model=True)
        for rid, (model, (pk, goal)) in shown.items():
            if goal != wanted[rid]:
                model.objects.filter(pk=pk).update(completes_goal=wanted[rid])

    def refresh(self, adapter, change):
        # The re-read may delete quotas the supplier no longer has: keep their names for the verdict.
        change.quota_texts = self.quota_texts(change)
        super().refresh(adapter, change)

    def owned_goals(self, change):
        """{(owner remote id, quota remote id): goal}; the owner is the quota's profile or the cell's interlock."""
        tg = change.target_group
        goals = self.goals(change)
        owners = goal_rows(tg, goals, lambda owner: f"{owner}__remote_id")
        unknown = [rid for rid in goals if rid not in owners]
        if unknown:
            raise errors.NotFound(
                "The cockpit no longer knows some of these quotas. Refresh from the supplier and set the goals again.",
                status=404,
            )
        return {(owners[rid], rid): goal for rid, goal in goals.items()}

    def send(self, adapter, change, version):
        return adapter.set_quota_goals(
            change.target_group.ref, self.owned_goals(change), key=_key(change), version=version
        )

    def applied(self, change, answer):
        store_profiles_answer(change.target_group, answer)

    def carry(self, change, answer, carried):
        return (carried or CarriedProfiles()).then(answer, change.target_group)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        current = remote.goals()
        goals = self.goals(change)
        texts = getattr(change, "quota_texts", None) or self.quota_texts(change)
        missing = [rid for rid in goals if rid not in current]
        if missing:
            gone = ", ".join(_quoted(texts.get(rid, ""), "you changed") for rid in missing)
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The quota {gone} no longer exists at the supplier (its profile may have been changed), "
                "so no goals were changed. Refresh the page and set the goals again.",
            )
        if all(current[rid] == goal for rid, goal in goals.items()):
            return Verdict(needed=False, reason="The supplier already had these completes goals; nothing more to do.")
        return Verdict(needed=True)


def store_profiles_answer(tg, answer, *, keep_version=True):
    """An answer that carries all profiles, or one: mirror whichever it is, and keep its version
    (unless the caller stores it with the target group's other fields)."""
    if answer.profiles is not None:
        upsert_profiles(tg, answer.profiles)
    elif answer.profile is not None:
        upsert_profile(tg, answer.profile)
    if keep_version:
        tg.take_version(answer.version)


class CarriedProfiles:
    """What the answers of a run of changes returned (`ChangeKind.carry`), stored once after the last.

    The profiles: the latest answer with all of them, with the single profiles answered since put in it
    (or, before any such answer, the single profiles answered). The target group's fields: its newest
    version (which the next send takes from the instance at once) and the filling goal applied last.
    """

    def __init__(self, snapshot=None, records=None, fields=None):
        self.snapshot = snapshot
        self.records = records or {}
        self.fields = fields or {}

    def then(self, answer, tg, **fields):
        """These with `answer` on top (a new object: a transaction tried again starts from the old one)."""
        if answer.version:
            fields["version"] = tg.version = answer.version
        fields = {**self.fields, **fields}
        if answer.profiles is not None:
            return CarriedProfiles(answer.profiles, fields=fields)
        record = answer.profile
        if record is None:
            return CarriedProfiles(self.snapshot, self.records, fields)
        if self.snapshot is None or self.snapshot.profile(record.remote_id) is None:
            return CarriedProfiles(self.snapshot, {**self.records, record.remote_id: record}, fields)
        profiles = [
            # A single profile's answer does not say which interlock it is in; the snapshot does.
            replace(record, interlock_id=known.interlock_id) if known.remote_id == record.remote_id else known
            for known in self.snapshot.profiles
        ]
        return CarriedProfiles(replace(self.snapshot, profiles=profiles), self.records, fields)

    def store(self, tg):
        if self.fields:
            for field, value in self.fields.items():
                setattr(tg, field, value)
            type(tg).objects.filter(pk=tg.pk).update(**self.fields)
        if self.snapshot is not None:
            upsert_profiles(tg, self.snapshot)
        upsert_named_profiles(tg, list(self.records.values()))


@register
class SetTargetGroupFillingGoal(ChangeKind):
    """The launched target group's filling goal (completes), through the v2 filling-goal update."""

    while_open = True

    name = "set_target_group_filling_goal"
    label = "Change the filling goal"
    capability = "filling_goal"

    def wanted(self, change):
        return int(change.payload.get("filling_goal") or 0)

    def describe(self, change):
        return f"Set the target group's filling goal to {self.wanted(change)}"

    def touches(self, change):
        # The supplier rescales the quota goals with the filling goal.
        return ["header", "profiles"]

    def intent_key(self, change):
        return ("filling_goal",)

    def record_intent(self, change):
        tg = change.target_group
        goal = self.wanted(change)
        if tg.filling_goal != goal:
            tg.filling_goal = goal
            type(tg).objects.filter(pk=tg.pk).update(filling_goal=goal)

    def send(self, adapter, change, version):
        return adapter.set_filling_goal(change.target_group.ref, self.wanted(change), key=_key(change), version=version)

    def applied(self, change, answer):
        tg = change.target_group
        store_profiles_answer(tg, answer, keep_version=False)
        # The filling goal always (a pull may have written the old one since the claim), and the new
        # version with it: one UPDATE.
        fields = {"filling_goal": self.wanted(change)}
        if answer.version and answer.version != tg.version:
            fields["version"] = answer.version
        for field, value in fields.items():
            setattr(tg, field, value)
        type(tg).objects.filter(pk=tg.pk).update(**fields)

    def carry(self, change, answer, carried):
        # The rescaled quota goals come with the answer's profiles.
        return (carried or CarriedProfiles()).then(answer, change.target_group, filling_goal=self.wanted(change))

    def refresh(self, adapter, change):
        # A new filling goal moves the quota goals too (the supplier rescales them): read both.
        change.remote_record = refresh_target_group(adapter, change.target_group)
        upsert_profiles(change.target_group, adapter.read_profiles(change.target_group.ref))

    def verdict(self, change):
        record = getattr(change, "remote_record", None)
        if record is None:
            return Verdict(needed=True)
        if (record.filling_goal or 0) == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a filling goal of {self.wanted(change)}; nothing more to do.",
            )
        return Verdict(needed=True)


# --- qualifications (`capabilities.qualifications`) ------------------------------------------------
#
# * ``add_qualification``: ``{"question_id", "name", "description", "conditions_kind", "conditions"}``.
# * ``update_qualification``: ``profile=`` the Profile; ``{"conditions_kind", "conditions"}``.
# * ``delete_qualification``: ``profile=`` the Profile; no payload.
#
# ``conditions`` are in the cockpit's shape (``[{"id", "text"}]``, ranges with ``min``/``max``). A supplier
# without idempotency keys is re-read before a re-send: each verdict compares the profile it finds.


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

    def applied(self, change, answer):
        store_profiles_answer(change.target_group, answer)

    def send_conditions(self, verb, adapter, change, version):
        return verb(
            change.target_group.ref,
            self.question_id(change),
            change.payload.get("conditions_kind") or "",
            list(change.payload.get("conditions") or []),
            key=_key(change),
            version=version,
        )


@register
class AddQualification(QualificationChange):
    name = "add_qualification"
    label = "Add a qualification"

    def describe(self, change):
        texts = ", ".join(c.get("text", "") for c in change.payload.get("conditions") or [])
        return f"Add the qualification {_quoted(self.profile_name(change))} ({texts})" if texts else self.label

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

    def send(self, adapter, change, version):
        return self.send_conditions(adapter.add_qualification, adapter, change, version)

    def applied(self, change, answer):
        self._drop_placeholder(change)
        super().applied(change, answer)

    def revert(self, adapter, change):
        self._drop_placeholder(change)
        super().revert(adapter, change)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        found = remote.profile(self.remote_id(change))
        if found is None:
            return Verdict(needed=True)
        self._drop_placeholder(change)
        if _condition_ids(found.conditions) == _condition_ids(change.payload.get("conditions")):
            return Verdict(needed=False, reason="The supplier already had this qualification; nothing more to do.")
        return Verdict(
            needed=False,
            state=State.CONFLICT,
            reason=f"The survey already has the qualification {_quoted(self.profile_name(change))} with other "
            "answers, so it was not added again. Change that qualification instead.",
        )


@register
class UpdateQualification(QualificationChange):
    name = "update_qualification"
    label = "Change a qualification"

    def describe(self, change):
        texts = ", ".join(c.get("text", "") for c in change.payload.get("conditions") or [])
        return f"Target {texts} on {_quoted(self.profile_name(change))}" if texts else self.label

    def touches(self, change):
        return [f"profile:{change.profile_id}", "aa_panel"]

    def record_intent(self, change):
        wanted = change.payload.get("conditions") or []
        Profile.objects.filter(pk=change.profile_id).update(
            conditions=wanted, conditions_kind=change.payload.get("conditions_kind", "")
        )

    def send(self, adapter, change, version):
        return self.send_conditions(adapter.update_qualification, adapter, change, version)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        found = remote.profile(self.remote_id(change))
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The qualification {_quoted(self.profile_name(change))} no longer exists at the supplier, "
                "so it was not changed. Add it again if it is still needed.",
            )
        if _condition_ids(found.conditions) == _condition_ids(change.payload.get("conditions")):
            return Verdict(needed=False, reason="The supplier already targets these answers; nothing more to do.")
        return Verdict(needed=True)


@register
class DeleteQualification(QualificationChange):
    name = "delete_qualification"
    label = "Delete a qualification"

    def check(self, change, capabilities):
        super().check(change, capabilities)
        if change.profile is not None and change.profile.interlocked_profile_id:
            raise Unsupported(
                f"{_quoted(change.profile.name)} is part of an interlock, so it cannot be deleted; nothing was sent."
            )

    def describe(self, change):
        return f"Delete the qualification {_quoted(self.profile_name(change))}"

    def touches(self, change):
        return ["profiles", "aa_panel"]

    def record_intent(self, change):
        Profile.objects.filter(pk=change.profile_id, vanished_at__isnull=True).update(vanished_at=timezone.now())

    def send(self, adapter, change, version):
        return adapter.delete_qualification(
            change.target_group.ref, self.question_id(change), key=_key(change), version=version
        )

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        if remote.profile(self.remote_id(change)) is None:
            return Verdict(needed=False, reason="The supplier had already deleted this qualification; nothing more.")
        return Verdict(needed=True)


# --- the survey's length of interview and CPI (`capabilities.loi`, `capabilities.cpi`) ------------------
#
# * ``set_loi``: ``{"loi": minutes}``; ``set_cpi``: ``{"cpi": "12.50"}`` (a decimal as text).


class TargetGroupSetting(ChangeKind):
    """One setting of a launched target group, shown at once and checked by re-reading the target group."""

    while_open = True

    field = ""
    words = ""

    def wanted(self, change):
        raise NotImplementedError

    def shown(self, value):
        return str(value)

    def describe(self, change):
        return f"Set the {self.words} to {self.shown(self.wanted(change))}"

    def touches(self, change):
        # Audience-Align shows the setting's badge in its own panel (a block that is empty elsewhere).
        return ["header", "aa_panel"]

    def intent_key(self, change):
        return (self.field,)

    def record_intent(self, change):
        tg = change.target_group
        if getattr(tg, self.field) != self.wanted(change):
            setattr(tg, self.field, self.wanted(change))
            type(tg).objects.filter(pk=tg.pk).update(**{self.field: self.wanted(change)})

    def applied(self, change, answer):
        tg = change.target_group
        if answer.target_group is not None:
            apply_record(tg, answer.target_group)
        tg.take_version(answer.version)

    def refresh(self, adapter, change):
        change.remote_record = refresh_target_group(adapter, change.target_group)

    def verdict(self, change):
        record = getattr(change, "remote_record", None)
        remote = getattr(record, self.field, None) if record is not None else None
        if remote is None:
            return Verdict(needed=True)
        if remote == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a {self.words} of {self.shown(remote)}; nothing more to do.",
            )
        return Verdict(needed=True)


@register
class SetLoi(TargetGroupSetting):
    name = "set_loi"
    label = "Change the length of interview"
    capability = "loi"
    field = "expected_length_of_interview_minutes"
    words = "length of interview"

    def wanted(self, change):
        return int(change.payload.get("loi") or 0)

    def shown(self, value):
        return f"{value} minutes"

    def send(self, adapter, change, version):
        return adapter.set_loi(change.target_group.ref, self.wanted(change), key=_key(change), version=version)


@register
class SetCpi(TargetGroupSetting):
    name = "set_cpi"
    label = "Change the CPI"
    capability = "cpi"
    field = "cpi"
    words = "CPI"

    def wanted(self, change):
        return Decimal(str(change.payload.get("cpi") or "0")).quantize(Decimal("0.0001"))

    def shown(self, value):
        return f"{value:.2f}"

    def send(self, adapter, change, version):
        return adapter.set_cpi(change.target_group.ref, self.wanted(change), key=_key(change), version=version)


def quota_row(tg, remote_id):
    """The cockpit's quota or interlock cell of `tg` with `remote_id`, or None."""
    return (
        Quota.objects.filter(profile__target_group=tg, remote_id=remote_id).first()
        or InterlockCell.objects.filter(interlocked_profile__target_group=tg, remote_id=remote_id).first()
    )


@register
class SetTrafficCap(ProfilesChange):
    """A quota's (or cell's) cap on traffic below its goal: PureSpectrum's current_target."""

    name = "set_traffic_cap"
    label = "Change a quota's current target"
    capability = "traffic_caps"

    def quota_id(self, change):
        return str(change.payload.get("quota_id") or "")

    def wanted(self, change):
        return int(change.payload.get("traffic_cap") or 0)

    def quota_text(self, change):
        row = quota_row(change.target_group, self.quota_id(change))
        return getattr(row, "text", "") or getattr(change, "known_text", "")

    def describe(self, change):
        name = _quoted(self.quota_text(change), "a quota")
        if change.payload.get("stop"):
            return f"Stop traffic to {name} (current target {self.wanted(change)}, what it has achieved)"
        return f"Set the current target of {name} to {self.wanted(change)}"

    def touches(self, change):
        return [f"profile:{change.profile_id}"] if change.profile_id else ["interlocks"]

    def intent_key(self, change):
        return ("traffic_cap", self.quota_id(change))

    def record_intent(self, change):
        tg, wanted = change.target_group, self.wanted(change)
        Quota.objects.filter(profile__target_group=tg, remote_id=self.quota_id(change)).update(traffic_cap=wanted)
        InterlockCell.objects.filter(interlocked_profile__target_group=tg, remote_id=self.quota_id(change)).update(
            traffic_cap=wanted
        )

    def send(self, adapter, change, version):
        return adapter.set_traffic_cap(
            change.target_group.ref, self.quota_id(change), self.wanted(change), key=_key(change), version=version
        )

    def applied(self, change, answer):
        upsert_quota(change.target_group, answer.quota)

    def refresh(self, adapter, change):
        change.known_text = self.quota_text(change)
        super().refresh(adapter, change)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        found = remote.quotas().get(self.quota_id(change))
        name = _quoted(getattr(change, "known_text", "") or self.quota_text(change), "you changed")
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The quota {name} no longer exists at the supplier, so its current target was not changed. "
                "Refresh the page to see the survey's current quotas.",
            )
        if found.traffic_cap == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a current target of {self.wanted(change)} on {name}; "
                "nothing more to do.",
            )
        return Verdict(needed=True)
