"""Propose which study cell each supplier quota (or interlock cell) counts for, and keep what a PM confirmed.

What a quota means comes from its supplier's adapter (`quota_meaning`, a neutral `Meaning`); here it is
matched against the plan's bands: how sure the match is (sure, likely, unsure, fits no cell) and why, in
words ("18–40 straddles 18–34 and 35–54", "Region ‘Scotland’ is in no band"). Re-proposing leaves confirmed
mappings alone. A mapping without a cell counts for nothing in the study's figures.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from quotas.models import InterlockCell, InterlockedProfile, Profile, Quota
from sync.adapters import adapter_class

from .models import Mapping

SURE, LIKELY, UNSURE, NONE = (Mapping.Confidence.SURE, Mapping.Confidence.LIKELY, Mapping.Confidence.UNSURE,
                              Mapping.Confidence.NONE)  # fmt: skip
RANK = {SURE: 0, LIKELY: 1, UNSURE: 2, NONE: 3}


@dataclass
class Proposal:
    cell: object  # a Cell, or None
    confidence: str
    reason: str


class Plan:
    """The study's dimensions, bands and cells, read once, to match many quotas against."""

    def __init__(self, study):
        self.dimensions = list(study.dimensions.prefetch_related("bands"))
        self.cells = list(study.cells.prefetch_related("bands"))
        self.cell_bands = {cell.pk: frozenset(b.pk for b in cell.bands.all()) for cell in self.cells}
        self.band_dimension = {b.pk: d for d in self.dimensions for b in d.bands.all()}

    def dimension_for(self, criterion):
        if criterion.attribute != "other":
            return next((d for d in self.dimensions if d.attribute == criterion.attribute), None)
        wanted = criterion.question.strip().lower()
        return next(
            (d for d in self.dimensions if wanted in (d.question.strip().lower(), d.name.strip().lower())), None
        )

    def propose(self, meaning):
        if not meaning.parts:
            return Proposal(None, NONE, "The cockpit cannot tell what this quota counts.")
        found, confidence, reasons = set(), SURE, []
        for criterion in meaning.parts:
            dimension = self.dimension_for(criterion)
            if dimension is None:
                return Proposal(None, NONE, f"{criterion.question or criterion.attribute.title()} is not in the plan.")
            bands, fit, reason = match_bands(dimension, criterion)
            if fit in (UNSURE, NONE):
                return Proposal(None, fit, reason)
            found |= {bands[0].pk}
            confidence = max(confidence, fit, key=RANK.get)
            reasons += [reason] if reason else []
        return self._cell_for(frozenset(found), confidence, reasons)

    def _cell_for(self, bands, confidence, reasons):
        exact = [c for c in self.cells if self.cell_bands[c.pk] == bands]
        if exact:
            return Proposal(exact[0], confidence, "; ".join(reasons) or f"Counts exactly {exact[0].label}.")
        wider = [c for c in self.cells if self.cell_bands[c.pk] > bands]
        if wider:
            return Proposal(None, NONE, self._covers(bands, wider))
        narrower = [c for c in self.cells if self.cell_bands[c.pk] < bands]
        widest = max((len(self.cell_bands[c.pk]) for c in narrower), default=0)
        narrower = [c for c in narrower if len(self.cell_bands[c.pk]) == widest]
        if len(narrower) == 1:
            return Proposal(narrower[0], _lower(confidence), f"Counts a part of {narrower[0].label}.")
        if narrower:
            labels = " and for ".join(c.label for c in narrower[:3])
            return Proposal(None, UNSURE, f"Counts for {labels}: choose the one it should count for.")
        return Proposal(None, NONE, "No cell of the plan has this combination.")

    def _covers(self, bands, cells):
        named = " × ".join(
            (next(b.label for b in d.bands.all() if b.pk in bands) if any(b.pk in bands for b in d.bands.all())
             else f"every {d.name.lower()}")
            for d in self.dimensions
            if any(self.band_dimension.get(b) == d for c in cells for b in self.cell_bands[c.pk])
        )  # fmt: skip
        return f"Covers {len(cells)} cells ({named}): only an interlocked quota can be steered per cell."


def _lower(confidence):
    return LIKELY if confidence == SURE else confidence


def match_bands(dimension, criterion):
    """(bands, confidence, reason) of one criterion against one dimension's bands."""
    bands = list(dimension.bands.all())
    if criterion.age is not None:
        return _match_age(bands, criterion)
    taken, missing = [], []
    for value in criterion.values:
        band = next((b for b in bands if _takes(b, value)), None)
        if band is None:
            missing.append(value)
        elif band not in taken:
            taken.append(band)
    shown = criterion.words()
    if missing and not taken:
        return [], NONE, f"{shown} is in no band."
    if missing:
        return [], UNSURE, f"{shown}: ‘{missing[0]}’ is in no band."
    if len(taken) > 1:
        return [], UNSURE, f"{shown} falls in {' and '.join(b.label for b in taken)}."
    band = taken[0]
    if {str(v).lower() for v in _answers(band)} == {str(v).lower() for v in criterion.values}:
        return taken, SURE, ""
    return taken, LIKELY, f"{shown} is a part of {band.label}."


def _answers(band):
    value = band.value
    if isinstance(value, list):
        return value
    return [value] if value else [band.label]


def _takes(band, value):
    wanted = str(value).strip().lower()
    return wanted in {str(v).strip().lower() for v in _answers(band)} or wanted == band.label.strip().lower()


def _match_age(bands, criterion):
    low, high = criterion.age
    shown = f"{criterion.question or 'Age'} {_age_words(low, high)}"
    ranged = [(b, b.value.get("min"), b.value.get("max")) for b in bands if isinstance(b.value, dict)]
    overlapping = [(b, lo, hi) for b, lo, hi in ranged if lo <= high and low <= hi]
    if not overlapping:
        return [], NONE, f"{shown} is in no band."
    if len(overlapping) > 1:
        names = " and ".join(b.label for b, _, _ in overlapping)
        return [], UNSURE, f"{_age_words(low, high)} straddles {names}."
    band, lo, hi = overlapping[0]
    if (lo, hi) == (low, high):
        return [band], SURE, ""
    if lo <= low and high <= hi:
        return [band], LIKELY, f"{_age_words(low, high)} sits inside {band.label}."
    return [], UNSURE, f"{_age_words(low, high)} reaches beyond {band.label}."


def _age_words(low, high):
    return f"{low}+" if high >= 99 else f"{low}–{high}"


# --- proposing, confirming, changing --------------------------------------------------------------------


def sources(target_group):
    """Every quota and interlock cell of the target group, as (owner, row, members) to ask its meaning of."""
    profiles = Profile.objects.filter(target_group=target_group, vanished_at__isnull=True).prefetch_related(
        Prefetch("quotas", queryset=Quota.objects.order_by("position", "pk"))
    )
    interlocks = InterlockedProfile.objects.filter(
        target_group=target_group, vanished_at__isnull=True
    ).prefetch_related(
        Prefetch("cells", queryset=InterlockCell.objects.order_by("position", "pk")),
        Prefetch("profiles", queryset=Profile.objects.filter(vanished_at__isnull=True).order_by("position", "pk")),
    )
    for profile in profiles:
        for quota in profile.quotas.all():
            yield profile, quota, ()
    for interlock in interlocks:
        members = list(interlock.profiles.all())
        for cell in interlock.cells.all():
            yield interlock, cell, members


@transaction.atomic
def propose_mappings(study, target_groups=None):
    """Propose (again) every attached target group's mappings; confirmed ones are kept as they are.
    Returns how many mappings were proposed."""
    plan = Plan(study)
    attached = [a.target_group for a in study.attachments.select_related("target_group__project__connection")]
    Mapping.objects.filter(study=study).exclude(target_group__in=[tg.pk for tg in attached]).delete()
    chosen = attached if target_groups is None else [tg for tg in attached if tg in target_groups]
    existing = {
        (m.quota_id, m.interlock_cell_id): m for m in Mapping.objects.filter(study=study, target_group__in=chosen)
    }
    creating, updating = [], []
    for tg in chosen:
        adapter = adapter_class(tg.project.connection.kind)
        for owner, row, members in sources(tg):
            meaning = adapter.quota_meaning(owner, row, members) if adapter else None
            proposal = plan.propose(meaning) if meaning is not None else Proposal(None, NONE, "")
            is_cell = isinstance(row, InterlockCell)
            key = (None, row.pk) if is_cell else (row.pk, None)
            mapping = existing.get(key)
            if mapping is None:
                mapping = Mapping(
                    study=study, target_group=tg, **({"interlock_cell": row} if is_cell else {"quota": row})
                )
                creating.append(mapping)
            elif mapping.confirmed_at is not None:
                continue
            else:
                updating.append(mapping)
            mapping.cell, mapping.confidence, mapping.reason = proposal.cell, proposal.confidence, proposal.reason[:300]
    Mapping.objects.bulk_create(creating)
    Mapping.objects.bulk_update(updating, ["cell", "confidence", "reason"])
    return len(creating) + len(updating)


def confirm_all(study, by):
    """The PM takes every proposal still unconfirmed as it stands."""
    return Mapping.objects.filter(study=study, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=by
    )


def choose_cell(mapping, cell, by):
    """The PM says which cell (or none) the quota counts for: confirmed as chosen."""
    mapping.cell = cell
    mapping.confidence = SURE if cell is not None else NONE
    mapping.reason = (
        "Chosen by a project manager." if cell is not None else "Counts for no cell, as a project manager said."
    )
    mapping.confirmed_at, mapping.confirmed_by = timezone.now(), by
    mapping.save(update_fields=["cell", "confidence", "reason", "confirmed_at", "confirmed_by"])
    return mapping
