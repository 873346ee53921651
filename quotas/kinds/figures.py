"""The figures of a whole grid saved at once: goals of quotas and interlock cells, and current targets.

* ``set_quota_figures``: ``{"goals": {quota or cell remote id: completes goal},
  "targets": {quota or cell remote id: current target}}``; targets only where the supplier has
  `traffic_caps`. One change per target group for the whole grid, so one save is one line in the
  changes panel and one badge on the grid.

The supplier's adapter writes them in an order it takes (`set_quota_figures`): at PureSpectrum a lowered
quantity after its current target came down, a raised current target after its quantity went up, and
nothing it already has — so a send broken half-way is finished by the next one, never applied twice.
"""

from suppliers import errors
from suppliers.adapter import Unsupported
from sync.kinds import State, Verdict

from .goals import SetQuotaGoals, goal_rows
from .profiles import key_of, quoted


def counted(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class SetQuotaFigures(SetQuotaGoals):
    """Goals and current targets of any quotas and cells of one target group, as one change."""

    name = "set_quota_figures"
    label = "Change quota goals and current targets"
    capability = "quota_goals"

    def targets(self, change):
        return {str(rid): int(cap) for rid, cap in (change.payload.get("targets") or {}).items()}

    def check(self, change, capabilities):
        super().check(change, capabilities)  # the supplier takes goals, and each cell's goal in its bounds
        if self.targets(change) and not capabilities.traffic_caps:
            raise Unsupported(
                f"{change.connection.get_kind_display()} has no current targets on its quotas, so nothing was sent. "
                "Change the goals alone."
            )

    def quota_texts(self, change):
        named = {**self.goals(change), **self.targets(change)}
        return goal_rows(change.target_group, named, lambda owner: "text")

    def describe(self, change):
        goals, targets = self.goals(change), self.targets(change)
        parts = [counted(len(goals), "goal")] if goals else []
        if targets:
            parts.append(counted(len(targets), "current target"))
        return f"Change {' and '.join(parts)}" if parts else self.label

    def touches(self, change):
        # A grid-wide change: its badge shows on the grid, not on one profile's block.
        return ["grid"]

    def intent_key(self, change):
        return ("quota_figures", tuple(sorted(self.goals(change))), tuple(sorted(self.targets(change))))

    def record_intent(self, change):
        """The new goals and current targets at once; a current target left as it was never shows above its
        new goal (the supplier lowers it with the goal)."""
        tg, goals, targets = change.target_group, self.goals(change), self.targets(change)
        shown = goal_rows(
            tg, {**goals, **targets}, lambda owner: ("pk", "completes_goal", "traffic_cap"), with_model=True
        )
        for rid, (model, (pk, goal, cap)) in shown.items():
            fields = {}
            new_goal = goals.get(rid, goal)
            if new_goal != goal:
                fields["completes_goal"] = new_goal
            new_cap = targets.get(rid, cap)
            if new_cap is not None and new_cap > new_goal and rid not in targets:
                new_cap = new_goal
            if new_cap != cap:
                fields["traffic_cap"] = new_cap
            if fields:
                model.objects.filter(pk=pk).update(**fields)

    def send(self, adapter, change, version, seen=None):
        targets = self.targets(change)
        unknown = [rid for rid in targets if rid not in goal_rows(change.target_group, targets, lambda owner: "pk")]
        if unknown:
            raise errors.NotFound(
                "The cockpit no longer knows some of these quotas. Refresh from the supplier and set them again.",
                status=404,
            )
        owned = self.owned_goals(change) if self.goals(change) else {}
        return adapter.set_quota_figures(change.target_group.ref, owned, targets, key=key_of(change), version=version)

    def verdict(self, change, seen):
        if seen is None:
            return Verdict(needed=True)
        found = seen.profiles.quotas()
        goals, targets = self.goals(change), self.targets(change)
        texts = seen.names or self.quota_texts(change)
        asked = [(rid, "completes_goal", n) for rid, n in goals.items()]
        asked += [(rid, "traffic_cap", n) for rid, n in targets.items()]
        missing = sorted({rid for rid, _, _ in asked if rid not in found}, key=lambda rid: texts.get(rid, rid))
        held = sum(1 for rid, field, n in asked if rid in found and getattr(found[rid], field) == n)
        if missing:
            gone = ", ".join(quoted(texts.get(rid, ""), "you changed") for rid in missing)
            gone = f"The quotas {gone} no longer exist" if len(missing) > 1 else f"The quota {gone} no longer exists"
            if held:
                what = f"The supplier has {held} of the {len(asked)} new values; the others were not sent."
            else:
                what = "None of these goals and current targets were changed."
            return Verdict(
                needed=False,
                state=State.CONFLICT,
                reason=f"{gone} at the supplier (its profile may have been changed). {what} "
                "Refresh the page and save the grid again.",
            )
        if held == len(asked):
            return Verdict(
                needed=False,
                reason="The supplier already had these goals and current targets; nothing more to do.",
            )
        return Verdict(needed=True)
