"""The reintegration result: does the employee earn 65 % of the former wage value?

UWV's rule of thumb for a satisfactory result (Beleidsregels beoordelingskader
poortwachter; Werkwijzer Poortwachter): at least 65 % of the former wage value
(``loonwaarde``) in suitable work, with the own employer or another one. The
latest werkhervatting or plaatsing says where the employee stands now; the
result holds since the first of the uninterrupted run of such steps at or
above the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.facts import Fact, in_legal_order

THRESHOLD_PERCENTAGE = 65


@dataclass(frozen=True)
class ReintegrationResult:
    wage_value_percentage: float | None
    reaches_threshold: bool
    since: date | None
    event_ids: tuple[str, ...]


def reintegration_result(facts: list[Fact]) -> ReintegrationResult:
    run: list[Fact] = []
    latest: Fact | None = None
    for fact in in_legal_order(facts, "werkhervatting", "plaatsing"):
        latest = fact
        if float(fact.data.get("wage_value_percentage", 0)) >= THRESHOLD_PERCENTAGE:
            run.append(fact)
        else:
            run = []
    if latest is None:
        return ReintegrationResult(None, False, None, ())
    return ReintegrationResult(
        wage_value_percentage=float(latest.data["wage_value_percentage"]),
        reaches_threshold=bool(run),
        since=run[0].occurred_on if run else None,
        event_ids=tuple(f.event_id for f in run) if run else (latest.event_id,),
    )
