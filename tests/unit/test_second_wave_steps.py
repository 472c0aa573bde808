"""The second wave of steps and fields: each rule refuses and accepts, worked with dates.

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

BY = Actor("key-1", "casemanager")
TODAY = date.today()
FIRST = TODAY - timedelta(days=300)


def on(days: int) -> date:
    """FIRST plus ``days``: day 0 is the first sick day."""
    return FIRST + timedelta(days=days)


def opened(**extra: Any) -> Case:
    employee = extra.pop("employee", {"name": "Fictief Persoon"})
    return Case.open_with_ziekmelding(
        by=BY,
        employer_id="employer-1",
        employee=employee,
        first_sick_day=FIRST,
        reported_on=FIRST,
        **extra,
    )


def refused(action: Any, field: str) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.field == field, caught.value.message
    return caught.value


def last_id(case: Case) -> str:
    return case.facts[-1].event_id


def sentence(case: Case) -> str:
    fact = case.facts[-1]
    step = step_of(fact)
    return step.sentence(fact, step.show(fact.data), f"op {fact.occurred_on}", "", case.facts)


# --- ziekmelding ------------------------------------------------------------------


def test_a_vangnet_reason_needs_vangnet_and_a_pregnancy_timing_needs_that_reason() -> None:
    refused(lambda: opened(vangnet_reason="zwangerschap"), "vangnet_reason")
    refused(lambda: opened(vangnet=False, vangnet_reason="overig"), "vangnet_reason")
    refused(
        lambda: opened(
            vangnet=True, vangnet_reason="orgaandonatie", zwangerschap_timing="na_verlof"
        ),
        "zwangerschap_timing",
    )
    refused(lambda: opened(zwangerschap_timing="voor_verlof"), "zwangerschap_timing")
    refused(lambda: opened(contract_hours_per_week=169), "contract_hours_per_week")
    case = opened(
        vangnet=True,
        vangnet_reason="zwangerschap",
        zwangerschap_timing="flexibilisering",
        contract_hours_per_week=32,
    )
    assert case.opening.data["vangnet_reason"] == "zwangerschap"
    assert "Contracturen: 32 uur per week." in sentence(case)
    assert "flexibiliseringsperiode" in sentence(case)


def test_a_correctie_of_the_opening_obeys_the_vangnet_rule() -> None:
    case = opened(vangnet=True, vangnet_reason="no_riskpolis")
    refused(
        lambda: case.correctie(
            on=on(10),
            by=BY,
            event_id=case.opening.event_id,
            reason="r",
            replacement={"vangnet": False},
        ),
        "replacement.vangnet_reason",
    )


def test_a_relapse_may_say_whether_the_cause_is_the_same() -> None:
    case = opened()
    case.herstelmelding(on=on(100), by=BY, percentage=100)
    case.ziekmelding(on=on(110), by=BY, first_sick_day=on(110), same_cause=False)
    assert case.facts[-1].data["same_cause"] is False
    assert "andere oorzaak" in sentence(case)


# --- bijstelling, eerstejaarsevaluatie: evidence and tenzij grounds ----------------


def test_evidence_must_be_events_of_this_case() -> None:
    case, other = opened(), opened()
    other.probleemanalyse(on=on(30), by=BY, bedrijfsarts="Dr. A")
    foreign = last_id(other)
    for verb, values in [
        (case.bijstelling, {"reason": "r", "changes": "c"}),
        (case.werkhervatting, {"work": "eigen", "hours_per_week": 8, "wage_value_percentage": 20}),
        (
            case.plaatsing,
            {
                "track": 1,
                "employer_name": "B",
                "position": "P",
                "hours_per_week": 8,
                "wage_value_percentage": 20,
                "permanent": False,
            },
        ),
        (case.eerstejaarsevaluatie, {"conclusion": "c", "spoor_2_needed": True}),
    ]:
        refused(
            lambda v=verb, x=values: v(on=on(50), by=BY, evidence_event_ids=[foreign], **x),
            "evidence_event_ids",
        )
    case.probleemanalyse(on=on(30), by=BY, bedrijfsarts="Dr. A")
    case.bijstelling(
        on=on(50),
        by=BY,
        reason="r",
        changes="c",
        follows_advice=False,
        evidence_event_ids=[last_id(case)],
    )
    assert "wijkt beredeneerd af van het advies" in sentence(case)


def test_no_capacity_needs_a_medical_judgement_among_the_evidence() -> None:
    case = opened()
    case.notitie(on=on(20), by=BY, kind="gesprek", text="t")
    note = last_id(case)
    values = {"conclusion": "c", "spoor_2_needed": False, "tenzij_ground": "no_capacity"}
    refused(lambda: case.eerstejaarsevaluatie(on=on(280), by=BY, **values), "evidence_event_ids")
    refused(
        lambda: case.eerstejaarsevaluatie(on=on(280), by=BY, evidence_event_ids=[note], **values),
        "evidence_event_ids",
    )
    case.probleemanalyse(on=on(30), by=BY, bedrijfsarts="Dr. A")  # 250 days old: fine here
    case.eerstejaarsevaluatie(on=on(280), by=BY, evidence_event_ids=[last_id(case)], **values)


def test_gbm_needs_a_judgement_no_older_than_42_days() -> None:
    case = opened()
    case.actueel_oordeel(on=on(200), by=BY)
    judgement = last_id(case)
    values = {
        "conclusion": "c",
        "spoor_2_needed": False,
        "tenzij_ground": "gbm",
        "evidence_event_ids": [judgement],
    }
    # day 243 is 43 days after the oordeel of day 200: too old
    refused(lambda: case.eerstejaarsevaluatie(on=on(243), by=BY, **values), "evidence_event_ids")
    # an oordeel dated after the evaluation is no ground for it
    refused(lambda: case.eerstejaarsevaluatie(on=on(199), by=BY, **values), "evidence_event_ids")
    case.eerstejaarsevaluatie(on=on(242), by=BY, **values)  # exactly 42 days: accepted
    assert "geen benutbare mogelijkheden (tijdelijk oordeel bedrijfsarts)" in sentence(case)


def test_gbm_in_a_bijstelling_needs_current_evidence_too() -> None:
    case = opened()
    case.probleemanalyse(on=on(20), by=BY, bedrijfsarts="Dr. A")
    old = last_id(case)
    values = {"reason": "r", "changes": "c", "tenzij_ground": "gbm"}
    refused(
        lambda: case.bijstelling(on=on(100), by=BY, evidence_event_ids=[old], **values),
        "evidence_event_ids",
    )
    case.bijstelling(on=on(60), by=BY, evidence_event_ids=[old], **values)  # 40 days


def test_the_aow_ground_needs_a_date_of_birth_and_the_employees_agreement() -> None:
    values = {"conclusion": "c", "spoor_2_needed": False, "tenzij_ground": "aow_within_year"}
    nameless = opened()
    refused(
        lambda: nameless.eerstejaarsevaluatie(on=on(280), by=BY, employee_agrees=True, **values),
        "tenzij_ground",
    )
    born = opened(employee={"name": "Fictief Persoon", "date_of_birth": date(1959, 3, 1)})
    refused(lambda: born.eerstejaarsevaluatie(on=on(280), by=BY, **values), "employee_agrees")
    refused(
        lambda: born.eerstejaarsevaluatie(on=on(280), by=BY, employee_agrees=False, **values),
        "employee_agrees",
    )
    born.eerstejaarsevaluatie(on=on(280), by=BY, employee_agrees=True, **values)
    assert "de werknemer stemt hiermee in" in sentence(born)


# --- deskundigenoordeel, werkhervatting, eindevaluatie, RIV, verlenging -----------


def test_a_deskundigenoordeel_advice_is_a_word_of_its_list() -> None:
    case = opened()
    refused(lambda: case.deskundigenoordeel(on=on(50), by=BY, outcome="o", advice="x"), "advice")
    case.deskundigenoordeel(on=on(50), by=BY, outcome="Onvoldoende", advice="geen")
    assert "Advies: geen advies over passend werk." in sentence(case)


def test_a_structural_return_is_told() -> None:
    case = opened()
    case.werkhervatting(
        on=on(60),
        by=BY,
        work="eigen",
        hours_per_week=36,
        wage_value_percentage=100,
        structural=True,
        uses_remaining_capacity=True,
    )
    assert "Structurele werkhervatting." in sentence(case)
    assert "volledig benut" in sentence(case)


def test_an_eindevaluatie_has_the_opinion_or_the_refusal_to_give_one() -> None:
    case = opened()
    refused(lambda: case.eindevaluatie(on=on(280), by=BY), "employee_opinion")
    refused(
        lambda: case.eindevaluatie(on=on(280), by=BY, employee_opinion="  "), "employee_opinion"
    )
    refused(
        lambda: case.eindevaluatie(
            on=on(280), by=BY, employee_opinion="eens", employee_declined=True
        ),
        "employee_declined",
    )
    case.eindevaluatie(on=on(280), by=BY, employee_declined=True)
    assert "afgezien van het geven van een mening" in sentence(case)
    case.eindevaluatie(on=on(281), by=BY, employee_opinion="eens", employee_declined=False)


def test_a_reintegratieverslag_names_when_the_employee_got_a_copy() -> None:
    case = opened()
    refused(lambda: case.reintegratieverslag(on=on(290), by=BY), "copy_to_employee_on")
    refused(
        lambda: case.reintegratieverslag(on=on(290), by=BY, copy_to_employee_on=on(289)),
        "copy_to_employee_on",
    )
    refused(
        lambda: case.reintegratieverslag(on=on(290), by=BY, copy_to_employee_on=on(301)),
        "copy_to_employee_on",
    )
    case.reintegratieverslag(on=on(290), by=BY, copy_to_employee_on=on(292), supplement=True)
    assert sentence(case) == (
        f"Aanvulling op het re-integratieverslag opgesteld op {on(290)}. "
        f"Afschrift aan de werknemer gegeven op {on(292)}."
    )


def test_a_verlenging_is_13_to_260_weeks() -> None:
    case = opened()
    for weeks in (12, 261):
        refused(lambda w=weeks: case.verlenging_loondoorbetaling(on=on(1), by=BY, weeks=w), "weeks")
    case.verlenging_loondoorbetaling(on=on(1), by=BY, weeks=13)
    case.verlenging_loondoorbetaling(on=on(2), by=BY, weeks=260)


# --- the new steps ------------------------------------------------------------------


def test_a_granted_bekorting_names_its_end_and_a_refused_one_none() -> None:
    case = opened()
    refused(lambda: case.bekortingsbesluit(on=on(290), by=BY, granted=True), "ends_on")
    refused(
        lambda: case.bekortingsbesluit(on=on(290), by=BY, granted=False, ends_on=on(295)),
        "ends_on",
    )
    refused(
        lambda: case.bekortingsbesluit(on=on(290), by=BY, granted=True, ends_on=on(-1)), "ends_on"
    )
    case.bekortingsbesluit(on=on(290), by=BY, granted=True, ends_on=on(295))
    assert f"Bekortingsverzoek toegewezen door UWV (besluit op {on(290)}): de loonsanctie " in (
        sentence(case)
    )
    case.bekortingsbesluit(on=on(291), by=BY, granted=False)
    assert "Bekortingsverzoek afgewezen" in sentence(case)


def test_a_loonsanctie_ends_within_the_sickness() -> None:
    case = opened()
    refused(lambda: case.loonsanctie_einde(on=on(10), by=BY, ends_on=on(-1)), "ends_on")
    case.loonsanctie_einde(on=on(10), by=BY, ends_on=on(400))
    assert f"de loonsanctie eindigt op {on(400)}" in sentence(case)


def test_a_last_working_day_lies_in_the_sickness_and_within_a_year() -> None:
    case = opened()
    refused(
        lambda: case.uitdiensttreding(on=on(10), by=BY, last_working_day=on(-1)),
        "last_working_day",
    )
    refused(
        lambda: case.uitdiensttreding(on=on(10), by=BY, last_working_day=on(10 + 367)),
        "last_working_day",
    )
    case.uitdiensttreding(on=on(10), by=BY, last_working_day=on(10 + 366))
    assert "ziekmelding bij UWV uiterlijk op de laatste werkdag" in sentence(case)


def test_a_leave_ends_after_it_starts() -> None:
    case = opened()
    leave = {"kind": "zwangerschap"}
    refused(
        lambda: case.verlof(on=on(60), by=BY, **leave, **{"from": on(60), "until": on(59)}), "until"
    )
    refused(  # recorded once it has begun: a leave ahead would end the case before it starts
        lambda: case.verlof(on=on(50), by=BY, **leave, **{"from": on(60), "until": on(70)}), "from"
    )
    refused(
        lambda: case.verlof(on=on(50), by=BY, **leave, **{"from": on(-5), "until": on(59)}), "from"
    )
    refused(
        lambda: case.verlof(
            on=on(60), by=BY, kind="ouderschap", **{"from": on(60), "until": on(70)}
        ),
        "kind",
    )
    case.verlof(on=on(60), by=BY, **leave, **{"from": on(60), "until": on(60)})
    assert sentence(case).startswith(f"Zwangerschapsverlof van {on(60)} tot en met {on(60)}")


@pytest.mark.parametrize("verb", ["loonopschorting", "loonstop", "loonbetaling_hervat"])
def test_a_wage_measure_starts_within_the_sickness(verb: str) -> None:
    case = opened()
    extra = {"loonopschorting": {"reason": "r"}, "loonstop": {"ground": "c", "reason": "r"}}
    values = extra.get(verb, {})
    refused(lambda: getattr(case, verb)(on=on(40), by=BY, **values, **{"from": on(-1)}), "from")
    getattr(case, verb)(on=on(40), by=BY, **values, **{"from": on(0)})
    assert case.facts[-1].data["from"] == on(0).isoformat()


def test_a_loonstop_names_its_ground_of_the_law() -> None:
    case = opened()
    refused(
        lambda: case.loonstop(on=on(40), by=BY, ground="g", reason="r", **{"from": on(30)}),
        "ground",
    )
    case.loonstop(
        on=on(40), by=BY, ground="b", reason="Afspraken niet nagekomen", **{"from": on(30)}
    )
    assert sentence(case) == (
        f"Werknemer werkt niet mee: loonstop sinds {on(30)} (art. 7:629 lid 3 sub b BW: de "
        f"werknemer belemmert of vertraagt zijn genezing), vastgelegd op {on(40)}. "
        "Reden: Afspraken niet nagekomen."
    )


def test_a_waarschuwing_gives_its_reason() -> None:
    case = opened()
    refused(lambda: case.waarschuwing(on=on(40), by=BY, reason=" "), "reason")
    case.waarschuwing(on=on(40), by=BY, reason="Niet verschenen")
    assert (
        sentence(case)
        == f"Waarschuwing aan de werknemer gegeven op {on(40)}. Reden: Niet verschenen."
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"outcome": "geen", "percentage": 35}, "percentage"),
        ({"outcome": "wga", "percentage": 34}, "percentage"),
        ({"outcome": "wga", "percentage": 80, "lasting": True}, "outcome"),
        ({"outcome": "iva", "percentage": 79}, "percentage"),
        ({"outcome": "iva", "lasting": False}, "lasting"),
        ({"outcome": "wga", "percentage": 101}, "percentage"),
        ({"outcome": "wga", "percentage": 55, "from_": -1}, "from"),
    ],
)
def test_a_wia_besluit_fits_its_percentage(values: dict[str, Any], field: str) -> None:
    case = opened()
    start = on(values.pop("from_", 290))
    refused(lambda: case.wia_besluit(on=on(295), by=BY, **values, **{"from": start}), field)


def test_a_wia_besluit_is_told_with_its_outcome_percentage_and_start() -> None:
    case = opened()
    for values in [
        {"outcome": "geen", "percentage": 34},
        {"outcome": "wga", "percentage": 80, "lasting": False},
        {"outcome": "iva", "percentage": 100, "lasting": True},
        {"outcome": "iva"},
    ]:
        case.wia_besluit(on=on(295), by=BY, **values, **{"from": on(290)})
    case.wia_besluit(on=on(296), by=BY, outcome="wga", percentage=55, **{"from": on(290)})
    assert sentence(case) == (
        f"WIA-besluit van UWV: WGA, 55 % arbeidsongeschikt, ingaand op {on(290)} "
        f"(besluit op {on(296)})."
    )


def test_a_correctie_of_a_new_step_obeys_its_rules() -> None:
    case = opened()
    case.verlof(on=on(60), by=BY, kind="bevalling", **{"from": on(60), "until": on(130)})
    leave = last_id(case)
    refused(
        lambda: case.correctie(
            on=on(140), by=BY, event_id=leave, reason="r", replacement={"until": on(59)}
        ),
        "replacement.until",
    )
    case.correctie(on=on(140), by=BY, event_id=leave, reason="r", replacement={"until": on(125)})
    assert case.find(leave).data["until"] == on(125).isoformat()
