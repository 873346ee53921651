"""Quota switches and interlocks: the kinds that change a target group's profiles.

* ``enable_quotas`` / ``disable_quotas``: ``profile=`` the Profile; no payload.
* ``create_interlock``: ``{"profile_ids": [profile remote ids], "target_group_filling_goal": int}``.
* ``remove_interlock``: ``{"interlocked_profile_id": remote id}``.

Every kind that changes profiles reads all of them back (`ProfilesChange.read_back`): its verdict is
given the supplier's `ProfilesSnapshot` with the names the cockpit showed before the re-read.
"""

from typing import NamedTuple

from django.utils import timezone

from projects.models import PENDING_PREFIX
from suppliers import errors
from suppliers.adapter import Unsupported
from sync.kinds import ChangeKind, State, Verdict
from sync.mirror import refresh_target_group

from ..mirror import remove_interlock, upsert_interlock, upsert_profile, upsert_profiles
from ..models import InterlockedProfile, Profile
from .answers import CarriedProfiles


def key_of(change):
    return str(change.idempotency_key)


def quoted(name, unnamed="this profile"):
    return f"“{name}”" if name else unnamed


class ProfilesRead(NamedTuple):
    """What `ProfilesChange.read_back` saw: the supplier's profiles, and the names the cockpit showed for
    what the change is about before the re-read (which may delete rows the supplier no longer has)."""

    profiles: object  # a `ProfilesSnapshot`
    names: dict


class ProfilesChange(ChangeKind):
    """A change to the target group's profiles: `read_back` re-reads all of them."""

    while_open = True

    def names_before(self, change):
        """{remote id: name} the verdict words the change with, kept from before the re-read."""
        return {}

    def read_back(self, adapter, change):
        tg = change.target_group
        names = self.names_before(change)
        snapshot = adapter.read_profiles(tg.ref)
        upsert_profiles(tg, snapshot)
        if snapshot.version:
            tg.take_version(snapshot.version)
        elif adapter.capabilities.versions:
            refresh_target_group(adapter, tg)
        return ProfilesRead(snapshot, names)


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
        return f"{self.verb} quotas on {quoted(self.profile_name(change))}"

    def touches(self, change):
        return [f"profile:{change.profile_id}"]

    def intent_key(self, change):
        return ("quotas_enabled", change.profile_id)

    def record_intent(self, change):
        Profile.objects.filter(pk=change.profile_id).update(quotas_enabled=self.enable)

    def send(self, adapter, change, version, seen=None):
        if change.profile is None:
            raise errors.NotFound("The profile of this change no longer exists in the cockpit.", status=404)
        return adapter.set_quotas_enabled(
            change.target_group.ref, change.profile.remote_id, self.enable, key=key_of(change), version=version
        )

    def mirror(self, change, answer, seen=None):
        upsert_profile(change.target_group, answer.profile)
        change.target_group.take_version(answer.version)
        return ""

    def carry(self, change, answer, carried):
        return (carried or CarriedProfiles()).then(answer, change.target_group)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        remote = seen.profiles
        name = self.profile_name(change)
        found = remote.profile(change.profile.remote_id if change.profile else None)
        if found is None:
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The profile {quoted(name)} no longer exists at the supplier, so its quotas could not be "
                f"{self.state_word}. Refresh the page to see the target group's current profiles.",
            )
        if found.quotas_enabled == self.enable:
            return Verdict(
                needed=False,
                reason=f"Quotas on {quoted(name)} were already {self.state_word} at the supplier; nothing more to do.",
            )
        return Verdict(needed=True)


class EnableQuotas(QuotaToggle):
    name = "enable_quotas"
    label = "Enable quotas"
    enable = True


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

    def send(self, adapter, change, version, seen=None):
        return adapter.create_interlock(
            change.target_group.ref,
            list(change.payload.get("profile_ids") or []),
            filling_goal=int(change.payload.get("target_group_filling_goal") or 0),
            key=key_of(change),
            version=version,
        )

    def mirror(self, change, answer, seen=None):
        tg = change.target_group
        InterlockedProfile.objects.filter(target_group=tg, remote_id=placeholder_id(change)).delete()
        upsert_interlock(tg, answer.interlock, answer.members)
        tg.take_version(answer.version)
        return ""

    def revert(self, adapter, change, error=None):
        InterlockedProfile.objects.filter(target_group=change.target_group, remote_id=placeholder_id(change)).delete()
        super().revert(adapter, change, error)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        remote = seen.profiles
        wanted = list(change.payload.get("profile_ids") or [])
        names = self.profile_names(change)
        missing = [rid for rid in wanted if remote.profile(rid) is None]
        if missing:
            gone = ", ".join(quoted(names.get(rid, "")) for rid in missing)
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
        return f"Remove the interlock {quoted(name)}" if name else self.label

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

    def send(self, adapter, change, version, seen=None):
        return adapter.remove_interlock(
            change.target_group.ref, self._interlock_id(change), key=key_of(change), version=version
        )

    def mirror(self, change, answer, seen=None):
        remove_interlock(change.target_group, self._interlock_id(change), answer.members)
        change.target_group.take_version(answer.version)
        return ""

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        if seen.profiles.interlock(self._interlock_id(change)) is None:
            name = self.interlock_name(change)
            return Verdict(
                needed=False,
                reason=f"The interlock {quoted(name, 'you chose')} had already been removed at the supplier; "
                "nothing more to do.",
            )
        return Verdict(needed=True)
