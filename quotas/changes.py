"""The outbox change kinds for a launched target group's quotas, interlocks and filling goals.

Payloads (what `request_change(kind, ..., payload=...)` takes):

* ``enable_quotas`` / ``disable_quotas``: ``profile=`` the Profile; no payload.
* ``create_interlock``: ``{"profile_ids": [profile remote ids], "target_group_filling_goal": int}``.
* ``remove_interlock``: ``{"interlocked_profile_id": remote id}``.
* ``set_quota_goals``: ``{"goals": {quota or interlock cell remote id: completes goal}}``.
* ``set_target_group_filling_goal``: ``{"filling_goal": int}``.

Each kind shows its intent on the local rows at once, sends with the change's
idempotency key and the target group's ETag, stores the supplier's answer, and after a
412 re-reads the supplier to decide whether the change is still needed. The payload is
kept exactly as asked; names for messages come from the local rows.
"""

from django.utils import timezone

from projects.models import PENDING_PREFIX
from suppliers.cint import errors
from sync.outbox import ChangeKind, State, Verdict, register
from sync.pull import refresh_details

from .models import InterlockCell, InterlockedProfile, Profile, Quota
from .sync import (
    profiles_in,
    remove_interlocked_profile,
    take_etag,
    upsert_interlocked_profile,
    upsert_profile,
    upsert_profiles,
)


def _key(change):
    return str(change.idempotency_key)


def _if_match(etag):
    return etag or None


def _ids(change):
    tg = change.target_group
    return tg.project.remote_id, tg.remote_id


def _quoted(name, unnamed="this profile"):
    return f"“{name}”" if name else unnamed


class ProfilesChange(ChangeKind):
    """A change to the target group's profiles: `refresh` re-reads all of them (v2)."""

    def refresh(self, client, change):
        tg = change.target_group
        response = client.list_profiles(*_ids(change))
        change.remote_profiles = response.data or {}
        upsert_profiles(tg, change.remote_profiles, exclude_change=change)
        if response.etag:
            take_etag(tg, response)
        else:
            refresh_details(client, tg, exclude_change=change)

    def remote(self, change):
        """The supplier's profiles payload read by `refresh` (None if not read)."""
        return getattr(change, "remote_profiles", None)


class QuotaToggle(ProfilesChange):
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

    def record_intent(self, change):
        Profile.objects.filter(pk=change.profile_id).update(quotas_enabled=self.enable)

    def send(self, client, change, etag):
        if change.profile is None:
            raise errors.NotFound("The profile of this change no longer exists in the cockpit.", status=404)
        method = client.enable_quotas if self.enable else client.disable_quotas
        return method(*_ids(change), change.profile.remote_id, idempotency_key=_key(change), if_match=_if_match(etag))

    def applied(self, change, response):
        upsert_profile(change.target_group, response.data or {}, exclude_change=change)
        take_etag(change.target_group, response)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        name = self.profile_name(change)
        found = profiles_in(remote).get(change.profile.remote_id if change.profile else None)
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The profile {_quoted(name)} no longer exists at the supplier, so its quotas could not be "
                f"{self.state_word}. Refresh the page to see the target group's current profiles.",
            )
        if bool(found[0].get("quotas_enabled")) == self.enable:
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


@register
class CreateInterlock(ProfilesChange):
    """Interlock 2–6 profiles; the cockpit shows a cell-less interlock until the supplier answers."""

    name = "create_interlock"
    label = "Create an interlock"

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

    def record_intent(self, change):
        tg = change.target_group
        names = self.profile_names(change)
        placeholder, _ = InterlockedProfile.objects.update_or_create(
            target_group=tg,
            remote_id=placeholder_id(change),
            defaults={"name": ", ".join(n for n in names.values() if n)[:255], "quotas_enabled": True,
                      "vanished_at": None},
        )
        Profile.objects.filter(target_group=tg, remote_id__in=list(names)).update(interlocked_profile=placeholder)

    def send(self, client, change, etag):
        return client.create_interlocked_profile(
            *_ids(change),
            profile_ids=list(change.payload.get("profile_ids") or []),
            target_group_filling_goal=int(change.payload.get("target_group_filling_goal") or 0),
            idempotency_key=_key(change),
            if_match=_if_match(etag),
        )

    def applied(self, change, response):
        tg = change.target_group
        InterlockedProfile.objects.filter(target_group=tg, remote_id=placeholder_id(change)).delete()
        data = response.data or {}
        interlock = data.get("interlocked_profile") if "interlocked_profile" in data else data
        upsert_interlocked_profile(tg, interlock, exclude_change=change)
        take_etag(tg, response)

    def revert(self, client, change):
        InterlockedProfile.objects.filter(target_group=change.target_group, remote_id=placeholder_id(change)).delete()
        super().revert(client, change)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        wanted = list(change.payload.get("profile_ids") or [])
        found = profiles_in(remote)
        names = self.profile_names(change)
        missing = [rid for rid in wanted if rid not in found]
        if missing:
            gone = ", ".join(_quoted(names.get(rid, "")) for rid in missing)
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The profile {gone} no longer exists at the supplier, so the interlock was not created. "
                "Refresh the page and choose the profiles again.",
            )
        interlock = remote.get("interlocked_profile") or None
        if interlock:
            members = {rid for rid, (_, interlock_id) in found.items() if interlock_id == interlock.get("id")}
            if members == set(wanted):
                return Verdict(
                    needed=False, reason="These profiles were already interlocked at the supplier; nothing more to do."
                )
            if members & set(wanted):
                return Verdict(
                    needed=False,
                    state=State.CONFLICT,
                    reason=f"The supplier already has the interlock “{interlock.get('name', '')}” on some of these "
                    "profiles. Remove that interlock first, then ask again.",
                )
        return Verdict(needed=True)


@register
class RemoveInterlock(ProfilesChange):
    name = "remove_interlock"
    label = "Remove an interlock"

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

    def record_intent(self, change):
        tg = change.target_group
        interlock_id = self._interlock_id(change)
        interlock = InterlockedProfile.objects.filter(target_group=tg, remote_id=interlock_id).first()
        if interlock is None:
            return
        if interlock.vanished_at is None:
            InterlockedProfile.objects.filter(pk=interlock.pk).update(vanished_at=timezone.now())
        Profile.objects.filter(interlocked_profile=interlock).update(interlocked_profile=None)

    def send(self, client, change, etag):
        return client.remove_interlocks(
            *_ids(change), self._interlock_id(change), idempotency_key=_key(change), if_match=_if_match(etag)
        )

    def applied(self, change, response):
        data = response.data or {}
        remove_interlocked_profile(
            change.target_group, self._interlock_id(change), data.get("data") or [], exclude_change=change
        )
        take_etag(change.target_group, response)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        interlock = remote.get("interlocked_profile") or None
        if not interlock or interlock.get("id") != self._interlock_id(change):
            name = self.interlock_name(change)
            return Verdict(
                needed=False,
                reason=f"The interlock {_quoted(name, 'you chose')} had already been removed at the supplier; "
                "nothing more to do.",
            )
        return Verdict(needed=True)


@register
class SetQuotaGoals(ProfilesChange):
    """Completes goals of quotas and interlock cells, by remote id (v2 profiles filling-goal)."""

    name = "set_quota_goals"
    label = "Change quota goals"

    def goals(self, change):
        return {str(rid): int(goal) for rid, goal in (change.payload.get("goals") or {}).items()}

    def quota_texts(self, change):
        """{remote id: text} of the quotas and cells the change names, as the cockpit has them."""
        texts = {}
        rids = list(self.goals(change))
        tg = change.target_group
        for model, lookup in ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group")):
            texts.update(model.objects.filter(**{lookup: tg, "remote_id__in": rids}).values_list("remote_id", "text"))
        return texts

    def describe(self, change):
        goals = self.goals(change)
        if len(goals) == 1:
            rid, goal = next(iter(goals.items()))
            return f"Set the completes goal of {_quoted(self.quota_texts(change).get(rid, ''), 'a quota')} to {goal}"
        suffix = f" on {_quoted(change.profile.name)}" if change.profile_id else ""
        return f"Change the completes goals of {len(goals)} quotas{suffix}"

    def record_intent(self, change):
        tg = change.target_group
        goals = self.goals(change)
        for model, lookup in ((Quota, "profile__target_group"), (InterlockCell, "interlocked_profile__target_group")):
            for row in model.objects.filter(**{lookup: tg, "remote_id__in": list(goals)}):
                if row.completes_goal != goals[row.remote_id]:
                    model.objects.filter(pk=row.pk).update(completes_goal=goals[row.remote_id])

    def refresh(self, client, change):
        # The re-read may delete quotas the supplier no longer has: keep their names for the verdict.
        change.quota_texts = self.quota_texts(change)
        super().refresh(client, change)

    def body(self, change):
        """``{"profiles": [{"profile_id", "quotas": [{"quota_id", "filling_goal"}]}]}`` from the local rows."""
        tg = change.target_group
        goals = self.goals(change)
        owners = {}
        quotas = Quota.objects.filter(profile__target_group=tg, remote_id__in=list(goals))
        for rid, owner in quotas.values_list("remote_id", "profile__remote_id"):
            owners[rid] = owner
        cells = InterlockCell.objects.filter(interlocked_profile__target_group=tg, remote_id__in=list(goals))
        for rid, owner in cells.values_list("remote_id", "interlocked_profile__remote_id"):
            owners[rid] = owner
        unknown = [rid for rid in goals if rid not in owners]
        if unknown:
            raise errors.NotFound(
                "The cockpit no longer knows some of these quotas. Refresh from the supplier and set the goals again.",
                status=404,
            )
        profiles = {}
        for rid, goal in sorted(goals.items()):
            profiles.setdefault(owners[rid], []).append({"quota_id": rid, "filling_goal": goal})
        return {"profiles": [{"profile_id": pid, "quotas": profiles[pid]} for pid in sorted(profiles)]}

    def send(self, client, change, etag):
        return client.update_filling_goals(
            *_ids(change), self.body(change), idempotency_key=_key(change), if_match=_if_match(etag)
        )

    def applied(self, change, response):
        data = response.data or {}
        if "data" in data or "interlocked_profile" in data:
            upsert_profiles(change.target_group, data, exclude_change=change)
        elif data.get("id"):
            upsert_profile(change.target_group, data, exclude_change=change)
        take_etag(change.target_group, response)

    def verdict(self, change):
        remote = self.remote(change)
        if remote is None:
            return Verdict(needed=True)
        current = remote_goals(remote)
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


def remote_goals(payload):
    """{quota or cell id: completes goal} in a v2 profiles payload."""
    goals = {}
    for data, _ in profiles_in(payload).values():
        quotas = data.get("quotas") or {}
        for quota in [*(quotas.get("ungrouped") or []), *(quotas.get("grouped") or [])]:
            if isinstance(quota, dict) and quota.get("id"):
                goals[quota["id"]] = int(quota.get("completes_goal", quota.get("filling_goal")) or 0)
    interlock = (payload or {}).get("interlocked_profile") or {}
    for cell in (interlock.get("quotas") or {}).get("ungrouped") or []:
        if cell.get("id"):
            goals[cell["id"]] = int(cell.get("completes_goal", cell.get("filling_goal")) or 0)
    return goals


@register
class SetTargetGroupFillingGoal(ChangeKind):
    """The launched target group's filling goal (completes), through the v2 filling-goal update."""

    name = "set_target_group_filling_goal"
    label = "Change the filling goal"

    def wanted(self, change):
        return int(change.payload.get("filling_goal") or 0)

    def describe(self, change):
        return f"Set the target group's filling goal to {self.wanted(change)}"

    def record_intent(self, change):
        tg = change.target_group
        goal = self.wanted(change)
        if tg.filling_goal != goal:
            tg.filling_goal = goal
            type(tg).objects.filter(pk=tg.pk).update(filling_goal=goal)

    def send(self, client, change, etag):
        body = {"filling_goal": self.wanted(change)}
        return client.update_filling_goals(*_ids(change), body, idempotency_key=_key(change), if_match=_if_match(etag))

    def applied(self, change, response):
        tg = change.target_group
        data = response.data or {}
        if "data" in data or "interlocked_profile" in data:
            upsert_profiles(tg, data, exclude_change=change)
        tg.filling_goal = self.wanted(change)
        type(tg).objects.filter(pk=tg.pk).update(filling_goal=tg.filling_goal)
        take_etag(tg, response)

    def refresh(self, client, change):
        change.remote_details = refresh_details(client, change.target_group, exclude_change=change)

    def verdict(self, change):
        details = getattr(change, "remote_details", None)
        if details is None:
            return Verdict(needed=True)
        if int(details.get("filling_goal") or 0) == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a filling goal of {self.wanted(change)}; nothing more to do.",
            )
        return Verdict(needed=True)
