"""Store a plan the PM typed: dimensions, bands and cells that stay keep their rows (and so the mappings
that point at them); those that go are deleted. A confirmed mapping that would lose its cell is said first,
and the plan is stored only once the PM lets it go."""

from django.db import transaction

from ..models import Band, Cell, Dimension, Mapping
from .parsing import cell_key


def mappings_lost(study, cells):
    """The confirmed mappings whose cell is not among `cells` (CellSpecs): what saving them would lose."""
    keep = {cell.key for cell in cells}
    going = [c.pk for c in study.cells.prefetch_related("bands__dimension") if _key(c) not in keep]
    return list(
        Mapping.objects.filter(cell__in=going, confirmed_at__isnull=False).select_related("cell", "target_group")
    )


@transaction.atomic
def save_plan(study, dimensions, cells):
    """Make the study's plan these `dimensions` (DimensionSpecs, in order) and `cells` (CellSpecs with goals)."""
    old_cells = {_key(c): c for c in study.cells.prefetch_related("bands__dimension")}
    existing = {d.name.strip().lower(): d for d in study.dimensions.prefetch_related("bands")}
    bands = {}
    for position, spec in enumerate(dimensions):
        row = existing.pop(spec.key, None) or Dimension(study=study)
        row.name, row.attribute, row.question, row.position = spec.name, spec.attribute, spec.question, position
        row.save()
        old_bands = {b.label.lower(): b for b in row.bands.all()} if row.pk else {}
        for band_position, band in enumerate(spec.bands):
            stored = old_bands.pop(band.label.lower(), None) or Band(dimension=row)
            stored.label, stored.value, stored.position = band.label, band.value, band_position
            stored.save()
            bands[(spec.key, band.label.lower())] = stored
        Band.objects.filter(pk__in=[b.pk for b in old_bands.values()]).delete()
    wanted = {cell.key for cell in cells}
    Cell.objects.filter(pk__in=[c.pk for key, c in old_cells.items() if key not in wanted]).delete()
    Dimension.objects.filter(pk__in=[d.pk for d in existing.values()]).delete()
    for position, spec in enumerate(cells):
        row = old_cells.get(spec.key) or Cell(study=study)
        row.label, row.goal, row.position = spec.label[:300], spec.goal, position
        row.save()
        row.bands.set([bands[(dim, label.lower())] for dim, label in spec.parts])
    return study


def _key(cell):
    return cell_key([(band.dimension.name, band.label) for band in cell.bands.all()])
