"""What a rule on a study can watch: the study's combined figures (`studies.figures`), read now by the beat.

* A cell's combined fill: its achieved over every supplier, as a share of the study's goal for the cell;
  read per cell, so closing the cell acts on the cell that fired.
* The study's spend, and its projected spend, against its budget (in the study's currency, as the study page
  reckons them).
* The combined pace against the field end: the suppliers' paces added up over the cells that still need
  completes, as a share of the pace that would meet every cell's need by the study's end.

A figure the cockpit cannot know (no budget, no pace yet, completes a supplier does not count) reads as
nothing: the rule neither fires nor clears on it. These are not tried on the recorded history: the combined
figures are worked out now, not recorded over time.
"""

from datetime import timedelta
from decimal import Decimal

from studies.figures import study_figures

from .conditions import HIGH, LOW, Condition, Reading, condition_of

DAY = timedelta(days=1)


def _share(part, whole):
    return Decimal(100 * part / whole).quantize(Decimal("0.01"))


def _cell_fill(study, rule, now):
    return [
        Reading(_share(cell.achieved, cell.goal), f"study-cell-{cell.cell.pk}", cell.cell.label, cell.cell)
        for cell in study_figures(study, now).cells
        if cell.goal and cell.achieved is not None
    ]


def _money(field):
    def read(study, rule, now):
        money = study_figures(study, now).money
        amount = getattr(money, field)
        if not money.budget or amount is None:
            return []
        return [Reading(_share(amount, money.budget))]

    return read


def _pace(study, rule, now):
    if study.field_end <= now:
        return []
    wanting = [cell for cell in study_figures(study, now).cells if cell.need is not None and cell.need > 0]
    paced = [cell.pace for cell in wanting if cell.pace is not None]
    if not paced:
        return []
    needed = sum(cell.need for cell in wanting) / ((study.field_end - now) / DAY)
    return [Reading(_share(sum(paced), needed))]


STUDY_CONDITIONS = {
    c.key: c
    for c in (
        Condition("cell_fill", "A cell's combined fill", HIGH, "% of the study's goal for the cell",
                  "every supplier that counts quota completes", _cell_fill, rows=True),
        Condition("study_spend", "The study's spend against its budget", HIGH, "% of the budget",
                  "once the study has a budget and its target groups a CPI", _money("spend")),
        Condition("study_projected", "The study's projected spend against its budget", HIGH,
                  "% of the budget (projected)", "once the study has a budget and its target groups a CPI",
                  _money("projected")),
        Condition("study_pace", "The combined pace against the field end", LOW, "% of the pace needed",
                  "every supplier with a measured pace", _pace),
    )
}  # fmt: skip


def spec_of(rule):
    """The `Condition` `rule` watches: a study's figure for a rule on a study, else a target group's."""
    if rule.study_id:
        return STUDY_CONDITIONS.get(rule.condition) or STUDY_CONDITIONS["cell_fill"]
    return condition_of(rule.condition)
