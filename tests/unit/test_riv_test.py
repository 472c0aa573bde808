"""What UWV tests beyond the statutory dates, worked out with dates.

The case starts on Monday 2025-01-06 (see test_obligations): week 52 ends on
2026-01-04, week 78 on 2026-07-05, week 91 on 2026-10-04, week 104 on
2027-01-03.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.obligations import schedule
from tests.unit.test_obligations import D, History, fully_prepared

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
    reason = "Arbeidsdeskundig onderzoek niet tijdig gedaan: uiterlijk 2026-01-04, nog niet gedaan."
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
