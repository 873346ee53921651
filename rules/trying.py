"""Trying a rule on the recorded history of a target group before saving it: "would have fired at 14:05 and
19:40". The rule's condition is read at every moment its figure changed over the last days (and every few
minutes between), with the same thresholds and episodes as the beat: it fires once, re-arms only once its
figure is back past the clear threshold."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

DAYS = 3
STEP = timedelta(minutes=5)


@dataclass(frozen=True)
class Firing:
    at: object
    figure: object
    row_label: str = ""


@dataclass(frozen=True)
class Tried:
    firings: list
    start: object
    end: object
    # Why it could not be tried ("" when it was).
    refusal: str = ""

    @property
    def words(self):
        if self.refusal:
            return self.refusal
        if not self.firings:
            return f"Would not have fired in the last {DAYS} days."
        times = [f"{timezone.localtime(f.at):%a %H:%M}" + (f" (“{f.row_label}”)" if f.row_label else "")
                 for f in self.firings]  # fmt: skip
        listed = times[0] if len(times) == 1 else ", ".join(times[:-1]) + f" and {times[-1]}"
        return f"Would have fired at {listed} in the last {DAYS} days."


def replay(spec, rule, series):
    """The firings of `rule` along `series` ([(at, figure or None)], oldest first), one per episode."""
    firings, open_ = [], False
    for at, figure in series:
        if figure is None:
            continue
        if open_:
            open_ = not spec.clears(figure, rule)
        elif spec.fires(figure, rule):
            firings.append((at, figure))
            open_ = True
    return firings


def try_on_history(rule, tg, now=None, days=DAYS):
    """The `Tried` of `rule` (saved or not) on `tg`'s recorded history of the last `days`."""
    now = now or timezone.now()
    start = now - timedelta(days=days)
    spec = rule.spec
    if spec.history is None:
        return Tried([], start, now, f"“{spec.label}” is not in the recorded history, so it cannot be tried on it.")
    slot = int(STEP.total_seconds())
    first = start + timedelta(seconds=-int(start.timestamp()) % slot)
    moments = [first + STEP * i for i in range(int((now - first) / STEP) + 1)]
    firings = []
    for _, (label, series) in spec.history(tg, rule, start, now, moments).items():
        firings += [Firing(at, figure, label) for at, figure in replay(spec, rule, series)]
    return Tried(sorted(firings, key=lambda f: f.at), start, now)


def firing_words(rule, firing):
    return f"{timezone.localtime(firing.at):%a %d %b %H:%M}: {rule.spec.figure_words(firing.figure, rule)}"
