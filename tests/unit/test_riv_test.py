"""What UWV tests beyond the statutory dates, worked out with dates.

The case starts on Monday 2025-01-06 (see test_obligations): week 52 ends on
2026-01-04, week 78 on 2026-07-05, week 91 on 2026-10-04, week 104 on
2027-01-03.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import Actor
from domain.assessment import assess
from domain.case import Case
from domain.employer import Regime
from domain.errors import DomainError
from domain.obligations import schedule
from tests.unit.test_obligations import D, History, fully_prepared, opened_on_monday

# --- the samentelregel moves terms counted in days ----------------------------------


def test_a_recovery_gap_moves_the_plan_after_the_probleemanalyse() -> None:
    """Analysis on sick day 36; recovered 02-12, sick again 02-22 (10 days not counted):
    day 36 + 14 = day 50 is 2025-03-06, not 2025-02-24 (7:629 lid 10 BW)."""
    history = History().add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. F.")
    history.add("herstelmelding", "2025-02-12", percentage=100)
    history.add("ziekmelding", "2025-02-22", first_sick_day="2025-02-22")
    assert history.obligation("plan_van_aanpak", "2025-03-01").due_on == D("2025-03-06")
    history.add("plan_van_aanpak", "2025-03-04", casemanager="J. Smit", goal="g", agreements=[])
    assert history.obligation("plan_van_aanpak", "2025-03-10").status == "met"


def test_a_recovery_gap_moves_the_next_evaluation() -> None:
    history = History().add(
        "plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[]
    )
    assert history.obligation("evaluatie", "2025-03-01", occurrence=1).due_on == D("2025-04-03")
    history.add("herstelmelding", "2025-03-01", percentage=100)
    history.add("ziekmelding", "2025-03-11", first_sick_day="2025-03-11")
    assert history.obligation("evaluatie", "2025-03-20", occurrence=1).due_on == D("2025-04-13")


# --- duties end at einde wachttijd ----------------------------------------------------


def test_no_evaluation_is_due_after_einde_wachttijd_in_the_view_and_the_worklist() -> None:
    history = History().add(
        "plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[]
    )
    end = D("2027-01-03")
    listed = [o for o in history.on("2027-06-01") if o.code == "evaluatie"]
    assert listed and max(o.due_on for o in listed) <= end
    plan = schedule(history.facts)
    pending = [(o.code, o.occurrence) for o in plan.pending(until=plan.einde_wachttijd)]
    overdue = [(o.code, o.occurrence) for o in listed if o.status == "overdue"]
    assert [p for p in pending if p[0] == "evaluatie"] == overdue


@pytest.mark.parametrize(
    ("decision", "data", "end"),
    [
        (None, {}, "2028-01-02"),  # 52 sanction weeks: week 156
        ("bekortingsbesluit", {"granted": True, "ends_on": "2027-06-30"}, "2027-06-30"),
        ("bekortingsbesluit", {"granted": False}, "2028-01-02"),
        ("loonsanctie_einde", {"ends_on": "2027-03-31"}, "2027-03-31"),
        ("loonsanctie_einde", {"ends_on": "2026-06-30"}, "2027-01-03"),  # not before week 104
    ],
)
def test_a_loonsanctie_ends_on_the_date_uwv_decides(
    decision: str | None, data: dict, end: str
) -> None:
    """Art. 25 lid 9 and 10 WIA: the engine never derives the end of a sanction."""
    history = History().add("loonsanctie", "2026-11-01", weeks=52, reasons=["te laat"])
    if decision:
        history.add(decision, "2027-02-01", **data)
    assert history.obligation("einde_wachttijd", "2027-02-02").due_on == D(end)


# --- the arbeidsdeskundig onderzoek ---------------------------------------------------


def test_no_arbeidsdeskundig_onderzoek_by_week_52_is_a_medium_risk() -> None:
    history = History()
    found = history.obligation("arbeidsdeskundig_onderzoek", "2026-01-05")
    assert (found.due_on, found.status) == (D("2026-01-04"), "overdue")
    level, _ = history.risk("2025-01-20")
    assert level == "low"
    reason = (
        "Arbeidsdeskundig onderzoek (praktijk, geen wettelijke termijn) niet tijdig gedaan: "
        "uiterlijk 2026-01-04, nog niet gedaan."
    )
    assert reason in history.risk("2026-01-05")[1]


def test_back_in_the_own_work_at_full_value_needs_no_arbeidsdeskundig_onderzoek() -> None:
    history = History().add(
        "werkhervatting", "2025-06-01", work="eigen", hours_per_week=38, wage_value_percentage=100
    )
    assert history.obligation("arbeidsdeskundig_onderzoek", "2026-02-01").status == (
        "not_applicable"
    )


# --- following advice -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("advice", "follow_up", "status"),
    [
        ("aangepast_werk", ("werkhervatting", "2025-10-01"), "met"),
        ("aangepast_werk", ("bijstelling", "2025-10-20"), "met_late"),
        ("aangepast_werk", ("spoor_2_start", "2025-10-01"), "overdue"),  # not this advice
        ("spoor_2", ("spoor_2_start", "2025-10-01"), "met"),
        ("spoor_2", None, "overdue"),
    ],
)
def test_an_advice_is_followed_within_42_sick_days(
    advice: str, follow_up: tuple[str, str] | None, status: str
) -> None:
    history = History().add("arbeidsdeskundig_onderzoek", "2025-09-01", advice=advice)
    bodies = {
        "werkhervatting": {"work": "aangepast", "hours_per_week": 20, "wage_value_percentage": 50},
        "bijstelling": {"reason": "Advies afgewogen", "changes": "c", "follows_advice": False},
        "spoor_2_start": {"provider": "Bureau", "coach": "K. Coach"},
    }
    if follow_up:
        history.add(follow_up[0], follow_up[1], **bodies[follow_up[0]])
    found = history.obligation("advies_opvolging", "2025-10-30", occurrence=1)
    assert (found.due_on, found.status) == (D("2025-10-13"), status)
    if status == "overdue":
        assert (
            "Advies niet tijdig opgevolgd: uiterlijk 2025-10-13, nog niet opgevolgd."
            in (history.risk("2025-10-30")[1])
        )
        assert history.risk("2025-10-30")[0] == "high"


def test_a_bijgestelde_probleemanalyse_is_followed_within_14_days() -> None:
    history = (
        History()
        .add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. F.")
        .add("probleemanalyse", "2025-05-01", bedrijfsarts="Dr. F.")
    )
    found = history.obligation("advies_opvolging", "2025-05-20", occurrence=1)
    assert (found.due_on, found.status) == (D("2025-05-15"), "overdue")


def test_a_deskundigenoordeel_without_advice_opens_no_follow_up() -> None:
    history = (
        History()
        .add("deskundigenoordeel_aanvraag", "2025-06-01", question="Passend?")
        .add("deskundigenoordeel", "2025-07-01", outcome="Passend", advice="geen")
    )
    assert not [o for o in history.on("2025-09-01") if o.code == "advies_opvolging"]
    answered = history.obligation("deskundigenoordeel", "2025-09-01", occurrence=1)
    assert (answered.due_on, answered.status) == (D("2025-07-13"), "met")
    history.add("deskundigenoordeel", "2025-07-02", outcome="Ander werk", advice="spoor_2")
    assert history.obligation("advies_opvolging", "2025-07-03", occurrence=1).due_on == date(
        2025, 8, 13
    )


# --- the re-integratieverslag -----------------------------------------------------------


def test_a_complete_riv_meets_its_obligation() -> None:
    found = fully_prepared().obligation("reintegratieverslag", "2026-09-20")
    assert (found.status, found.missing) == ("met", ())


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"copy_to_employee_on": None}, ("kopie_werknemer",)),
        ({"actueel_oordeel": "2026-05-01"}, ("actueel_oordeel",)),  # 132 days old
        ({"eindevaluatie": {"employee_opinion": None}}, ("eindevaluatie",)),
        ({"eindevaluatie": {"employee_declined": True, "employee_opinion": None}}, ()),
    ],
)
def test_an_incomplete_riv_names_what_is_missing(change: dict, missing: tuple) -> None:
    history = fully_prepared()
    for fact in history.facts:
        if fact.type == "reintegratieverslag" and "copy_to_employee_on" in change:
            fact.data = {**fact.data, "copy_to_employee_on": change["copy_to_employee_on"]}
        if fact.type == "actueel_oordeel" and "actueel_oordeel" in change:
            fact.occurred_on = D(change["actueel_oordeel"])
        if fact.type == "eindevaluatie" and "eindevaluatie" in change:
            fact.data = {**fact.data, **change["eindevaluatie"]}
    found = history.obligation("reintegratieverslag", "2026-09-20")
    assert found.missing == missing
    assert found.status == ("incomplete" if missing else "met")
    if missing:
        level, reasons = history.risk("2026-09-20")
        assert level == "high"
        assert any(
            "Re-integratieverslag onvolledig (opgesteld 2026-09-10): ontbreekt" in r
            for r in reasons
        )


def test_a_later_complete_riv_meets_it_late() -> None:
    history = fully_prepared()
    riv = next(f for f in history.facts if f.type == "reintegratieverslag")
    riv.data = {}
    history.add("reintegratieverslag", "2026-10-10", copy_to_employee_on="2026-10-10")
    found = history.obligation("reintegratieverslag", "2026-10-20")
    assert (found.status, found.met_on) == ("met_late", D("2026-10-10"))


def test_an_actueel_oordeel_before_week_79_is_early_and_does_not_meet_its_row() -> None:
    history = History().add("actueel_oordeel", "2026-06-01")
    found = history.obligation("actueel_oordeel", "2026-06-02")
    assert (found.status, found.early) == ("open", True)
    history.add("actueel_oordeel", "2026-08-01")
    found = history.obligation("actueel_oordeel", "2026-08-02")
    assert (found.status, found.met_on) == ("met", D("2026-08-01"))


# --- the result first: the 65 % rule ------------------------------------------------


def placed(**extra: object) -> History:
    """A case at week 60 with spoor 2 not started and a permanent placement at 70 %."""
    history = History().add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. F.")
    history.add("eerstejaarsevaluatie", "2025-12-01", conclusion="c", spoor_2_needed=True)
    body = {
        "track": 1,
        "employer_name": "Eigen werkgever",
        "position": "Planner",
        "hours_per_week": 30,
        "wage_value_percentage": 70,
        "permanent": True,
        "uses_remaining_capacity": True,
        "evidence_event_ids": ["e2"],  # the probleemanalyse says so
        **extra,
    }
    return history.add("plaatsing", "2026-01-05", **body)


def test_a_satisfactory_result_waives_spoor_2_and_lowers_the_risk() -> None:
    history = placed()
    spoor_2 = history.obligation("spoor_2", "2026-03-01")
    assert (spoor_2.status, spoor_2.ground, spoor_2.met_on) == (
        "waived",
        "bevredigend_resultaat",
        D("2026-01-05"),
    )
    level, reasons = history.risk("2026-03-01")
    assert level == "low"
    assert reasons[0] == (
        "Bevredigend re-integratieresultaat sinds 2026-01-05 (65 %-regel): UWV toetst de "
        "inspanningen dan in de regel niet verder."
    )
    assert reasons[1:] == [  # the report to UWV is a fine, told all the same
        "Ziekmelding bij UWV niet tijdig gedaan: uiterlijk 2025-10-27, nog niet gedaan. "
        "Dit levert een boete op, geen loonsanctie."
    ]


@pytest.mark.parametrize(
    "extra",
    [
        {"permanent": False},
        {"uses_remaining_capacity": False},
        {"evidence_event_ids": []},
        {"evidence_event_ids": ["e1"]},  # the ziekmelding says nothing about capacity
        {"wage_value_percentage": 64},
    ],
)
def test_65_percent_without_structure_capacity_or_evidence_changes_nothing(extra: dict) -> None:
    history = placed(**extra)
    assert history.obligation("spoor_2", "2026-03-01").status == "overdue"
    assert history.risk("2026-03-01")[0] == "high"


def test_a_satisfactory_result_does_not_excuse_an_incomplete_riv() -> None:
    history = placed().add("reintegratieverslag", "2026-09-10", copy_to_employee_on="2026-09-10")
    level, reasons = history.risk("2026-09-20")
    assert level == "high"
    assert reasons[0].startswith("Bevredigend re-integratieresultaat sinds 2026-01-05")
    assert reasons[1].startswith("Re-integratieverslag onvolledig (opgesteld 2026-09-10)")


# --- tenzij grounds, tightened ---------------------------------------------------------


def grounded(ground: str, on: str = "2025-12-01", **data: object) -> History:
    return History().add(
        "eerstejaarsevaluatie",
        on,
        conclusion="c",
        spoor_2_needed=False,
        tenzij_ground=ground,
        **data,
    )


def test_a_prospect_of_internal_return_waives_spoor_2_for_91_days_only() -> None:
    history = grounded("prospect_internal_return")
    assert history.obligation("spoor_2", "2026-02-01").status == "waived"
    found = history.obligation("spoor_2", "2026-03-20")  # the 91st day is 2026-03-01
    assert (found.status, found.due_on) == ("overdue", D("2026-03-15"))


def test_a_structural_internal_return_within_the_prospect_keeps_spoor_2_waived() -> None:
    history = grounded("prospect_internal_return").add(
        "werkhervatting",
        "2026-02-01",
        work="aangepast",
        hours_per_week=30,
        wage_value_percentage=60,
        structural=True,
    )
    assert history.obligation("spoor_2", "2026-06-01").status == "waived"


def test_gbm_suspends_spoor_2_until_the_next_assessment() -> None:
    history = grounded("gbm")
    assert history.obligation("spoor_2", "2026-05-01").status == "waived"
    history.add("actueel_oordeel", "2026-03-01")
    found = history.obligation("spoor_2", "2026-05-01")  # due 42 days after 2026-03-01
    assert (found.status, found.due_on) == ("overdue", D("2026-04-12"))


@pytest.mark.parametrize(
    ("born", "agrees", "status"),
    [
        ("1960-03-01", True, "waived"),  # AOW 2027-03-01, within a year of 2027-01-03
        ("1960-03-01", False, "overdue"),  # the employee must agree
        ("1961-06-15", True, "overdue"),  # AOW 2028-09-15: more than a year after
        (None, True, "overdue"),  # no date of birth, no AOW date
    ],
)
def test_aow_within_a_year_needs_the_date_and_the_employees_consent(
    born: str | None, agrees: bool, status: str
) -> None:
    history = History()
    if born:
        history.facts[0].data["employee"] = {"name": "Fictief Persoon", "date_of_birth": born}
    history.add(
        "eerstejaarsevaluatie",
        "2025-12-01",
        conclusion="c",
        spoor_2_needed=False,
        tenzij_ground="aow_within_year",
        employee_agrees=agrees,
    )
    assert history.obligation("spoor_2", "2026-03-01").status == status


def test_a_tenzij_ground_on_a_later_bijstelling_counts() -> None:
    history = History().add(
        "bijstelling", "2025-12-20", reason="r", changes="c", tenzij_ground="no_capacity"
    )
    found = history.obligation("spoor_2", "2026-03-01")
    assert (found.status, found.ground) == ("waived", "no_capacity")


def test_a_recorded_loonsanctie_is_a_reason() -> None:
    history = History().add("loonsanctie", "2025-02-01", weeks=26, reasons=["te laat"])
    level, reasons = history.risk("2025-02-02")
    assert level == "medium"
    assert reasons == ["Loonsanctie opgelegd door UWV op 2025-02-01: 26 weken (art. 25 lid 9 WIA)."]


# --- special regimes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "timing", "due"),
    [
        ("orgaandonatie", None, "2025-01-09"),  # Mon 6 Jan: the 4th working day is Thu 9 Jan
        ("no_riskpolis", None, "2025-02-16"),  # end of week 6
        ("zwangerschap", None, "2025-02-16"),
        ("zwangerschap", "voor_verlof", "2025-02-16"),
        ("zwangerschap", "flexibilisering", "2025-01-09"),  # by sick day 4
        ("zwangerschap", "na_verlof", "2025-01-09"),
        ("overig", None, "2025-10-27"),  # the 42nd-week rule
    ],
)
def test_the_vangnet_reports_to_uwv_early(reason: str, timing: str | None, due: str) -> None:
    history = History()
    history.facts[0].data.update(vangnet=True, vangnet_reason=reason)
    if timing:
        history.facts[0].data["zwangerschap_timing"] = timing
    assert history.obligation("ziekmelding_uwv", "2025-01-07").due_on == D(due)


def test_leaving_while_sick_is_reported_to_uwv_on_the_last_working_day() -> None:
    history = History().add("ziekmelding_uwv", "2025-10-20")
    history.add("uitdiensttreding", "2025-11-28", last_working_day="2025-11-30")
    found = history.obligation("ziekmelding_uwv", "2025-12-01")
    assert (found.due_on, found.status) == (D("2025-11-30"), "overdue")
    history.add("ziekmelding_uwv", "2025-11-30")
    assert history.obligation("ziekmelding_uwv", "2025-12-01").status == "met"


def test_the_aow_date_ends_the_duties_that_prepare_a_wia_application() -> None:
    """Born 1958-05-20: AOW on 2025-05-20, in the first sick year."""
    history = History()
    history.facts[0].data["employee"] = {"name": "F. Persoon", "date_of_birth": "1958-05-20"}
    history.add("plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[])
    listed = {o.code: o for o in history.on("2025-06-01") if o.occurrence in (None, 1)}
    for code in ("spoor_2", "reintegratieverslag", "wia_aanvraag"):
        assert listed[code].status == "not_applicable", code
    assert listed["evaluatie"].status == "overdue"  # due 2025-04-03, before the AOW date
    evaluations = [o for o in history.on("2025-09-01") if o.code == "evaluatie"]
    assert max(o.due_on for o in evaluations) < D("2025-05-20")
    # wages for at most 13 weeks after the AOW date (7:629 lid 2 BW)
    assert listed["einde_wachttijd"].due_on == D("2025-08-18")


def test_a_loonstop_is_shown_as_a_deugdelijke_grond_while_it_lasts() -> None:
    history = History().add(
        "loonstop", "2025-02-01", **{"from": "2025-02-01"}, ground="b", reason="r"
    )
    level, reasons = history.risk("2025-02-02")
    assert level == "low"
    assert reasons == [
        "Werknemer werkt niet mee: loonstop sinds 2025-02-01. Dit is een deugdelijke grond "
        "voor wat niet lukte, mits schriftelijk vastgelegd."
    ]
    history.add("loonbetaling_hervat", "2025-02-10", **{"from": "2025-02-10"})
    assert history.risk("2025-02-11") == ("low", [])


@pytest.mark.parametrize(
    ("eigenrisicodrager_zw", "report_due", "eerstejaars"),
    [
        (False, "2025-11-30", "not_applicable"),  # the case ends: UWV takes over
        (True, "2026-01-11", "overdue"),  # the employer carries the ZW: the case goes on
    ],
)
def test_leaving_while_sick_depends_on_who_carries_the_ziektewet(
    eigenrisicodrager_zw: bool, report_due: str, eerstejaars: str
) -> None:
    history = History().add("uitdiensttreding", "2025-11-28", last_working_day="2025-11-30")
    regime = Regime(eigenrisicodrager_zw=eigenrisicodrager_zw)
    judged = {o.code: o for o in assess(history.facts, D("2026-02-01"), None, regime).obligations}
    assert judged["ziekmelding_uwv"].due_on == D(report_due)
    assert judged["eerstejaarsevaluatie"].status == eerstejaars


def test_after_einde_wachttijd_only_suitable_work_in_the_own_organisation_remains() -> None:
    history = History()
    assert "passend_werk_eigen_bedrijf" not in {o.code for o in history.on("2027-01-03")}
    found = history.obligation("passend_werk_eigen_bedrijf", "2027-02-01")
    assert (found.status, found.due_on) == ("open", D("2027-01-03"))
    assert "passend_werk_eigen_bedrijf" not in {
        o.code for o in schedule(history.facts).pending(until=D("2028-01-01"))
    }


def test_an_riv_made_before_a_verlenging_is_supplemented_by_the_new_deadline() -> None:
    history = fully_prepared().add("verlenging_loondoorbetaling", "2026-09-20", weeks=13)
    found = history.obligation("reintegratieverslag", "2026-12-01")
    assert (found.status, found.due_on) == ("open", D("2027-01-03"))  # 13 weeks later
    history.add("actueel_oordeel", "2026-12-10")  # the supplement needs current parts
    history.add("eindevaluatie", "2026-12-11", employee_opinion="eens")
    history.add(
        "reintegratieverslag", "2026-12-15", copy_to_employee_on="2026-12-15", supplement=True
    )
    found = history.obligation("reintegratieverslag", "2027-01-05")
    assert (found.status, found.met_on) == ("met", D("2026-12-15"))


# --- pregnancy and childbirth leave ----------------------------------------------------


def on_leave() -> tuple[Case, Actor]:
    """Sick from Monday 2025-01-06; pregnancy leave from 2025-03-01 to 2025-06-20."""
    case, by = opened_on_monday()
    case.verlof(
        on=D("2025-03-01"),
        by=by,
        kind="zwangerschap",
        **{"from": D("2025-03-01"), "until": D("2025-06-20")},
    )
    return case, by


def test_sickness_after_the_leave_with_the_same_cause_continues_the_case() -> None:
    """112 leave days are left out of the gap, and out of the sick days (7:629 lid 10 BW)."""
    case, by = on_leave()
    case.ziekmelding(on=D("2025-06-21"), by=by, first_sick_day=D("2025-06-21"), same_cause=True)
    assert case.status == "open"
    assert case.sick_days(D("2025-07-01")) == 54 + 11  # 6 Jan to 28 Feb, 21 Jun to 1 Jul


@pytest.mark.parametrize("same_cause", [None, False])
def test_after_the_leave_the_same_cause_decides(same_cause: bool | None) -> None:
    case, by = on_leave()
    extra = {} if same_cause is None else {"same_cause": same_cause}
    with pytest.raises(DomainError) as refused:
        case.ziekmelding(on=D("2025-06-21"), by=by, first_sick_day=D("2025-06-21"), **extra)
    assert refused.value.field == "same_cause"


def test_the_leave_does_not_stretch_the_28_days() -> None:
    """Leave until 2025-06-20, then 28 days of work: sick again on 2025-07-19 is a new case."""
    case, by = on_leave()
    with pytest.raises(DomainError) as refused:
        case.ziekmelding(on=D("2025-07-19"), by=by, first_sick_day=D("2025-07-19"), same_cause=True)
    assert refused.value.field == "first_sick_day"
    case.ziekmelding(on=D("2025-07-18"), by=by, first_sick_day=D("2025-07-18"), same_cause=True)
    assert case.status == "open"


# --- found in review: where rules meet ----------------------------------------------------


def test_from_an_early_aow_date_nothing_else_is_due() -> None:
    """Born 1958-05-26: AOW 2025-05-26, einde wachttijd 13 weeks later; the duties of the
    second half of the first year never come due (7:629 lid 2 BW)."""
    history = History()
    history.facts[0].data["employee"] = {"name": "F. Persoon", "date_of_birth": "1958-05-26"}
    judged = {o.code: o for o in history.on("2026-02-01") if o.occurrence in (None, 1)}
    for code in (
        "eerstejaarsevaluatie",
        "arbeidsdeskundig_onderzoek",
        "ziekmelding_uwv",
        "actueel_oordeel",
        "eindevaluatie",
    ):
        assert judged[code].status == "not_applicable", code
    assert not any("Eerstejaarsevaluatie" in r for r in history.risk("2026-02-01")[1])


def test_a_waiver_that_would_end_after_recovery_leaves_spoor_2_not_applicable() -> None:
    history = grounded("prospect_internal_return", on="2025-12-15")
    history.add("herstelmelding", "2026-01-10", percentage=100)
    assert history.obligation("spoor_2", "2026-06-01").status == "not_applicable"
    assert not any(r.startswith("Spoor 2") for r in history.risk("2026-06-01")[1])


def test_the_riv_reads_the_most_recent_actueel_oordeel_by_its_date() -> None:
    history = fully_prepared()
    history.add("actueel_oordeel", "2026-03-01", recorded="2026-09-05")  # backfilled later
    assert history.obligation("reintegratieverslag", "2026-09-20").missing == ()


def test_a_verlenging_moves_the_early_cutoff_of_the_riv_parts() -> None:
    """After a verlenging of 52 weeks, week-80 parts are early for the new deadline."""
    history = History().add("verlenging_loondoorbetaling", "2026-06-01", weeks=52)
    history.add("actueel_oordeel", "2026-07-13")
    found = history.obligation("actueel_oordeel", "2026-08-01")
    assert (found.status, found.early, found.due_on) == ("open", True, D("2027-10-03"))


def test_a_satisfactory_result_keeps_a_recorded_loonsanctie_in_view() -> None:
    history = placed().add("loonsanctie", "2026-02-01", weeks=13, reasons=["te laat"])
    level, reasons = history.risk("2026-02-02")
    assert level == "medium"
    assert "Loonsanctie opgelegd door UWV op 2026-02-01: 13 weken (art. 25 lid 9 WIA)." in reasons


@pytest.mark.parametrize(
    ("born", "step"),
    [
        ("1980-04-02", "eerstejaarsevaluatie"),  # the law has not set this AOW age yet
        ("1961-06-15", "eerstejaarsevaluatie"),  # AOW 2028-09-15: more than a year after
        ("1958-05-20", "bijstelling"),  # no place for the employee's agreement
    ],
)
def test_the_aow_ground_is_refused_where_it_cannot_hold(born: str, step: str) -> None:
    by = Actor("key-1", "casemanager")
    case = Case.open_with_ziekmelding(
        by=by,
        employer_id="employer-1",
        employee={"name": "F. Persoon", "date_of_birth": D(born)},
        first_sick_day=D("2025-01-06"),
        reported_on=D("2025-01-06"),
    )
    values = {
        "eerstejaarsevaluatie": {
            "conclusion": "c",
            "spoor_2_needed": False,
            "employee_agrees": True,
        },
        "bijstelling": {"reason": "r", "changes": "c"},
    }[step]
    with pytest.raises(DomainError) as refused:
        getattr(case, step)(on=D("2025-12-01"), by=by, tenzij_ground="aow_within_year", **values)
    assert refused.value.field == "tenzij_ground"


def test_an_incomplete_riv_stays_on_the_worklist_until_a_complete_one_comes() -> None:
    history = fully_prepared()
    riv = next(f for f in history.facts if f.type == "reintegratieverslag")
    riv.data = {}
    listed = schedule(history.facts).pending(until=D("2027-01-03"))
    assert ("reintegratieverslag", "incomplete") in {(o.code, o.status) for o in listed}
    history.add("reintegratieverslag", "2026-09-25", copy_to_employee_on="2026-09-25")
    listed = schedule(history.facts).pending(until=D("2027-01-03"))
    assert "reintegratieverslag" not in {o.code for o in listed}
