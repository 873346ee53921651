"""Evaluating the rules, every minute (beat): each rule on each target group it watches.

A rule on a connection watches every fielding target group of it, thousands on a large account: the beat reads
them a chunk at a time, the rule's figure for a whole chunk in a few queries (`Condition.read_many`) and the
rule's open episodes once, and decides in Python; only a firing or a clearing writes, per target group.

A rule fires when its figure is past the fire threshold and it has no open episode there; the episode is
opened by one INSERT that the database refuses while another is open for the same rule, target group and
quota row (a partial unique index), so two beats evaluating at once fire once, and the change the rule asks
for is recorded in the same transaction as its episode: one firing, one outbox change. The episode stays
open while the figure wobbles between the two thresholds and ends once it is back past the clear threshold;
only then can the rule fire again.
"""

import logging
import zoneinfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.send import notify
from preferences.models import Preference
from projects.models import TargetGroup
from sync.locks import retry_transient
from sync.models import RemoteChange

from .acting import NotSent, act
from .models import Rule, RuleEpisode, StatusSeen
from .on_studies import act_on_study, fielding_studies

log = logging.getLogger(__name__)

WATCHED = (TargetGroup.Status.LIVE, TargetGroup.Status.PAUSED)
# Target groups a rule on a connection reads at once: a few queries a chunk, a bounded memory.
CHUNK = 2000


def watched(rule):
    """The target groups `rule` watches now: its own, or every one of its connection, while fielding."""
    groups = TargetGroup.objects.filter(status__in=WATCHED).select_related("project__connection")
    if rule.target_group_id:
        return groups.filter(pk=rule.target_group_id)
    return groups.filter(project__connection=rule.connection_id)


def note_statuses(now):
    """Remember since when each watched target group has been in its status (for "paused for N days")."""
    rules = Rule.objects.filter(enabled=True)
    covered = TargetGroup.objects.filter(status__in=WATCHED).filter(
        Q(pk__in=rules.values("target_group")) | Q(project__connection__in=rules.values("connection"))
    )
    rows = [
        StatusSeen(target_group_id=pk, status=status, since=now)
        for pk, status, seen in covered.values_list("pk", "status", "status_seen__status")
        if status != seen
    ]
    StatusSeen.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["target_group"], update_fields=["status", "since"]
    )
    return len(rows)


def evaluate_all(now=None, chunk=CHUNK):
    """Evaluate every switched-on rule on every target group it watches (`chunk` of them read at a time);
    returns how many episodes opened."""
    now = now or timezone.now()
    note_statuses(now)
    fired = 0
    rules = Rule.objects.filter(enabled=True, study__isnull=True)
    for rule in rules.select_related("created_by", "connection", "target_group"):
        try:
            fired += evaluate_watched(rule, now, chunk)
        except Exception:  # one rule's trouble never holds up the others
            log.exception("rule %s could not be evaluated", rule.pk)
    for rule in Rule.objects.filter(enabled=True, study__in=fielding_studies()).select_related("created_by", "study"):
        try:
            fired += evaluate(rule, None, now, study=rule.study)
        except Exception:
            log.exception("rule %s on study %s could not be evaluated", rule.pk, rule.study_id)
    return fired


def chunks(groups, size):
    """`groups` (a queryset) as lists of at most `size`, in the order of their pks: memory stays bounded."""
    last = None
    while True:
        chunk = list((groups if last is None else groups.filter(pk__gt=last)).order_by("pk")[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1].pk


def evaluate_watched(rule, now, chunk=CHUNK):
    """Fire or clear `rule` (on a target group or a connection) on every target group it watches; returns how
    many episodes it opened. Its open episodes are read once, its figure a chunk of target groups at a time."""
    spec = rule.spec
    open_rows = {}  # {tg pk: {row: open episode pk}}
    episodes = RuleEpisode.objects.filter(rule=rule, cleared_at__isnull=True, target_group__isnull=False)
    for pk, tg_pk, row in episodes.values_list("pk", "target_group_id", "row"):
        open_rows.setdefault(tg_pk, {})[row] = pk
    fired = 0
    for tgs in chunks(watched(rule), chunk):
        try:
            readings = spec.read_many(tgs, rule, now)
        except Exception:  # one target group's trouble never holds up the chunk: each is read on its own
            log.exception("rule %s could not be read on %s target groups at once", rule.pk, len(tgs))
            readings = None
        for tg in tgs:
            try:
                found = spec.read(tg, rule, now) if readings is None else readings.get(tg.pk, [])
                fired += settle(rule, tg, found, open_rows.get(tg.pk, {}), now)
            except Exception:
                log.exception("rule %s on target group %s could not be evaluated", rule.pk, tg.pk)
    return fired


def evaluate(rule, tg, now, study=None):
    """Fire or clear `rule` on `tg` (or on its `study`) as its figures stand at `now`; returns how many episodes
    it opened."""
    readings = rule.spec.read(study or tg, rule, now)
    episodes = RuleEpisode.objects.filter(rule=rule, target_group=tg, cleared_at__isnull=True)
    return settle(rule, tg, readings, dict(episodes.values_list("row", "pk")), now, study=study)


def settle(rule, tg, readings, open_rows, now, study=None):
    """Fire `rule` on each of `readings` past its fire threshold with no episode open on its row, and end each
    open episode (`open_rows`: {row: episode pk}) whose figure is back past the clear threshold; returns how
    many episodes it opened."""
    spec = rule.spec
    fired = 0
    for reading in readings:
        if reading.row in open_rows:
            if spec.clears(reading.figure, rule):
                RuleEpisode.objects.filter(pk=open_rows[reading.row], cleared_at__isnull=True).update(
                    cleared_at=now, clear_figure=reading.figure
                )
        elif spec.fires(reading.figure, rule):
            fired += fire(rule, tg, reading, now, study=study)
    return fired


@retry_transient
def fire(rule, tg, reading, now, study=None):
    """Open the episode and ask for the rule's action in one transaction; 0 when another beat has it open. On a
    study the episode names no target group, and the action may ask several changes (one per supplier)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                episode = RuleEpisode.objects.create(
                    rule=rule,
                    target_group=tg,
                    row=reading.row,
                    row_label=reading.row_label[:300],
                    opened_at=now,
                    figure=reading.figure,
                    threshold=rule.fire_at,
                )
        except IntegrityError:
            log.info("rule %s is firing on %s already", rule.pk, study or tg)
            return 0
        refused = ""
        try:
            changes, refused = (
                act_on_study(rule, study, reading) if study is not None else ([act(rule, tg, reading)], "")
            )
        except NotSent as exc:
            changes, episode.message = [], f"Nothing was sent: {exc}"
        note = audit_note(rule, reading, now)
        changes = [change for change in changes if change is not None]
        for change in changes:
            change.summary = change.summary[: 300 - len(note) - 3] + f" — {note}"
            RemoteChange.objects.filter(pk=change.pk).update(summary=change.summary)
        if changes:
            episode.change = changes[0]
            asked = "; ".join(change.summary for change in changes)
            episode.message = f"Asked the supplier{'s' if len(changes) > 1 else ''}: {asked}. {refused}".strip()
        episode.save(update_fields=["change", "message"])
        tell(rule, tg, episode, note, study=study)
    return 1


def _zone(user):
    name = Preference.objects.filter(user=user).values_list("time_zone", flat=True).first() if user else ""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def audit_note(rule, reading, now):
    """ "by rule ‘No starts in 24 h’ at 14:05: 0 starts in 24 h < 1" """
    at = timezone.localtime(now, _zone(rule.created_by))
    on = f" on “{reading.row_label}”" if reading.row_label else ""
    return f"by rule ‘{rule.name}’ at {at:%H:%M}{on}: {rule.spec.comparison(reading.figure, rule)}"


def tell(rule, tg, episode, note, study=None):
    """`rule_fired` to everyone who hears of the target group (or study), and to the PM who set the rule up."""
    on = f"the study “{study.name}”" if study is not None else f"“{tg.name}”"
    link = study.get_absolute_url() if study is not None else ""
    text = f"Rule ‘{rule.name}’ fired on {on}. {note[0].upper()}{note[1:]}. {episode.message}".strip()
    told = notify("rule_fired", target_group=tg, text=text, link=link)
    author = rule.created_by
    if author is not None and author.pk not in {n.user_id for n in told}:
        notify("rule_fired", target_group=tg, text=text, link=link, users=[author])
