"""Goals and caps: the completes goals of quotas and cells, the target group's filling goal, a quota's
current target (traffic cap).

* ``set_quota_goals``: ``{"goals": {quota or interlock cell remote id: completes goal}}``.
* ``set_target_group_filling_goal``: ``{"filling_goal": int}``.
* ``set_traffic_cap``: ``{"quota_id": quota or cell remote id, "traffic_cap": int, "stop": bool}``.
"""

from suppliers import errors
from suppliers.adapter import Unsupported
from sync.kinds import ChangeKind, State, Verdict
from sync.mirror import refresh_target_group

from ..mirror import upsert_profiles, upsert_quota
from ..models import InterlockCell, Quota
from .answers import CarriedProfiles, store_profiles_answer
from .profiles import ProfilesChange, key_of, quoted


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
                f"({', '.join(quoted(t, 'a combination') for t in wrong)}), so nothing was sent."
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
            return f"Set the completes goal of {quoted(self.quota_texts(change).get(rid, ''), 'a quota')} to {goal}"
        suffix = f" on {quoted(change.profile.name)}" if change.profile_id else ""
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

    def names_before(self, change):
        # The re-read may delete quotas the supplier no longer has: keep their names for the verdict.
        return self.quota_texts(change)

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

    def send(self, adapter, change, version, seen=None):
        return adapter.set_quota_goals(
            change.target_group.ref, self.owned_goals(change), key=key_of(change), version=version
        )

    def mirror(self, change, answer, seen=None):
        store_profiles_answer(change.target_group, answer)
        return ""

    def carry(self, change, answer, carried):
        return (carried or CarriedProfiles()).then(answer, change.target_group)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        current = seen.profiles.goals()
        goals = self.goals(change)
        texts = seen.names or self.quota_texts(change)
        missing = [rid for rid in goals if rid not in current]
        if missing:
            gone = ", ".join(quoted(texts.get(rid, ""), "you changed") for rid in missing)
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"The quota {gone} no longer exists at the supplier (its profile may have been changed), "
                "so no goals were changed. Refresh the page and set the goals again.",
            )
        if all(current[rid] == goal for rid, goal in goals.items()):
            return Verdict(needed=False, reason="The supplier already had these completes goals; nothing more to do.")
        return Verdict(needed=True)


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

    def send(self, adapter, change, version, seen=None):
        return adapter.set_filling_goal(
            change.target_group.ref, self.wanted(change), key=key_of(change), version=version
        )

    def mirror(self, change, answer, seen=None):
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
        return ""

    def carry(self, change, answer, carried):
        # The rescaled quota goals come with the answer's profiles.
        return (carried or CarriedProfiles()).then(answer, change.target_group, filling_goal=self.wanted(change))

    def read_back(self, adapter, change):
        # A new filling goal moves the quota goals too (the supplier rescales them): read both.
        record = refresh_target_group(adapter, change.target_group)
        upsert_profiles(change.target_group, adapter.read_profiles(change.target_group.ref))
        return record

    def verdict(self, change, record):
        if record is None:
            return Verdict(needed=True)
        if (record.filling_goal or 0) == self.wanted(change):
            return Verdict(
                needed=False,
                reason=f"The supplier already had a filling goal of {self.wanted(change)}; nothing more to do.",
            )
        return Verdict(needed=True)


def quota_row(tg, remote_id):
    """The cockpit's quota or interlock cell of `tg` with `remote_id`, or None."""
    return (
        Quota.objects.filter(profile__target_group=tg, remote_id=remote_id).first()
        or InterlockCell.objects.filter(interlocked_profile__target_group=tg, remote_id=remote_id).first()
    )


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
        return getattr(row, "text", "")

    def describe(self, change):
        name = quoted(self.quota_text(change), "a quota")
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

    def send(self, adapter, change, version, seen=None):
        return adapter.set_traffic_cap(
            change.target_group.ref, self.quota_id(change), self.wanted(change), key=key_of(change), version=version
        )

    def mirror(self, change, answer, seen=None):
        upsert_quota(change.target_group, answer.quota)
        return ""

    def names_before(self, change):
        # The re-read may delete the quota: keep its text for the verdict.
        return {self.quota_id(change): self.quota_text(change)}

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        found = seen.profiles.quotas().get(self.quota_id(change))
        known = seen.names.get(self.quota_id(change), "")
        name = quoted(known or self.quota_text(change), "you changed")
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
