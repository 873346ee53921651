"""The combined grid's rows and the suggested split's rows as HTML, built once in Python from the study's
figures with every text escaped once (as the quota monitor's grid is: `quotas.rows`), so a study of many
cells and suppliers costs what its rows do. A figure the cockpit cannot know is "–" with why in its title.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from quotas.history.pace import Verdict
from quotas.rows import VERDICT_CLASSES, bar, count, day

from .figures import NOT_MAPPED

DASH = '<td class="num muted" title="{why}">–</td>'
VERDICT_LABELS = {verdict: escape(verdict.label) for verdict in Verdict}


def _dash(why):
    return DASH.format(why=escape(why))


def _finish(finish, verdict, said, why=""):
    if verdict == Verdict.REACHED:
        return '<td class="pace-reached" title="Goal reached">reached</td>'
    if why:
        return _dash(why)
    css = VERDICT_CLASSES.get(verdict, "")
    label = VERDICT_LABELS[verdict] if verdict else "No end date to measure against"
    text = day(finish, said) if finish else "never at this pace"
    return f'<td class="{css}" title="{label}">{text}</td>'


def _pace(pace, verdict, why):
    if verdict == Verdict.REACHED:
        return '<td class="num">–</td>'
    if pace is None:
        return _dash(why)
    title = f' title="{escape(why)}"' if why else ""
    return f'<td class="num"{title}>{pace:,.1f}/day</td>'


def _share_cells(share, said):
    if share is None:
        return f'<td colspan="4" class="muted small unmapped" title="{NOT_MAPPED}">not mapped</td>'
    achieved = _dash(share.why) if share.achieved is None else f'<td class="num">{share.achieved:,}</td>'
    finish = _finish(share.finish, share.verdict, said, share.why if share.pace is None else "")
    return (
        f'<td class="num tg-first">{share.goal:,}</td>{achieved}{_pace(share.pace, share.verdict, share.why)}{finish}'
    )


def _need(cell):
    if cell.need is None:
        return _dash(cell.achieved_why)
    if cell.need < 0:
        return (
            f'<td class="num"><span class="over" title="Completes past the study goal">{-cell.need:,} over</span></td>'
        )
    return f'<td class="num">{cell.need:,}</td>'


def _combined_cells(cell, said):
    if cell.achieved is None:
        why = escape(cell.achieved_why)
        return f'<td class="num muted combined-first" title="{why}">–</td>' + DASH.format(why=why) * 5
    over = cell.over
    over_cell = f'<td class="num over">{over:,}</td>' if over else '<td class="num">0</td>'
    pace = _pace(cell.pace, cell.verdict, cell.pace_why)
    finish = _finish(cell.finish, cell.verdict, said, cell.pace_why if cell.pace is None else "")
    return (
        f'<td class="num combined-first">{cell.achieved:,}</td>{_need(cell)}{over_cell}'
        f"<td>{bar(cell.achieved, cell.goal)}</td>{pace}{finish}"
    )


def grid_rows(figures):
    """The table body of the combined grid: a row per cell."""
    rows, said = [], {}
    for cell in figures.cells:
        allocated = cell.allocated
        goal_title = ""
        if allocated < cell.goal:
            goal_title = f' title="The suppliers\' goals add up to {allocated:,}, less than the study goal"'
        parts = [
            f'<tr id="cell-{cell.cell.pk}"><th scope="row">{escape(cell.cell.label)}</th>',
            f'<td class="num"{goal_title}>{count(cell.goal)}{" ⚠" if goal_title else ""}</td>',
        ]
        parts.extend(_share_cells(share, said) for share in cell.shares)
        parts.append(_combined_cells(cell, said))
        rows.append("".join(parts) + "</tr>\n")
    return mark_safe("".join(rows))


def _when(when, said):
    return day(when, said) if when else "not at today's pace"


def suggestion_rows(suggestion):
    """The table body of the suggested split: per cell, each target group's goal today → suggested, and the
    cell's finish with both."""
    rows, said = [], {}
    for split in suggestion.cells:
        parts = [f'<tr id="split-{split.figures.cell.pk}"><th scope="row">{escape(split.label)}</th>']
        for part in split.parts:
            if part is None:
                parts.append('<td class="muted">–</td>')
            elif part.changed:
                parts.append(
                    f'<td class="num"><span class="muted">{part.today:,} →</span> '
                    f"<strong>{part.suggested:,}</strong></td>"
                )
            else:
                parts.append(f'<td class="num">{part.today:,}</td>')
        short = f'<span class="over">{split.short:,} short</span>' if split.short else ""
        parts.append(f"<td>{_when(split.today_finish, said)}</td>")
        parts.append(f"<td>{_when(split.suggested_finish, said)} {short}</td>")
        rows.append("".join(parts) + "</tr>\n")
    return mark_safe("".join(rows))
