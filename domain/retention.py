"""How long a case's personal data is kept, and when it may be erased.

A verzuim file may be kept only as long as it is needed (art. 5 lid 1 sub e
AVG, storage limitation). The Autoriteit Persoonsgegevens' beleidsregels
"De zieke werknemer" say what that means for a sickness file: two years
after the sickness ended; longer where the employer carries the risk itself
and so needs the file longer — five years for an eigenrisicodrager of the
Ziektewet, ten years for an eigenrisicodrager of the WGA. After the term the
personal data must become unreadable, while the record of what was done
stays verifiable (the erasure keeps every hash; ``domain.commitments``).

A bureau may keep files longer than the law's minimum, for a stated reason,
never shorter. A legal hold (art. 17 lid 3 sub e AVG) stops erasure while a
dispute or claim needs the file. An open case has no end, so no term runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.access import Actor
from domain.employer import Regime
from domain.errors import DomainError
from domain.facts import Fact, legal_date, sick_periods_of
from domain.obligations.rules import obligations_end
from domain.policy import RetentionPolicy
from domain.steps.privacy import (
    LEGAL_HOLD,
    LEGAL_HOLD_OPGEHEVEN,
    WISSING,
    erasure_of,
    legal_hold_of,
)
from domain.steps.step import Proposed, Step

if TYPE_CHECKING:
    from domain.case import Case

TERM_YEARS = 2
"""Two years after the case ended (AP beleidsregels De zieke werknemer)."""
TERM_YEARS_EIGENRISICODRAGER_ZW = 5
"""Five years when the employer carries the Ziektewet itself: it pays and reintegrates
ex-employees in UWV's place and must account for it (AP beleidsregels)."""
TERM_YEARS_EIGENRISICODRAGER_WGA = 10
"""Ten years when the employer carries the WGA itself: it bears the benefit for up to
ten years after the waiting period (AP beleidsregels)."""


def ended_on(facts: list[Fact], regime: Regime) -> date | None:
    """The case's end for retention: the day its obligations end (full recovery, the
    afsluiting, or leaving employment sick unless the employer is eigenrisicodrager ZW),
    or UWV's WIA decision, which ends the waiting period — unless it grants a WGA benefit
    an eigenrisicodrager WGA carries, when spoor 3 goes on (art. 82 WIA) until the
    afsluiting. None while the case runs."""
    ends = [obligations_end(facts, sick_periods_of(facts), regime)]
    for decision in facts:
        if decision.type != "wia_besluit":
            continue
        if regime.eigenrisicodrager_wga and decision.data.get("outcome") == "wga":
            continue
        ends.append(decision.date_field("from") or decision.occurred_on)
    known = [end for end in ends if end is not None]
    return min(known) if known else None


def term_years(regime: Regime, policy: RetentionPolicy | None = None) -> int:
    """The term in years: the longest the employer's regime asks for, plus the bureau's."""
    years = TERM_YEARS
    if regime.eigenrisicodrager_zw:
        years = TERM_YEARS_EIGENRISICODRAGER_ZW
    if regime.eigenrisicodrager_wga:
        years = TERM_YEARS_EIGENRISICODRAGER_WGA
    return years + (policy.extra_years if policy else 0)


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Retention:
    """A case's retention as judged on one day: its end, its term, a hold, an erasure."""

    judged_on: date
    ended_on: date | None
    term_years: int
    kept_until: date | None
    """The last day of the term; erasure is due the day after."""
    hold: Fact | None
    erased: Fact | None

    @property
    def refusals(self) -> list[str]:
        """Why the case may not be erased today; empty when it may."""
        if self.erased is not None:
            return [f"the case's personal data was erased on {self.erased.occurred_on}"]
        found = []
        if self.hold is not None:
            found.append(
                f"a legal hold is set since {self.hold.occurred_on}: {self.hold.data.get('reason')}"
            )
        if self.ended_on is None:
            found.append("the case is still open: its retention term starts when it ends")
        elif self.kept_until is not None and self.judged_on <= self.kept_until:
            found.append(
                f"its retention term runs until {self.kept_until} ({self.term_years} years "
                f"after the case ended on {self.ended_on})"
            )
        return found

    @property
    def due(self) -> bool:
        """Whether the term has ended with no hold: the retention run erases it."""
        return not self.refusals

    def as_dict(self) -> dict[str, Any]:
        return {
            "judged_on": self.judged_on.isoformat(),
            "ended_on": _iso(self.ended_on),
            "term_years": self.term_years,
            "kept_until": _iso(self.kept_until),
            "legal_hold": self.hold is not None,
            "erased_on": _iso(self.erased.occurred_on if self.erased else None),
            "erasable": self.due,
            "refusals": self.refusals,
        }


def retention(
    facts: list[Fact], regime: Regime, today: date, policy: RetentionPolicy | None = None
) -> Retention:
    """The case's retention on ``today``: the term runs from its legal end date, not from
    when anything was recorded."""
    end = ended_on(facts, regime)
    years = term_years(regime, policy)
    return Retention(
        judged_on=today,
        ended_on=end,
        term_years=years,
        kept_until=years_after(end, years) if end else None,
        hold=legal_hold_of(facts),
        erased=erasure_of(facts),
    )


def erasable_from(
    facts: list[Fact], regime: Regime, policy: RetentionPolicy | None = None
) -> date | None:
    """The first day the retention run erases the case, the day after its term: None while
    the case runs, a legal hold keeps it or it was erased (whatever the day)."""
    end = ended_on(facts, regime)
    if end is None or legal_hold_of(facts) is not None or erasure_of(facts) is not None:
        return None
    return years_after(end, term_years(regime, policy)) + timedelta(days=1)


# --- the verbs: recorded on a closed case too ---------------------------------------


def place_legal_hold(case: Case, *, by: Actor, reason: str) -> None:
    """Hold the file past its term while a dispute or claim needs it (art. 17 lid 3 AVG)."""
    _record(case, LEGAL_HOLD, by, {"reason": reason})


def lift_legal_hold(case: Case, *, by: Actor, reason: str | None = None) -> None:
    """Lift the hold: the retention term applies again."""
    _record(case, LEGAL_HOLD_OPGEHEVEN, by, {"reason": reason})


def erase(case: Case, *, by: Actor, reason: str, judged: Retention) -> None:
    """Record the erasure of the case's personal data; refused, naming why, while the
    case is open, its term runs or a legal hold is set (art. 17 AVG; AP beleidsregels).

    The event says who, when, why and on what term — never what was erased.
    """
    if judged.refusals:
        raise DomainError("the case cannot be erased: " + "; ".join(judged.refusals))
    values = {
        "reason": reason,
        "ended_on": _iso(judged.ended_on),
        "kept_until": _iso(judged.kept_until),
        "term_years": judged.term_years,
    }
    _record(case, WISSING, by, values)


def _record(case: Case, step: Step, by: Actor, values: dict[str, Any]) -> None:
    """Check the step's rules, then chain its event on the case, dated today.

    ``Case.take`` refuses a closed case, while these records matter most after it
    closed; so the event is chained here, through the case's one recording path.
    """
    recorded_at: datetime = case.Event.create_timestamp()
    today = legal_date(recorded_at)
    step.check(Proposed(case, values, today, today))
    data = step.data(values)
    case.record_checked(getattr(type(case), step.event), today, by, recorded_at, data, [])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
