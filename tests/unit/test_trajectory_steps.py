"""The trajectory steps: each rule refuses and accepts, worked with dates.

The case below falls sick 300 days before today (FIRST); every date is a
number of days after it, so the arithmetic of each rule reads in the test.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from domain.access import Actor
from domain.case import Case
from domain.errors import DomainError
from domain.steps.catalogue import step_of
from domain.steps.trajectory import span_of
from domain.trajectories import trajectories

BY = Actor("key-1", "casemanager")
TODAY = date.today()
FIRST = TODAY - timedelta(days=300)
PLAN = {"goal": "Passend werk als planner", "search_directions": ["Planning"], "hours_per_week": 16}


def on(days: int) -> date:
    """FIRST plus ``days``: day 0 is the first sick day."""
    return FIRST + timedelta(days=days)


def opened() -> Case:
    return Case.open_with_ziekmelding(
        by=BY,
        employer_id="employer-1",
        employee={"name": "Fictief Persoon"},
        first_sick_day=FIRST,
        reported_on=FIRST,
    )


def refused(action: Any, field: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.field == field, caught.value.message
    return caught.value


def start(case: Case, day: int, track: int = 2, **extra: Any) -> None:
    values = {"provider": "Re-integratie Voorbeeld", "coach": "E. Coach", "plan": PLAN, **extra}
    case.traject_start(on=on(day), by=BY, track=track, **values)


def sentence(case: Case) -> str:
    fact = case.facts[-1]
    step = step_of(fact)
    return step.sentence(fact, step.show(fact.data), f"op {fact.occurred_on}", "", case.facts)


IN_A_TRAJECTORY: list[tuple[str, dict[str, Any]]] = [
    ("traject_activiteit", {"kind": "coachgesprek"}),
    ("weerstand", {"signal": "tijdsdruk", "approach": "Minder afspraken per week"}),
    ("traject_rapportage", {"kind": "voortgang", "summary": "Loopt"}),
    ("traject_onderbreking", {"reason": "Vakantie"}),
    ("traject_einde", {"reason": "geen_resultaat"}),
]


def test_one_trajectory_runs_at_a_time() -> None:
    case = opened()
    start(case, 100)
    refused(lambda: start(case, 120), "track")  # the first still runs
    refused(lambda: start(case, 90), "track")  # it would run into the first
    case.traject_einde(on=on(150), by=BY, reason="geen_resultaat")
    refused(lambda: start(case, 149), "track")  # the first ends only on day 150
    start(case, 150)  # on its end day
    found = [(t.number, t.start.occurred_on, t.end) for t in trajectories(case.facts)]
    assert found[1] == (2, on(150), None)
    assert "(traject 2)" in sentence(case)


def test_spoor_3_needs_a_wga_decision_on_or_before_its_start() -> None:
    case = opened()
    refused(lambda: start(case, 280, track=3), "track")
    case.wia_besluit(on=on(200), by=BY, outcome="geen", **{"from": on(200)})
    refused(lambda: start(case, 280, track=3), "track")
    case.wia_besluit(on=on(250), by=BY, outcome="wga", percentage=55, **{"from": on(250)})
    refused(lambda: start(case, 249, track=3), "track")
    start(case, 250, track=3)
    assert sentence(case).startswith(f"Spoor-3-traject gestart op {on(250)} bij")


@pytest.mark.parametrize(("verb", "values"), IN_A_TRAJECTORY)
def test_the_work_lies_on_a_day_a_trajectory_runs(verb: str, values: dict[str, Any]) -> None:
    case = opened()
    refused(lambda: getattr(case, verb)(on=on(110), by=BY, **values), "occurred_on")
    start(case, 100)
    refused(lambda: getattr(case, verb)(on=on(99), by=BY, **values), "occurred_on")
    getattr(case, verb)(on=on(100), by=BY, **values)  # its start day
    assert case.facts[-1].type == verb


@pytest.mark.parametrize(("verb", "values"), IN_A_TRAJECTORY[:4])
def test_the_end_day_still_counts_and_the_next_day_not(verb: str, values: dict[str, Any]) -> None:
    case = opened()
    start(case, 100)
    case.traject_einde(on=on(130), by=BY, reason="herstel")
    getattr(case, verb)(on=on(130), by=BY, **values)
    refused(lambda: getattr(case, verb)(on=on(131), by=BY, **values), "occurred_on")
    refused(lambda: case.traject_einde(on=on(140), by=BY, reason="overig"), "occurred_on")


def test_an_end_cannot_leave_recorded_work_outside_its_trajectory() -> None:
    case = opened()
    start(case, 100)
    case.traject_activiteit(on=on(120), by=BY, kind="sollicitatie")
    error = refused(lambda: case.traject_einde(on=on(110), by=BY, reason="overig"), "occurred_on")
    assert "traject_activiteit" in error.message
    case.traject_einde(on=on(120), by=BY, reason="plaatsing")


def test_an_interruption_ends_on_or_after_it_begins() -> None:
    case = opened()
    start(case, 100)
    refused(
        lambda: case.traject_onderbreking(on=on(110), by=BY, reason="Vakantie", until=on(109)),
        "until",
    )
    case.traject_onderbreking(on=on(110), by=BY, reason="Vakantie", until=on(110))
    assert sentence(case) == (
        f"Traject onderbroken op {on(110)} tot en met {on(110)}. Reden: Vakantie."
    )


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({**PLAN, "hours_per_week": 41}, "plan.hours_per_week must lie between 0 and 40"),
        ({**PLAN, "goal": " "}, "plan.goal may not be empty"),
        ({"goal": "Werk", "hours_per_week": 8}, "plan.search_directions is required"),
        ({**PLAN, "diagnosis": "x"}, "plan has no field diagnosis"),
    ],
)
def test_the_plan_is_bounded(plan: dict[str, Any], message: str) -> None:
    case = opened()
    assert refused(lambda: start(case, 100, plan=plan), "plan").message == message


def test_hours_of_an_activity_are_bounded() -> None:
    case = opened()
    start(case, 100)
    refused(lambda: case.traject_activiteit(on=on(101), by=BY, kind="scholing", hours=41), "hours")
    case.traject_activiteit(on=on(101), by=BY, kind="scholing", hours=40)


def test_each_sentence_names_its_date_in_plain_dutch() -> None:
    case = opened()
    start(case, 100)
    assert sentence(case) == (
        f"Spoor-2-traject gestart op {on(100)} bij Re-integratie Voorbeeld, coach E. Coach: doel "
        "Passend werk als planner. Zoekrichtingen: Planning; 16 uur per week."
    )
    case.traject_activiteit(
        on=on(101),
        by=BY,
        kind="sollicitatie",
        employer_name="Voorbeeld B.V.",
        position="Planner",
        outcome="Uitgenodigd",
    )
    assert sentence(case) == (
        f"Trajectactiviteit op {on(101)}: sollicitatie bij Voorbeeld B.V. als Planner "
        "(uitkomst: Uitgenodigd)."
    )
    case.weerstand(on=on(102), by=BY, signal="angst_ontslag", approach="Gesprek")
    assert sentence(case) == (
        f"Weerstand gesignaleerd op {on(102)}: angst voor ontslag; aanpak: Gesprek."
    )
    case.traject_rapportage(on=on(103), by=BY, kind="voortgang", summary="Loopt")
    assert sentence(case) == (
        f"Voortgangsrapportage aan werkgever en werknemer op {on(103)}. Samenvatting: Loopt."
    )
    case.traject_onderbreking(on=on(104), by=BY, reason="Vakantie")
    assert "zonder einddatum" in sentence(case)
    case.traject_einde(on=on(105), by=BY, reason="plaatsing")
    assert sentence(case) == (
        f"Spoor-2-traject (gestart op {on(100)}) beëindigd op {on(105)}: plaatsing in passend werk."
    )
    assert span_of(case.facts, case.facts[-1]).number == 1  # type: ignore[union-attr]


def test_a_correctie_obeys_the_trajectory_rules() -> None:
    case = opened()
    start(case, 100)
    started = case.facts[-1].event_id
    case.traject_activiteit(on=on(120), by=BY, kind="coachgesprek")
    activity = case.facts[-1].event_id
    case.traject_einde(on=on(130), by=BY, reason="overig")
    ended = case.facts[-1].event_id
    fix = {"on": on(140), "by": BY, "reason": "Fout"}
    refused(
        lambda: case.correctie(event_id=activity, replacement={"occurred_on": on(131)}, **fix),
        "replacement.occurred_on",
    )
    refused(
        lambda: case.correctie(event_id=ended, replacement={"occurred_on": on(119)}, **fix),
        "replacement.occurred_on",
    )
    refused(
        lambda: case.correctie(event_id=started, replacement={"occurred_on": on(121)}, **fix),
        "replacement.occurred_on",
    )
    refused(
        lambda: case.correctie(event_id=started, replacement={"track": 3}, **fix),
        "replacement.track",
    )
    refused(
        lambda: case.correctie(event_id=started, replacement={"plan": {"goal": "Werk"}}, **fix),
        "replacement.plan",
    )
    case.correctie(event_id=activity, replacement={"occurred_on": on(130)}, **fix)
    case.correctie(event_id=started, replacement={"occurred_on": on(110)}, **fix)
    assert case.find(started).occurred_on == on(110)  # type: ignore[union-attr]


def test_a_correctie_cannot_make_two_trajectories_overlap() -> None:
    case = opened()
    start(case, 100)
    case.traject_einde(on=on(120), by=BY, reason="geen_resultaat")
    first_end = case.facts[-1].event_id
    start(case, 130)
    fix = {"on": on(140), "by": BY, "reason": "Fout"}
    refused(
        lambda: case.correctie(event_id=first_end, replacement={"occurred_on": on(131)}, **fix),
        "replacement.occurred_on",
    )
    case.correctie(event_id=first_end, replacement={"occurred_on": on(130)}, **fix)
