"""Work again: within the own organisation (spoor 1) or with another employer (spoor 2)."""

from __future__ import annotations

from typing import Any

from domain.steps.fields import Choice, EventRefs, Flag, Number, Text, Whole
from domain.steps.step import Step, evidence_of_this_case, template
from domain.steps.vocabulary import Work

HOURS = Number("hours_per_week", "uren per week", maximum=168, unit=" uur per week")
WAGE_VALUE = Number("wage_value_percentage", "loonwaarde", maximum=100, unit=" %")
REMAINING_CAPACITY = Flag(
    "uses_remaining_capacity",
    "benut de resterende mogelijkheden",
    required=False,
    description="Whether the work uses all the capacity the employee has left "
    "(art. 7:658a BW: passende arbeid).",
)
EVIDENCE = EventRefs(
    "evidence_event_ids",
    "onderbouwing",
    required=False,
    description="Ids of events of this case the step rests on (an advice, an oordeel).",
)


def _capacity(fact: Any) -> str:
    if fact.data.get("uses_remaining_capacity") is True:
        return " De resterende mogelijkheden worden volledig benut."
    if fact.data.get("uses_remaining_capacity") is False:
        return " De resterende mogelijkheden worden niet volledig benut."
    return ""


def _werkhervatting(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    lasting = " Structurele werkhervatting." if fact.data.get("structural") is True else ""
    return (
        f"Werk hervat {when}: {shown['work']}, {shown['hours_per_week']}, loonwaarde "
        f"{shown['wage_value_percentage']}.{lasting}{_capacity(fact)}"
    )


def _plaatsing(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    kind = "vast" if fact.data.get("permanent") else "tijdelijk"
    return (
        f"Geplaatst {when} in spoor {shown['track']} als {shown['position']} bij "
        f"{shown['employer_name']} ({kind}), {shown['hours_per_week']}, loonwaarde "
        f"{shown['wage_value_percentage']}.{_capacity(fact)}"
    )


SPOOR_2_START = Step(
    name="spoor_2_start",
    event="Spoor2Gestart",
    label="Start spoor 2",
    path="spoor-2-start",
    doc="Start of reintegration with another employer.",
    fields=(Text("provider", "re-integratiebedrijf"), Text("coach", "coach")),
    sentence=template("Spoor 2 gestart {when} bij {provider}, coach {coach}{timing}."),
    source="art. 7:658a lid 1 BW",
)


WERKHERVATTING = Step(
    name="werkhervatting",
    event="Werkhervatting",
    label="Werkhervatting",
    path="werkhervatting",
    doc="Return to work; a partial return does not stop the clock.",
    fields=(
        Choice("work", "werk", vocabulary=Work),
        HOURS,
        WAGE_VALUE,
        Flag("structural", "structureel", required=False),
        REMAINING_CAPACITY,
        EVIDENCE,
    ),
    rules=(evidence_of_this_case,),
    sentence=_werkhervatting,
    source="Werkwijzer Poortwachter",
)


PLAATSING = Step(
    name="plaatsing",
    event="Plaatsing",
    label="Plaatsing",
    path="plaatsing",
    doc="A placement in suitable work, spoor 1 or 2.",
    fields=(
        Whole("track", "spoor", minimum=1, maximum=2, choices=(1, 2)),
        Text("employer_name", "werkgever"),
        Text("position", "functie"),
        HOURS,
        WAGE_VALUE,
        Flag("permanent", "vast"),
        REMAINING_CAPACITY,
        EVIDENCE,
    ),
    rules=(evidence_of_this_case,),
    sentence=_plaatsing,
    source="art. 7:658a BW",
)
