"""Ready-made rules a PM switches on with one click, for a target group of any supplier: what the suppliers
themselves apply inside their own walls, in the cockpit, with thresholds a PM can read and change.

* PureSpectrum pauses a survey after 0 valid starts in 24 h, and after 0 completes in 72 h, and closes a
  survey that has been paused for 10 days.
* Cint pauses a rate-card target group above its maximum CPI (the PM gives the maximum).
"""

from dataclasses import dataclass
from decimal import Decimal

from .models import Rule


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    origin: str
    condition: str
    action: str
    hours: int | None = None
    fire_at: Decimal | None = None  # None: the PM gives it when switching it on
    clear_at: Decimal | None = None

    def rule(self, *, target_group=None, connection=None, by=None, threshold=None):
        fire_at = self.fire_at if self.fire_at is not None else threshold
        return Rule(
            name=self.name,
            target_group=target_group,
            connection=connection,
            condition=self.condition,
            hours=self.hours,
            fire_at=fire_at,
            clear_at=self.clear_at if self.clear_at is not None else fire_at,
            action=self.action,
            preset=self.key,
            created_by=by,
        )


PRESETS = {
    p.key: p
    for p in (
        Preset("no_starts_24h", "No valid starts in 24 h: pause", "PureSpectrum's own", "starts", Rule.Action.PAUSE,
               hours=24, fire_at=Decimal(1), clear_at=Decimal(1)),
        Preset("no_completes_72h", "No completes in 72 h: pause", "PureSpectrum's own", "completes",
               Rule.Action.PAUSE, hours=72, fire_at=Decimal(1), clear_at=Decimal(1)),
        Preset("paused_10_days", "Paused for 10 days: close", "PureSpectrum's own", "paused_days",
               Rule.Action.COMPLETE, fire_at=Decimal(10), clear_at=Decimal(0)),
        Preset("max_cpi", "CPI above the maximum: pause", "Cint's own", "cpi", Rule.Action.PAUSE),
    )
}  # fmt: skip
