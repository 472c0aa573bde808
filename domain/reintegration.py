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


EVIDENCE_OF_CAPACITY = frozenset(
    {"arbeidsdeskundig_onderzoek", "probleemanalyse", "actueel_oordeel"}
)
"""Who can say the remaining capacity is used: the arbeidsdeskundige or the bedrijfsarts."""


@dataclass(frozen=True)
class ReintegrationResult:
    wage_value_percentage: float | None
    reaches_threshold: bool
    since: date | None
    event_ids: tuple[str, ...]
    satisfactory: bool = False
    """At least 65 %, structural, and the remaining capacity used (UWV's first question)."""
    indicative_65: bool = False
    """At least 65 %, but not shown structural or using the remaining capacity."""


def reintegration_result(facts: list[Fact]) -> ReintegrationResult:
    run: list[Fact] = []
    satisfying: list[Fact] = []
    latest: Fact | None = None
    work = in_legal_order(facts, "werkhervatting", "plaatsing")
    if not work:
        return ReintegrationResult(None, False, None, ())
    types = {f.event_id: f.type for f in facts}
    for fact in work:
        latest = fact
        if float(fact.data.get("wage_value_percentage", 0)) >= THRESHOLD_PERCENTAGE:
            run.append(fact)
            satisfying = [*satisfying, fact] if _satisfies(fact, types) else []
        else:
            run, satisfying = [], []
    if latest is None:
        return ReintegrationResult(None, False, None, ())
    return ReintegrationResult(
        wage_value_percentage=float(latest.data["wage_value_percentage"]),
        reaches_threshold=bool(run),
        since=(satisfying or run)[0].occurred_on if run else None,
        event_ids=tuple(f.event_id for f in (satisfying or run)) if run else (latest.event_id,),
        satisfactory=bool(satisfying),
        indicative_65=bool(run) and not satisfying,
    )


def _satisfies(fact: Fact, types: dict[str, str]) -> bool:
    """Structural work that uses the remaining capacity, as an expert recorded it."""
    structural = (
        fact.data.get("permanent") if fact.type == "plaatsing" else fact.data.get("structural")
    )
    evidence = [types.get(str(i)) for i in fact.data.get("evidence_event_ids") or []]
    return bool(
        structural
        and fact.data.get("uses_remaining_capacity")
        and EVIDENCE_OF_CAPACITY.intersection(evidence)
    )
