"""Rules set up as the page's form sets them up, on target groups of a chosen supplier."""

import datetime as dt
from decimal import Decimal

from projects.models import TargetGroup
from projects.tests.factories import ConnectionFactory, ProjectFactory, TargetGroupFactory
from quotas.history.recording import record_snapshot
from rules.forms import RuleForm

UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def purespectrum_tg(**extra):
    connection = ConnectionFactory(kind="purespectrum", account_id="ps-1", label="PureSpectrum")
    return TargetGroupFactory(project=ProjectFactory(connection=connection), **extra)


def rule_on(tg, by, **data):
    """A rule saved through the form, as a PM posts it on `tg`'s page."""
    form = RuleForm({"action": "notify", **{k: str(v) for k, v in data.items()}})
    assert form.is_valid(), form.errors
    rule = form.save(commit=False)
    rule.target_group, rule.created_by = tg, by
    rule.save()
    return rule


def counts_at(tg, when, *, completes=None, starts=None):
    """The mirror's counts move (as a sync would move them), and the history recorder takes its snapshot."""
    values = {}
    if completes is not None:
        values["current_completes"] = completes
    if starts is not None:
        values["current_prescreens"] = starts
    TargetGroup.objects.filter(pk=tg.pk).update(**values)
    record_snapshot(now=when)
    tg.refresh_from_db()


def set_cpi(tg, cpi):
    TargetGroup.objects.filter(pk=tg.pk).update(cpi=Decimal(cpi))
    tg.refresh_from_db()
