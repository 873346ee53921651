"""The rows of the quota grid (a profile's quotas, an interlock's cells) as HTML.

A target group can have hundreds of quotas; rendered row by row through the template engine
they were most of the page's time. Each row is built once here from plain values, every
text escaped once, and the block's template prints the finished table body.

The grid has the same columns for every supplier, less those a supplier cannot fill
(`quotas.grid.Columns`): a column is absent, never blank.
"""

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from quotas.history.pace import Verdict

NO_QUOTA_OF_ITS_OWN = ' <span class="muted small">no quota of its own: the survey\'s goal</span>'

BAR = '<span class="bar" title="{done} of {target}"><span class="{fill}" style="width: {percent}%"></span></span>'
# Where the supplier does not count a quota's completes, there is no fill to draw.
NOT_COUNTED = '<span class="muted small" title="The supplier does not count this quota\'s completes">not counted</span>'
INPUT = (
    '<input type="number" min="0" class="inline" name="{name}" id="{name}" form="grid-form" '
    'aria-label="{what} of {text}" value="{value}"{described}>{said}'
)
INVALID = ' aria-invalid="true" aria-describedby="{name}-error"'
ERROR = '<div class="error" id="{name}-error">{error}</div>'
WARNED = ' aria-describedby="{name}-warning"'
WARNING = '<div class="warning" id="{name}-warning">{warning}</div>'
LOCKED = '<span class="badge paused" title="{why}">Locked</span>'
LOCK = (
    '<form method="post" action="{url}" hx-post="{url}" hx-target="#profiles" hx-swap="outerHTML" '
    'hx-confirm="{confirm}">{csrf}<input type="hidden" name="row" value="{kind}-{pk}">'
    '<button type="submit" class="small" id="lock-{kind}-{pk}">Lock</button></form>'
)
VERDICT_CLASSES = {
    Verdict.REACHED: "pace-reached",
    Verdict.ON_TRACK: "pace-on-track",
    Verdict.AT_RISK: "pace-at-risk",
    Verdict.BEHIND: "pace-behind",
}


def count(value):
    """A count as the page prints it: 1,234; a dash for unknown."""
    return "–" if value is None else f"{value:,}"


def fill_of(done, goal):
    """The fill bar's colour: open, full (at its goal), over (past it: completes paid for and not wanted)."""
    if goal and done > goal:
        return "fill over"
    if goal and done >= goal:
        return "fill full"
    return "fill"


def bar(done, goal):
    return BAR.format(
        done=done, target=goal, fill=fill_of(done, goal), percent=min(100, done * 100 // goal) if goal else 0
    )


def open_now(row):
    """What a quota can still take today: its current target less its achieved (the supplier's own figure
    where it gives one)."""
    given = (row.extra or {}).get("currently_open")
    if isinstance(given, int):
        return given
    if row.traffic_cap is None or row.completes is None:
        return None
    return max(0, row.traffic_cap - row.completes)


def need(row):
    """Completes still wanted: goal less achieved; past the goal, how many over, as a negative number."""
    return None if row.completes is None else row.completes_goal - row.completes


def need_cell(row):
    value = need(row)
    if value is None:
        return "–"
    if value < 0:
        return f'<span class="over" title="Completes past the goal">{-value:,} over</span>'
    return f"{value:,}"


def is_locked(row):
    """Takes no more respondents: the supplier says so, or its current target is at or below its achieved."""
    extra = row.extra or {}
    if extra.get("locked"):
        return True
    return row.traffic_cap is not None and row.completes is not None and row.traffic_cap <= row.completes


MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(when, said=None):
    """`when` as a day in the PM's time zone ("8 Dec"); `said`, a dict kept for one table, spares working
    out the same moment twice (rows that finish together are many)."""
    if said is not None and when in said:
        return said[when]
    local = timezone.localtime(when)
    text = f"{local.day} {MONTHS[local.month]}"
    if said is not None:
        said[when] = text
    return text


def pace_cells(row, said=None):
    """The pace and projected-finish cells of a row, as the beat last worked them out (`row_figures`)."""
    if row.completes is None:
        return "<td>–</td><td>–</td>"
    if row.completes_goal and row.completes >= row.completes_goal:
        return '<td class="num">–</td><td class="pace-reached" title="Goal reached">reached</td>'
    if row.pace_verdict == Verdict.TOO_EARLY:
        return '<td class="num muted">–</td><td class="muted" title="Too early to tell the pace">too early</td>'
    if row.pace_per_day is None:
        return '<td class="num">–</td><td class="muted" title="No pace measured yet">–</td>'
    verdict = row.pace_verdict
    css = VERDICT_CLASSES.get(verdict, "")
    label = escape(Verdict(verdict).label) if verdict else "No end date to measure against"
    finish = day(row.finish_at, said) if row.finish_at else "never at this pace"
    return f'<td class="num">{row.pace_per_day:,.1f}/day</td><td class="{css}" title="{label}">{finish}</td>'


def _input(name, what, text, value, form):
    """An input of the grid's edit form; posted `form` keeps what was typed and says what is wrong with it."""
    described, said = "", ""
    if form is not None and name in form.fields:
        field = form[name]
        value = "" if field.value() is None else escape(field.value())
        error = " ".join(field.errors)
        warning = (form.warnings or {}).get(name, "")
        if error:
            described, said = INVALID.format(name=name), ERROR.format(name=name, error=escape(error))
        elif warning:
            described = WARNED.format(name=name)
        if warning:
            said += WARNING.format(name=name, warning=escape(warning))
    return INPUT.format(name=name, what=what, text=text, value=value, described=described, said=said)


def _lock_cell(kind, row, text, columns, locked):
    """Locked, said in words; else, where the PM may lock it, the form that does (one confirmed click)."""
    if locked:  # only where the supplier caps traffic (`is_locked`)
        return LOCKED.format(why="Takes no more respondents: its current target is what it has achieved")
    if not columns.lockable or row.completes is None:
        return ""
    if columns.targets:
        confirm = (
            f"Lock “{text}”? Its current target becomes {row.completes:,}, what it has already achieved, "
            "so it receives no more respondents. Raise the current target again to reopen it."
        )
    else:
        confirm = (
            f"Lock “{text}”? Its goal becomes {row.completes:,}, what it has already achieved, so it receives "
            f"no more respondents. Its goal now is {row.completes_goal:,}: raise it again to reopen it."
        )
    return LOCK.format(url=columns.lock_url, csrf=columns.csrf_input, kind=kind, pk=row.pk, confirm=escape(confirm))


def table_body(entries, columns, *, kind="quota", form=None, editing=False):
    """The table body of `entries`, (row, grouped) pairs of a profile's quotas or an interlock's cells
    (`kind` "quota" or "cell"), as one piece of HTML; every text in it is escaped as the row is built.

    `columns` says which columns the supplier fills; each row's pace, finish and sparkline are its own
    stored figures. With `editing`, each goal (and current target) is an input of the grid's form; a
    posted `form` (a `GridForm` with errors or warnings) keeps what was typed and says what is wrong.
    """
    rows, said = [], {}
    for row, grouped in entries:
        goal, done = row.completes_goal, row.completes
        text = escape(row.text)
        criteria = (row.extra or {}).get("criteria")
        label = f"Group: {text}" if grouped else text
        if criteria and criteria != row.text:
            label = f'<strong>{label}</strong><div class="muted">{escape(criteria)}</div>'
        if (row.extra or {}).get("defined") is False:
            label += NO_QUOTA_OF_ITS_OWN
        locked = columns.targets and is_locked(row)
        cells = [f'<tr id="{kind}-{row.pk}"{" class=locked" if locked else ""}><td>{label}</td>']
        if editing:
            cells.append(f'<td class="num">{_input(f"goal-{kind}-{row.pk}", "Goal", text, goal, form)}</td>')
        else:
            cells.append(f'<td class="num">{count(goal)}</td>')
        if columns.targets:
            cap = row.traffic_cap if row.traffic_cap is not None else goal
            if editing:
                name = f"target-{kind}-{row.pk}"
                cells.append(f'<td class="num">{_input(name, "Current target", text, cap, form)}</td>')
            else:
                cells.append(f'<td class="num">{count(row.traffic_cap)}</td>')
        cells.append(f'<td class="num">{count(done)}</td>')
        if columns.starts:
            cells.append(f'<td class="num">{count(row.prescreens)}</td>')
        if columns.targets:
            cells.append(f'<td class="num">{count(open_now(row))}</td>')
        cells.append(f'<td class="num">{need_cell(row)}</td>')
        cells.append(f"<td>{NOT_COUNTED if done is None else bar(done, goal)}</td>")
        cells.append(pace_cells(row, said))
        cells.append(f'<td class="spark">{row.sparkline}</td>')
        if columns.lock_column and not editing:
            cells.append(f"<td>{_lock_cell(kind, row, text, columns, locked)}</td>")
        rows.append("".join(cells) + "</tr>\n")
    return mark_safe("".join(rows))
