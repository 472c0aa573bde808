"""The bureau's own work: spoor-2 and spoor-3 trajectories, their activities and reports.

Spoor 2 is reintegration with another employer (art. 7:658a lid 1 BW); UWV
judges it by its quality: started in time, aimed at suitable work, intensive,
guided and reported (Werkwijzer Poortwachter). Spoor 3 is the reintegration of
a WGA beneficiary that an eigenrisicodrager WGA carries itself (art. 82 WIA).

A trajectory starts with a ``traject_start`` and runs until its
``traject_einde``, that day included. One trajectory runs at a time, so the
n-th traject-einde ends the n-th trajectory (in legal order) and the ``n`` of a
trajectory is its ordinal among the case's traject-starts. Everything done in
a trajectory (an activity, a resistance signal, a report, an interruption)
lies on a day one runs. A correctie is judged on every trajectory as it would
stand after it, so no date can move to where recording it would be refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

from domain.errors import DomainError
from domain.facts import Fact, in_legal_order
from domain.hashchain import canonical_value
from domain.steps.fields import Choice, Day, Group, Number, Text, Texts, Whole, free_text
from domain.steps.step import Proposed, Rule, Step, as_date, facts_known
from domain.steps.vocabulary import (
    ActivityKind,
    ResistanceSignal,
    TrajectEndReason,
    TrajectReportKind,
    WiaOutcome,
)
from domain.trajectories import Trajectory, trajectories

IN_A_TRAJECTORY = ("traject_activiteit", "weerstand", "traject_rapportage", "traject_onderbreking")
"""The steps that lie within a running trajectory (besides its start and end)."""
MAX_HOURS = 40
"""An input bound: a trajectory asks at most a full working week."""

SOURCE_WORK = "Werkwijzer Poortwachter; art. 7:658a BW (spoor 2); art. 82 WIA (spoor 3)"


def span_of(facts: list[Fact], fact: Fact) -> Trajectory | None:
    """The trajectory a fact belongs to: the one it starts or ends, or the one running then."""
    found = trajectories(facts)
    for span in found:
        if fact.event_id in (span.start.event_id, span.end.event_id if span.end else None):
            return span
    return next((s for s in reversed(found) if s.runs_on(fact.occurred_on)), None)


# --- rules -------------------------------------------------------------------------


def _judged(proposed: Proposed, name: str) -> tuple[list[Fact], Fact | None]:
    """The trajectory facts as they would stand, and the one being judged.

    A new step is judged as a fact after every other on its day; a correctie's
    fact is the changed copy in ``proposed.facts`` (the case holds the original).
    """
    if proposed.correcting:
        facts = facts_known(proposed)
        changed = next((f for f in facts if proposed.case.find(f.event_id) is not f), None)
        return facts, changed
    data = {
        key: canonical_value(value.value if isinstance(value, Enum) else value)
        for key, value in proposed.values.items()
        if value is not None
    }
    new = Fact(
        event_id="",
        type=name,
        version=proposed.case.version + 1,
        occurred_on=proposed.on,
        recorded_at=datetime.now(UTC),
        actor="",
        role="",
        data=data,
    )
    return [*proposed.case.facts, new], new


def _disorder(facts: list[Fact]) -> tuple[Fact, str, str] | None:
    """The first fact out of trajectory order: (fact, 'overlap' or 'outside', message)."""
    starts = in_legal_order(facts, "traject_start")
    ends = in_legal_order(facts, "traject_einde")
    for i in range(1, len(starts)):
        before = ends[i - 1] if i - 1 < len(ends) else None
        if before is None or before.occurred_on > starts[i].occurred_on:
            running = f"until {before.occurred_on}" if before else "and has not ended"
            return (
                starts[i],
                "overlap",
                f"a trajectory started on {starts[i - 1].occurred_on} runs {running}: "
                f"one trajectory runs at a time, so a traject_start on "
                f"{starts[i].occurred_on} comes after its traject_einde",
            )
    for i, end in enumerate(ends):
        if i >= len(starts) or end.occurred_on < starts[i].occurred_on:
            return end, "outside", f"no trajectory runs on {end.occurred_on} to end"
    found = trajectories(facts)
    for fact in in_legal_order(facts, *IN_A_TRAJECTORY):
        if not any(span.runs_on(fact.occurred_on) for span in found):
            return (
                fact,
                "outside",
                f"no trajectory runs on {fact.occurred_on} for the {fact.type}: one runs when "
                "it started on or before that day and did not end before it",
            )
    return None


def in_trajectory_order(name: str) -> Rule:
    """A rule: one trajectory at a time, and the step on a day one runs (Werkwijzer Poortwachter).

    A traject_start while one runs names ``track``; any other step outside a
    running trajectory (or an end that would leave one outside) names
    ``occurred_on``.
    """

    def rule(proposed: Proposed) -> None:
        facts, judged = _judged(proposed, name)
        found = _disorder(facts)
        if found is None:
            return
        fact, kind, message = found
        if judged is not None and fact is not judged:
            message = f"{message} (the {fact.type} of {fact.occurred_on})"
        field = "track" if kind == "overlap" and name == "traject_start" else "occurred_on"
        raise DomainError(message, field)

    rule.__name__ = f"{name}_in_trajectory_order"
    rule.__doc__ = in_trajectory_order.__doc__
    return rule


def spoor_3_after_wga(proposed: Proposed) -> None:
    """Spoor 3 serves a WGA beneficiary: a wia_besluit with outcome wga on or before the start.

    The eigenrisicodrager WGA reintegrates the employee who receives a WGA
    benefit (art. 82 WIA); the most recent wia_besluit on or before the start
    decides.
    """
    track = proposed.values.get("track")
    if track != 3:
        return
    decisions = [
        f
        for f in in_legal_order(facts_known(proposed), "wia_besluit")
        if f.occurred_on <= proposed.on
    ]
    if not decisions or decisions[-1].data.get("outcome") != WiaOutcome.WGA:
        raise DomainError(
            f"spoor 3 needs a wia_besluit with outcome wga on or before {proposed.on} "
            "(art. 82 WIA: eigenrisicodrager WGA)",
            "track",
        )


def until_not_before_the_interruption(proposed: Proposed) -> None:
    """An interruption ends on or after the day it began (Werkwijzer Poortwachter)."""
    until = as_date(proposed.values.get("until"))
    if until is not None and until < proposed.on:
        raise DomainError(f"until {until} lies before occurred_on {proposed.on}", "until")


# --- sentences ---------------------------------------------------------------------


def _hours(value: Any) -> str:
    return Number("hours", "uren", unit=" uur").show(value)


def _traject_start(
    fact: Any, shown: dict[str, str], when: str, timing: str, facts: list[Any]
) -> str:
    plan = fact.data.get("plan") or {}
    directions = "; ".join(plan.get("search_directions") or []) or "geen"
    span = span_of(facts, fact)
    n = f" (traject {span.number})" if span is not None and span.number > 1 else ""
    spoor = f"Spoor-{fact.data.get('track')}-traject"
    return (
        f"{spoor}{n} gestart {when} bij {shown['provider']}, coach {shown['coach']}: doel "
        f"{plan.get('goal', '(leeg)')}. Zoekrichtingen: {directions}; "
        f"{_hours(plan.get('hours_per_week'))} per week."
    )


def _traject_activiteit(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    text = f"Trajectactiviteit {when}: {shown['kind']}"
    if fact.data.get("employer_name"):
        text += f" bij {shown['employer_name']}"
    if fact.data.get("position"):
        text += f" als {shown['position']}"
    if fact.data.get("hours") is not None:
        text += f", {_hours(fact.data['hours'])}"
    if fact.data.get("outcome"):
        text += f" (uitkomst: {shown['outcome']})"
    return f"{text}."


def _traject_rapportage(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    kind = shown["kind"]
    return (
        f"{kind[:1].upper()}{kind[1:]} aan werkgever en werknemer {when}. "
        f"Samenvatting: {shown['summary']}."
    )


def _traject_onderbreking(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    until = f" tot en met {shown['until']}" if fact.data.get("until") else ", zonder einddatum"
    return f"Traject onderbroken {when}{until}. Reden: {shown['reason']}."


def _traject_einde(
    fact: Any, shown: dict[str, str], when: str, timing: str, facts: list[Any]
) -> str:
    span = span_of(facts, fact)
    what = f"Spoor-{span.track}-traject" if span is not None else "Traject"
    since = f" (gestart op {span.start.occurred_on})" if span is not None else ""
    return f"{what}{since} beëindigd {when}: {shown['reason']}."


# --- the steps ---------------------------------------------------------------------

PLAN = Group(
    "plan",
    "trajectplan",
    schema="TrajectPlan",
    description="The trajectory's plan: its goal, the directions of the search, the hours a "
    "week it asks.",
    parts=(
        free_text("goal", "doel", description="What the trajectory aims at."),
        Texts("search_directions", "zoekrichtingen", max_items=20, max_length=200),
        Number("hours_per_week", "uren per week", maximum=MAX_HOURS, unit=" uur per week"),
    ),
)


TRAJECT_START = Step(
    name="traject_start",
    event="TrajectStart",
    label="Start traject",
    path="traject-start",
    doc="The bureau starts a spoor-2 or spoor-3 trajectory with its provider, coach and plan.",
    fields=(
        Whole(
            "track",
            "spoor",
            minimum=2,
            maximum=3,
            choices=(2, 3),
            description="2: work with another employer (art. 7:658a BW); 3: reintegration of a "
            "WGA beneficiary by the eigenrisicodrager (art. 82 WIA).",
        ),
        Text("provider", "re-integratiebedrijf"),
        Text("coach", "coach"),
        PLAN,
    ),
    rules=(spoor_3_after_wga, in_trajectory_order("traject_start")),
    sentence=_traject_start,
    source=(
        "Werkwijzer Poortwachter; art. 7:658a BW (spoor 2); "
        "art. 82 WIA, eigenrisicodrager WGA (spoor 3)"
    ),
)


TRAJECT_ACTIVITEIT = Step(
    name="traject_activiteit",
    event="TrajectActiviteit",
    label="Trajectactiviteit",
    path="traject-activiteit",
    doc="Something done in the running trajectory: a talk, an application, a placement on trial.",
    fields=(
        Choice("kind", "soort activiteit", vocabulary=ActivityKind),
        Number("hours", "uren", required=False, maximum=MAX_HOURS, unit=" uur"),
        Text("employer_name", "werkgever", required=False),
        Text("position", "functie", required=False),
        free_text("outcome", "uitkomst", required=False),
    ),
    rules=(in_trajectory_order("traject_activiteit"),),
    sentence=_traject_activiteit,
    source=SOURCE_WORK,
)


WEERSTAND = Step(
    name="weerstand",
    event="Weerstand",
    label="Weerstand gesignaleerd",
    path="weerstand",
    doc="A signal of what holds the employee back in the trajectory, and how it is met.",
    fields=(
        Choice("signal", "signaal", vocabulary=ResistanceSignal),
        free_text("approach", "aanpak"),
    ),
    rules=(in_trajectory_order("weerstand"),),
    sentence=lambda fact, shown, when, timing, _: (
        f"Weerstand gesignaleerd {when}: {shown['signal']}; aanpak: {shown['approach']}."
    ),
    source=SOURCE_WORK,
)


TRAJECT_RAPPORTAGE = Step(
    name="traject_rapportage",
    event="TrajectRapportage",
    label="Trajectrapportage",
    path="traject-rapportage",
    doc="A start, progress or final report of the trajectory to employer and employee.",
    fields=(
        Choice("kind", "soort rapportage", vocabulary=TrajectReportKind),
        free_text("summary", "samenvatting"),
    ),
    rules=(in_trajectory_order("traject_rapportage"),),
    sentence=_traject_rapportage,
    source=SOURCE_WORK,
)


TRAJECT_ONDERBREKING = Step(
    name="traject_onderbreking",
    event="TrajectOnderbreking",
    label="Onderbreking traject",
    path="traject-onderbreking",
    doc="The running trajectory pauses, until a day if one is known.",
    fields=(
        free_text("reason", "reden"),
        Day("until", "onderbroken tot en met", required=False),
    ),
    rules=(until_not_before_the_interruption, in_trajectory_order("traject_onderbreking")),
    sentence=_traject_onderbreking,
    source=SOURCE_WORK,
)


TRAJECT_EINDE = Step(
    name="traject_einde",
    event="TrajectEinde",
    label="Einde traject",
    path="traject-einde",
    doc="The running trajectory ends: a placement, no result, recovery, leaving employment.",
    fields=(Choice("reason", "reden", vocabulary=TrajectEndReason),),
    rules=(in_trajectory_order("traject_einde"),),
    sentence=_traject_einde,
    source=SOURCE_WORK,
)
