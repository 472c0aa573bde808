"""Being sick and getting better: the ziekmelding, a relapse, the herstelmelding, the end.

The samentelregel (art. 7:629 lid 10 BW) joins a relapse within 28 days to
the same case; a full herstelmelding ends a sickness period.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import SAMENTEL_DAYS
from domain.errors import DomainError
from domain.facts import in_legal_order, interrupted_by_leave, leave_days
from domain.steps.fields import Choice, Day, Flag, Number, Person, Whole
from domain.steps.step import Proposed, Step, template
from domain.steps.vocabulary import ClosingReason, VangnetReason, ZwangerschapTiming


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def opening_dates(proposed: Proposed) -> None:
    """The sick report cannot lie in the future nor before the sickness began (7:629 BW)."""
    first = _date(proposed.values.get("first_sick_day"))
    reported = _date(proposed.values.get("reported_on"))
    if first is not None and first > proposed.today:
        raise DomainError("first_sick_day lies in the future", "first_sick_day")
    if first is not None and reported is not None and reported < first:
        raise DomainError("reported_on lies before first_sick_day", "reported_on")
    if reported is not None and reported > proposed.today:
        raise DomainError("reported_on lies in the future", "reported_on")
    if proposed.correcting and first is not None:
        later = [f.occurred_on for f in proposed.case.facts[1:]]
        if later and first > min(later):
            raise DomainError(
                f"first_sick_day {first} lies after a recorded step ({min(later)})",
                "first_sick_day",
            )


def vangnet_reason_with_vangnet(proposed: Proposed) -> None:
    """A vangnet ground only for a vangnet case; the pregnancy timing only for that ground.

    The vangnet regimes of the Ziektewet (art. 29, 29a en 29b ZW); the timing
    around the leave matters for a pregnancy-related sickness (art. 29a ZW).
    """
    values = proposed.values
    if values.get("vangnet_reason") is not None and values.get("vangnet") is not True:
        raise DomainError(
            "vangnet_reason is given only for a vangnet case (vangnet: true; art. 29 ZW)",
            "vangnet_reason",
        )
    if (
        values.get("zwangerschap_timing") is not None
        and values.get("vangnet_reason") != VangnetReason.ZWANGERSCHAP
    ):
        raise DomainError(
            "zwangerschap_timing is given only with vangnet_reason zwangerschap (art. 29a ZW)",
            "zwangerschap_timing",
        )


def relapse_within_28_days(proposed: Proposed) -> None:
    """A relapse under 28 days after full recovery continues the case (7:629 lid 10 BW)."""
    first = _date(proposed.values["first_sick_day"])
    assert first is not None
    if first > proposed.on:
        raise DomainError("first_sick_day lies after the report", "first_sick_day")
    if proposed.correcting:
        sickness_timeline(proposed.facts)
        return
    facts = proposed.case.facts
    _relapse_after(first, proposed.case.recovered_on, facts, proposed.values.get("same_cause"))


def not_recovered_twice(proposed: Proposed) -> None:
    """Full recovery ends the sickness once; a relapse comes first (7:629 BW)."""
    if proposed.correcting:
        sickness_timeline(proposed.facts)
        return
    if proposed.values["percentage"] >= 100 and proposed.case.recovered_on is not None:
        raise DomainError("the employee is already fully recovered", "percentage")


def sickness_timeline(facts: list[Any]) -> None:
    """Full recoveries and relapses alternate, each relapse within 28 days (7:629 lid 10 BW).

    A correctie of a herstelmelding or a relapse is judged on the whole
    sickness as it would stand after it, so no date can be moved to where
    recording it would have been refused.
    """
    recovered_on: date | None = None
    for fact in in_legal_order(facts, "herstelmelding", "ziekmelding", "verlof"):
        if fact.type == "herstelmelding":
            if fact.data.get("percentage", 0) < 100:
                continue
            if recovered_on is not None:
                raise DomainError("the employee is already fully recovered", "percentage")
            recovered_on = fact.occurred_on
        elif fact.type == "verlof":
            if recovered_on is None:
                recovered_on = fact.date_field("from") or fact.occurred_on
        elif fact.version > 1:
            first = _date(fact.data["first_sick_day"])
            assert first is not None
            _relapse_after(first, recovered_on, facts, fact.data.get("same_cause"))
            recovered_on = None


def _relapse_after(
    first: date, recovered_on: date | None, facts: list[Any], same_cause: bool | None
) -> None:
    """Within 28 days of recovery, leave days left out; after a leave only with the same
    cause (7:629 lid 10 BW: "tenzij zij redelijkerwijs niet geacht kunnen worden uit
    dezelfde oorzaak voort te komen")."""
    if recovered_on is None:
        raise DomainError(
            "the employee has not fully recovered; a relapse needs a herstelmelding first",
            "first_sick_day",
        )
    if first < recovered_on:
        raise DomainError("first_sick_day lies before the recovery", "first_sick_day")
    if interrupted_by_leave(facts, recovered_on):
        if same_cause is None:
            raise DomainError(
                "after a pregnancy or childbirth leave, say whether the sickness has the same "
                "cause (the bedrijfsarts' yes or no, never the cause itself)",
                "same_cause",
            )
        if same_cause is False:
            raise DomainError(
                "not the same cause as before the leave: the periods do not join "
                "(art. 7:629 lid 10 BW), open a new case",
                "same_cause",
            )
    gap = (first - recovered_on).days - leave_days(facts, recovered_on, first)
    if gap >= SAMENTEL_DAYS:
        raise DomainError(
            f"{gap} days after full recovery is {SAMENTEL_DAYS} days or more: "
            "the samentelregel (art. 7:629 lid 10 BW) does not apply, open a new case",
            "first_sick_day",
        )


def _opening(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    first, reported = shown["first_sick_day"], shown["reported_on"]
    text = f"Ziekmelding: eerste ziektedag {first}, gemeld op {reported}."
    if fact.data.get("expected_duration_weeks") is not None:
        text += f" Verwachte duur {shown['expected_duration_weeks']} weken."
    if fact.data.get("contract_hours_per_week") is not None:
        text += f" Contracturen: {shown['contract_hours_per_week']}."
    if fact.data.get("vangnet_reason") is not None:
        text += f" Vangnetregeling: {shown['vangnet_reason']}"
        if fact.data.get("zwangerschap_timing") is not None:
            text += f", {shown['zwangerschap_timing']}"
        text += "."
    return text


def _relapse(fact: Any, shown: dict[str, str], when: str, timing: str, facts: list[Any]) -> str:
    after_leave = any(
        f.type == "verlof" and f.version < fact.version and f.occurred_on <= fact.occurred_on
        for f in facts
    )
    since = "na het verlof" if after_leave else "binnen 28 dagen na herstel"
    text = (
        f"Hernieuwde ziekmelding: opnieuw ziek vanaf {shown['first_sick_day']}, {since}, dus "
        "de zaak loopt door (samentelregel, art. 7:629 lid 10 BW)."
    )
    if fact.data.get("same_cause") is True:
        text += " Volgens de melding dezelfde oorzaak als de vorige ziekteperiode."
    elif fact.data.get("same_cause") is False:
        text += " Volgens de melding een andere oorzaak dan de vorige ziekteperiode."
    return text


def _herstel(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    if float(fact.data.get("percentage", 0)) >= 100:
        return (
            f"Volledig hersteld gemeld per {fact.occurred_on}; verplichtingen die later "
            "zouden vervallen, gelden niet meer."
        )
    return f"Gedeeltelijk herstel gemeld {when}: {shown['percentage']}. De wachttijd loopt door."


ZIEKMELDING = Step(
    name="ziekmelding",
    event="Ziekmelding",
    label="Ziekmelding",
    path=None,  # POST /v1/cases opens the case with it
    doc="The sick report that opens the case (art. 7:629 BW; Regeling procesgang art. 2). "
    "Only what the AP allows at a sick report: never the nature of the illness.",
    fields=(
        Person("employee", "werknemer"),
        Day("first_sick_day", "eerste ziektedag"),
        Day("reported_on", "meldingsdatum"),
        Whole("expected_duration_weeks", "verwachte duur in weken", required=False, maximum=520),
        Flag("work_accident", "arbeidsongeval", required=False),
        Flag("third_party_liable", "aansprakelijke derde", required=False),
        Flag(
            "vangnet",
            "vangnetregeling",
            required=False,
            description="Whether a vangnet regime of the Ziektewet applies.",
        ),
        Choice(
            "vangnet_reason",
            "vangnetgrond",
            required=False,
            vocabulary=VangnetReason,
            description="Which vangnet regime applies; only with vangnet: true.",
        ),
        Choice(
            "zwangerschap_timing",
            "moment van ziekte rond het verlof",
            required=False,
            vocabulary=ZwangerschapTiming,
            description="Only with vangnet_reason zwangerschap.",
        ),
        Number(
            "contract_hours_per_week",
            "contracturen per week",
            required=False,
            maximum=168,
            unit=" uur per week",
        ),
    ),
    rules=(opening_dates, vangnet_reason_with_vangnet),
    sentence=_opening,
    source="art. 7:629 BW; Regeling procesgang art. 2",
)


HERNIEUWDE_ZIEKMELDING = Step(
    name="ziekmelding",
    event="HernieuweZiekmelding",
    label="Hernieuwde ziekmelding",
    path="ziekmelding",
    doc="A relapse within 28 days of full recovery: the same case runs on.",
    fields=(
        Day("first_sick_day", "eerste ziektedag"),
        Flag(
            "same_cause",
            "dezelfde oorzaak",
            required=False,
            description="Whether the sickness has the same cause as the one before: after a "
            "pregnancy or childbirth leave, periods join only then (art. 7:629 lid 10 BW).",
        ),
    ),
    rules=(relapse_within_28_days,),
    sentence=_relapse,
    source="art. 7:629 lid 10 BW",
)


HERSTELMELDING = Step(
    name="herstelmelding",
    event="Herstelmelding",
    label="Herstelmelding",
    path="herstelmelding",
    doc="Recovery; at 100 % the sickness period ends.",
    fields=(Number("percentage", "herstelpercentage", unit=" %"),),
    rules=(not_recovered_twice,),
    sentence=_herstel,
    source="art. 7:629 BW",
)


AFSLUITING = Step(
    name="afsluiting",
    event="Afsluiting",
    label="Afsluiting",
    path="afsluiting",
    doc="Close the case: employment ended, WIA decision, death, IVA or recovery.",
    fields=(Choice("reason", "reden", vocabulary=ClosingReason),),
    sentence=template("Zaak afgesloten {when}: {reason}."),
    source="art. 7:629 BW",
)
