"""Special regimes within a sickness: a pregnancy or childbirth leave, leaving employment sick.

During a Wazo leave the employee is on leave, not sick (art. 3:1 Wazo; the
periods around it join only when the cause is the same, art. 7:629 lid 10
BW). An employee who leaves employment sick is reported to UWV on the last
working day and falls under the Ziektewet (art. 38 lid 2 ZW).
"""

from __future__ import annotations

from typing import Any

from domain.errors import DomainError
from domain.steps.fields import Choice, Day
from domain.steps.step import Proposed, Step, as_date, not_before_first_sick_day
from domain.steps.vocabulary import LeaveKind

LONGEST_LEAVE_DAYS = 366
"""An input bound: no Wazo leave, extended for a hospital stay, lasts a year."""
LAST_WORKING_DAY_AHEAD_DAYS = 366
"""An input bound: a last working day is recorded at most a year ahead."""


def leave_in_order(proposed: Proposed) -> None:
    """A leave ends on or after it starts, within a year (art. 3:1 Wazo)."""
    start, until = as_date(proposed.values.get("from")), as_date(proposed.values.get("until"))
    if start is None or until is None:
        return
    if until < start:
        raise DomainError(f"until {until} lies before from {start}", "until")
    if start > proposed.on:
        # Its days stop the sickness from ``from`` on: a leave announced ahead would end
        # the case before it starts. Record it on or after its first day.
        raise DomainError(
            f"a leave is recorded once it has begun: from {start} lies after {proposed.on}",
            "from",
        )
    if (until - start).days >= LONGEST_LEAVE_DAYS:
        raise DomainError(
            f"a leave of {(until - start).days + 1} days is longer than a Wazo leave can be",
            "until",
        )


def last_working_day_near(proposed: Proposed) -> None:
    """The last working day is recorded when it is known: at most a year ahead (art. 38 ZW)."""
    last = as_date(proposed.values.get("last_working_day"))
    if last is not None and (last - proposed.on).days > LAST_WORKING_DAY_AHEAD_DAYS:
        raise DomainError(
            f"last_working_day {last} lies more than {LAST_WORKING_DAY_AHEAD_DAYS} days after "
            f"occurred_on {proposed.on}",
            "last_working_day",
        )


def _verlof(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    kind = shown["kind"]
    return (
        f"{kind[:1].upper()}{kind[1:]} van {shown['from']} tot en met {shown['until']}, "
        f"vastgelegd {when}. Tijdens het verlof is de werknemer met verlof, niet ziek "
        "(art. 3:1 Wazo)."
    )


VERLOF = Step(
    name="verlof",
    event="Verlof",
    label="Zwangerschaps- of bevallingsverlof",
    path="verlof",
    doc="A pregnancy or childbirth leave during the sickness (art. 3:1 Wazo).",
    fields=(
        Choice("kind", "soort verlof", vocabulary=LeaveKind),
        Day("from", "eerste verlofdag"),
        Day("until", "laatste verlofdag"),
    ),
    rules=(leave_in_order, not_before_first_sick_day("from")),
    sentence=_verlof,
    source="art. 3:1 Wazo; art. 7:629 lid 10 BW",
)


UITDIENSTTREDING = Step(
    name="uitdiensttreding",
    event="Uitdiensttreding",
    label="Uitdiensttreding",
    path="uitdiensttreding",
    doc="The employee leaves employment while sick: reported to UWV on the last working day.",
    fields=(Day("last_working_day", "laatste werkdag"),),
    rules=(not_before_first_sick_day("last_working_day"), last_working_day_near),
    sentence=lambda fact, shown, when, timing, _: (
        f"Uit dienst na de laatste werkdag {shown['last_working_day']} (vastgelegd {when}): "
        "ziekmelding bij UWV uiterlijk op de laatste werkdag (art. 38 lid 2 ZW)."
    ),
    source="art. 38 lid 2 ZW",
)
