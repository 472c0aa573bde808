"""Retention rules with dates: the case's end, the term by regime, a bureau's lengthening,
the legal hold and the erasure's refusals (AVG art. 5 and 17; AP beleidsregels)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import Actor
from domain.case import Case
from domain.employer import Regime
from domain.errors import DomainError
from domain.retention import (
    RetentionPolicy,
    ended_on,
    erase,
    lift_legal_hold,
    place_legal_hold,
    retention,
    term_years,
    years_after,
)

CASEMANAGER = Actor("key-1", "casemanager")
ADMIN = Actor("key-admin", "admin")
PLAIN = Regime()
ZW = Regime(eigenrisicodrager_zw=True)
WGA = Regime(eigenrisicodrager_wga=True)
FIRST = date(2019, 1, 7)


def open_case(first: date = FIRST) -> Case:
    return Case.open_with_ziekmelding(
        by=CASEMANAGER,
        employer_id="employer-1",
        employee={"name": "Fictief Persoon", "personnel_number": "P-9"},
        first_sick_day=first,
        reported_on=first,
    )


def recovered(on: date = date(2019, 3, 4)) -> Case:
    case = open_case()
    case.herstelmelding(on=on, by=CASEMANAGER, percentage=100)
    return case


def closed(on: date = date(2019, 3, 4)) -> Case:
    case = recovered(on)
    case.afsluiting(on=on, by=CASEMANAGER, reason="herstel")
    return case


# --- the end of a case ------------------------------------------------------------------


def test_an_open_case_has_no_end() -> None:
    assert ended_on(open_case().facts, PLAIN) is None


def test_a_partial_recovery_does_not_end_the_case() -> None:
    case = open_case()
    case.herstelmelding(on=date(2019, 3, 4), by=CASEMANAGER, percentage=50)
    assert ended_on(case.facts, PLAIN) is None


def test_full_recovery_ends_the_case_the_day_before() -> None:
    assert ended_on(recovered(date(2019, 3, 4)).facts, PLAIN) == date(2019, 3, 3)


def test_the_afsluiting_ends_the_case() -> None:
    case = open_case()
    case.afsluiting(on=date(2019, 6, 3), by=CASEMANAGER, reason="overig")
    assert ended_on(case.facts, PLAIN) == date(2019, 6, 3)


def test_leaving_employment_sick_ends_the_case_unless_eigenrisicodrager_zw() -> None:
    case = open_case()
    case.uitdiensttreding(on=date(2019, 5, 1), by=CASEMANAGER, last_working_day=date(2019, 5, 31))
    assert ended_on(case.facts, PLAIN) == date(2019, 5, 31)
    assert ended_on(case.facts, ZW) is None


def wia_decided(outcome: str) -> Case:
    case = open_case()
    case.wia_besluit(
        on=date(2020, 12, 1),
        by=CASEMANAGER,
        outcome=outcome,
        percentage=50 if outcome == "wga" else 20,
        **{"from": date(2021, 1, 4)},
    )
    return case


def test_a_wia_decision_ends_the_case_on_its_date() -> None:
    assert ended_on(wia_decided("geen").facts, PLAIN) == date(2021, 1, 4)
    assert ended_on(wia_decided("wga").facts, PLAIN) == date(2021, 1, 4)
    assert ended_on(wia_decided("geen").facts, WGA) == date(2021, 1, 4)


def test_a_wga_benefit_an_eigenrisicodrager_carries_keeps_the_case_running() -> None:
    assert ended_on(wia_decided("wga").facts, WGA) is None


# --- the term ---------------------------------------------------------------------------


def test_the_term_is_2_years_5_for_zw_10_for_wga() -> None:
    assert term_years(PLAIN) == 2
    assert term_years(ZW) == 5
    assert term_years(WGA) == 10
    assert term_years(Regime(eigenrisicodrager_zw=True, eigenrisicodrager_wga=True)) == 10


def test_a_bureau_may_lengthen_the_term_with_a_reason() -> None:
    assert term_years(PLAIN, RetentionPolicy(3, "lopende procedures bij de rechter")) == 5
    assert term_years(WGA, RetentionPolicy(1, "verhaal op derden")) == 11


def test_a_bureau_may_not_shorten_the_term_nor_lengthen_without_a_reason() -> None:
    with pytest.raises(DomainError) as shorter:
        RetentionPolicy(-1, "korter")
    assert shorter.value.field == "extra_years"
    with pytest.raises(DomainError) as silent:
        RetentionPolicy(2, "  ")
    assert silent.value.field == "reason"


def test_years_after_keeps_the_calendar_day_and_29_february_becomes_28() -> None:
    assert years_after(date(2019, 3, 3), 2) == date(2021, 3, 3)
    assert years_after(date(2020, 2, 29), 2) == date(2022, 2, 28)
    assert years_after(date(2020, 2, 29), 4) == date(2024, 2, 29)


def test_the_term_runs_through_its_last_day_and_ends_the_day_after() -> None:
    case = recovered(date(2019, 3, 4))  # ended 2019-03-03
    last = retention(case.facts, PLAIN, date(2021, 3, 3))
    assert last.kept_until == date(2021, 3, 3)
    assert not last.due
    assert last.refusals == [
        "its retention term runs until 2021-03-03 (2 years after the case ended on 2019-03-03)"
    ]
    assert retention(case.facts, PLAIN, date(2021, 3, 4)).due


def test_the_regime_lengthens_the_term() -> None:
    case = recovered(date(2019, 3, 4))
    assert not retention(case.facts, ZW, date(2024, 3, 3)).due
    assert retention(case.facts, ZW, date(2024, 3, 4)).due
    assert not retention(case.facts, WGA, date(2029, 3, 3)).due
    assert retention(case.facts, WGA, date(2029, 3, 4)).due


def test_an_open_case_is_never_due() -> None:
    judged = retention(open_case().facts, PLAIN, date(2040, 1, 1))
    assert judged.kept_until is None and not judged.due
    assert judged.refusals == ["the case is still open: its retention term starts when it ends"]


# --- legal hold and erasure ---------------------------------------------------------------


def test_a_legal_hold_blocks_erasure_until_lifted() -> None:
    case = closed()
    place_legal_hold(case, by=ADMIN, reason="Procedure bij de kantonrechter")
    judged = retention(case.facts, PLAIN, date(2030, 1, 1))
    assert not judged.due
    assert judged.refusals[0].startswith("a legal hold is set since")
    assert "Procedure bij de kantonrechter" in judged.refusals[0]
    with pytest.raises(DomainError, match="legal hold is set"):
        erase(case, by=ADMIN, reason="verzoek", judged=judged)
    lift_legal_hold(case, by=ADMIN, reason="Procedure afgerond")
    assert retention(case.facts, PLAIN, date(2030, 1, 1)).due


def test_a_hold_is_placed_and_lifted_on_a_closed_case_once_each() -> None:
    case = closed()
    place_legal_hold(case, by=ADMIN, reason="Geschil")
    with pytest.raises(DomainError, match="already set"):
        place_legal_hold(case, by=ADMIN, reason="Nog een")
    lift_legal_hold(case, by=ADMIN)
    with pytest.raises(DomainError, match="no legal hold is set"):
        lift_legal_hold(case, by=ADMIN)
    assert [f.type for f in case.facts[-2:]] == ["legal_hold", "legal_hold_opgeheven"]


def test_an_erasure_is_refused_while_the_term_runs() -> None:
    case = closed(date(2019, 3, 4))
    with pytest.raises(DomainError) as refused:
        erase(
            case, by=ADMIN, reason="verzoek", judged=retention(case.facts, PLAIN, date(2020, 1, 1))
        )
    assert "retention term runs until 2021-03-03" in refused.value.message
    assert case.facts[-1].type == "afsluiting"


def test_the_erasure_records_who_when_why_and_the_term_never_the_data() -> None:
    case = closed(date(2019, 3, 4))
    judged = retention(case.facts, PLAIN, date(2022, 1, 1))
    erase(case, by=ADMIN, reason="Bewaartermijn verstreken", judged=judged)
    event = case.pending_events[-1]
    assert type(event).__name__ == "Wissing"
    assert (event.actor, event.role) == ("key-admin", "admin")
    assert event.data == {
        "reason": "Bewaartermijn verstreken",
        "ended_on": "2019-03-03",
        "kept_until": "2021-03-03",
        "term_years": 2,
    }
    assert "Fictief" not in repr(event.data) and "P-9" not in repr(event.data)
    assert event.prev_hash == case.pending_events[-2].hash


def test_an_erased_case_is_not_erased_or_held_again() -> None:
    case = closed()
    erase(case, by=ADMIN, reason="termijn", judged=retention(case.facts, PLAIN, date(2022, 1, 1)))
    again = retention(case.facts, PLAIN, date(2022, 1, 1))
    assert not again.due and again.erased is not None
    with pytest.raises(DomainError, match="was erased on"):
        erase(case, by=ADMIN, reason="nogmaals", judged=again)
    with pytest.raises(DomainError, match="was erased on"):
        place_legal_hold(case, by=ADMIN, reason="te laat")


def test_a_closed_case_still_refuses_ordinary_steps_after_a_hold() -> None:
    case = closed()
    place_legal_hold(case, by=ADMIN, reason="Geschil")
    with pytest.raises(DomainError, match="closed"):
        case.notitie(on=date(2019, 3, 4), by=CASEMANAGER, kind="gesprek", text="t")


def test_the_bureaus_lengthening_in_force_is_the_latest_at_the_instant() -> None:
    from domain.policy import Policy, TenantPolicy

    policy = TenantPolicy.set(Policy(), "key-admin", "admin")
    assert policy.retention_at() == RetentionPolicy()
    policy.change_retention(RetentionPolicy(3, "procedures"), "key-admin", "admin")
    first = policy.retention_history[-1].timestamp
    policy.change_retention(RetentionPolicy(0), "key-admin", "admin")
    assert policy.retention_at(first) == RetentionPolicy(3, "procedures")
    assert policy.retention_at() == RetentionPolicy(0)
    assert policy.at() == Policy()  # the thresholds are untouched


def test_a_hold_is_never_corrected() -> None:
    case = recovered()
    place_legal_hold(case, by=ADMIN, reason="Geschil")
    hold = case.facts[-1]
    with pytest.raises(DomainError, match="never corrected"):
        case.correctie(
            on=date(2019, 3, 4),
            by=ADMIN,
            event_id=hold.event_id,
            reason="anders",
            replacement={"reason": "Iets anders"},
        )
    assert case.facts[-1] is hold
