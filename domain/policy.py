"""A bureau's own thresholds for the obligation engine.

POORTWACHTER.md: where a rule is configurable, the default is what UWV
practice expects and a tenant may tighten it, never loosen it silently. So
each setting has a default and a maximum, and the maximum is the default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from domain.errors import DomainError

RECORDED_LATE_DAYS = 14
"""An action recorded more than 14 days after it happened is recorded late (POORTWACHTER.md)."""

MELDING_ARBODIENST_DAYS = 7
"""The report to the arbodienst is due by the end of week 1 (practice under art. 7:658a BW)."""


@dataclass(frozen=True)
class Policy:
    recorded_late_days: int = RECORDED_LATE_DAYS
    melding_arbodienst_days: int = MELDING_ARBODIENST_DAYS

    def __post_init__(self) -> None:
        _check("recorded_late_days", self.recorded_late_days, RECORDED_LATE_DAYS)
        _check("melding_arbodienst_days", self.melding_arbodienst_days, MELDING_ARBODIENST_DAYS)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, value: int, maximum: int) -> None:
    if not 1 <= value <= maximum:
        raise DomainError(
            f"{name} must lie between 1 and {maximum}: a bureau may tighten UWV practice, "
            "never loosen it",
            name,
        )
