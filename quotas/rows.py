"""The rows of the cockpit's largest tables (a profile's quotas, an interlock's cells) as HTML.

A target group can have hundreds of quotas; rendered row by row through the template engine
they were most of the page's time. Each row is built once here from plain values, every
text escaped once, and the block's template prints the finished table body.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

NO_QUOTA_OF_ITS_OWN = ' <span class="muted small">no quota of its own: the survey\'s goal</span>'

# One row: what it is, its goal (an input where the PM may change it), completes, prescreens, fill bar.
ROW = (
    '<tr><td>{label}{note}</td><td class="num">{goal}</td><td class="num">{completes}</td>'
    '<td class="num">{prescreens}</td><td>{bar}</td></tr>\n'
)
BAR = '<span class="bar" title="{done} of {target}"><span class="{fill}" style="width: {percent}%"></span></span>'
# Where the supplier does not count a quota's completes, there is no fill to draw.
NOT_COUNTED = '<span class="muted small" title="The supplier does not count this quota\'s completes">not counted</span>'
GOAL_INPUT = (
    '<input type="number" min="0" class="inline" name="goal-{pk}" id="goal-{pk}" '
    'aria-label="Goal for {text}" value="{value}"{described}>{said}'
)
INVALID = ' aria-invalid="true" aria-describedby="goal-{pk}-error"'
ERROR = '<div class="error" id="goal-{pk}-error">{error}</div>'
WARNED = ' aria-describedby="goal-{pk}-warning"'
WARNING = '<div class="warning" id="goal-{pk}-warning">{warning}</div>'


def _count(value):
    """A count as the page prints it: 1,234; a dash for unknown."""
    return "–" if value is None else f"{value:,}"


def _bar(done, goal):
    return BAR.format(
        done=done,
        target=goal,
        fill="fill full" if goal and done >= goal else "fill",
        percent=min(100, done * 100 // goal) if goal else 0,
    )


def table_body(entries, form=None, *, editable=False):
    """The table body of `entries`, (quota, grouped) pairs of a profile's quotas or an interlock's
    cells, as one piece of HTML; every text in it is escaped as the row is built.

    With `editable`, each goal is an input named after the quota. `form` is the block's posted
    `QuotaGoalsForm` when it had errors or warnings: each row then keeps what was typed and says
    what is wrong with it, or what to check before saving anyway.
    """
    bound = form is not None and form.is_bound
    rows = []
    for quota, grouped in entries:
        goal, done = quota.completes_goal, quota.completes
        text = escape(quota.text)
        if editable:
            value, error, warning = str(goal), "", ""
            if bound and form.field_name(quota) in form.fields:
                field = form[form.field_name(quota)]
                value, error = ("" if field.value() is None else escape(field.value())), " ".join(field.errors)
                warning = (form.warnings or {}).get(form.field_name(quota), "")
            described, said = "", ""
            if error:
                described, said = INVALID.format(pk=quota.pk), ERROR.format(pk=quota.pk, error=escape(error))
            elif warning:
                described = WARNED.format(pk=quota.pk)
            if warning:
                said += WARNING.format(pk=quota.pk, warning=escape(warning))
            goal_cell = GOAL_INPUT.format(pk=quota.pk, text=text, value=value, described=described, said=said)
        else:
            goal_cell = _count(goal)
        rows.append(
            ROW.format(
                label=f"Group: {text}" if grouped else text,
                note="" if (quota.extra or {}).get("defined") is not False else NO_QUOTA_OF_ITS_OWN,
                goal=goal_cell,
                completes=_count(done),
                prescreens=_count(quota.prescreens),
                bar=NOT_COUNTED if done is None else _bar(done, goal),
            )
        )
    return mark_safe("".join(rows))
