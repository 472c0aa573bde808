"""The rules a case enforces before anything is recorded (issue 2, domain rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.access import Actor
from domain.case import Case
from domain.errors import DomainError
from domain.hashchain import GENESIS_HASH

CASEMANAGER = Actor("key-1", "casemanager")
TODAY = date.today()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def open_case(sick_days_ago: int = 100) -> Case:
    return Case.open_with_ziekmelding(
        by=CASEMANAGER,
        employer_id="employer-1",
        employee={"name": "Fictief Persoon"},
        first_sick_day=ago(sick_days_ago),
        reported_on=ago(sick_days_ago),
    )


def rejected(action, field: str | None = None) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        action()
    if field is not None:
        assert caught.value.field == field
    return caught.value


def test_a_step_before_the_first_sick_day_is_rejected() -> None:
    case = open_case(100)
    rejected(lambda: case.ziekmelding_uwv(on=ago(101), by=CASEMANAGER), "occurred_on")
    assert case.version == 1 and not case.pending_events[1:]


def test_a_step_on_the_first_sick_day_is_accepted() -> None:
    case = open_case(100)
    case.melding_arbodienst(on=ago(100), by=CASEMANAGER, arbodienst="Arbo")
    assert case.version == 2


def test_a_step_in_the_future_is_rejected() -> None:
    case = open_case()
    rejected(
        lambda: case.evaluatie(
            on=TODAY + timedelta(days=1), by=CASEMANAGER, participants=[], summary="s"
        ),
        "occurred_on",
    )


def test_a_case_cannot_open_in_the_future_or_be_reported_before_it_began() -> None:
    with pytest.raises(DomainError):
        Case.open_with_ziekmelding(
            by=CASEMANAGER,
            employer_id="e",
            employee={"name": "X"},
            first_sick_day=TODAY + timedelta(days=1),
            reported_on=TODAY + timedelta(days=1),
        )
    with pytest.raises(DomainError):
        Case.open_with_ziekmelding(
            by=CASEMANAGER,
            employer_id="e",
            employee={"name": "X"},
            first_sick_day=ago(3),
            reported_on=ago(4),
        )


def test_no_step_is_recorded_on_a_closed_case() -> None:
    case = open_case()
    case.afsluiting(on=ago(1), by=CASEMANAGER, reason="uit_dienst")
    assert case.status == "closed"
    for step in (
        lambda: case.notitie(on=TODAY, by=CASEMANAGER, kind="contact", text="t"),
        lambda: case.herstelmelding(on=TODAY, by=CASEMANAGER, percentage=100),
        lambda: case.afsluiting(on=TODAY, by=CASEMANAGER, reason="overig"),
    ):
        rejected(step)
    assert case.version == 2


def recovered_case(recovered_days_ago: int) -> Case:
    case = open_case(100)
    case.herstelmelding(on=ago(recovered_days_ago), by=CASEMANAGER, percentage=100)
    return case


def test_a_relapse_27_days_after_recovery_continues_the_case_and_the_gap_does_not_count() -> None:
    case = recovered_case(30)
    case.ziekmelding(on=ago(3), by=CASEMANAGER, first_sick_day=ago(3))  # gap: 27 days
    assert case.status == "open"
    assert case.sick_days(TODAY) == 100 - 30 + 4  # 70 days before recovery, 4 since the relapse


def test_a_relapse_28_days_after_recovery_is_rejected_samentelregel() -> None:
    case = recovered_case(30)
    error = rejected(
        lambda: case.ziekmelding(on=ago(2), by=CASEMANAGER, first_sick_day=ago(2)), "first_sick_day"
    )
    assert "28" in error.message and "7:629" in error.message


def test_a_relapse_needs_a_full_recovery_first() -> None:
    case = open_case()
    rejected(
        lambda: case.ziekmelding(on=TODAY, by=CASEMANAGER, first_sick_day=TODAY), "first_sick_day"
    )
    case.herstelmelding(on=ago(5), by=CASEMANAGER, percentage=50)
    assert case.status == "open"  # partial recovery does not stop the clock
    rejected(lambda: case.ziekmelding(on=TODAY, by=CASEMANAGER, first_sick_day=TODAY))


@pytest.mark.parametrize("percentage", [-1, 100.5, 250])
def test_percentages_outside_0_to_100_are_rejected(percentage: float) -> None:
    case = open_case()
    rejected(
        lambda: case.herstelmelding(on=TODAY, by=CASEMANAGER, percentage=percentage), "percentage"
    )
    rejected(
        lambda: case.werkhervatting(
            on=TODAY,
            by=CASEMANAGER,
            work="eigen",
            hours_per_week=20,
            wage_value_percentage=percentage,
        ),
        "wage_value_percentage",
    )
    rejected(
        lambda: case.plaatsing(
            on=TODAY,
            by=CASEMANAGER,
            track=2,
            employer_name="X",
            position="Y",
            hours_per_week=20,
            wage_value_percentage=percentage,
            permanent=True,
        ),
        "wage_value_percentage",
    )


@pytest.mark.parametrize("percentage", [0, 65, 100])
def test_percentages_from_0_to_100_are_accepted(percentage: float) -> None:
    case = open_case()
    case.werkhervatting(
        on=TODAY,
        by=CASEMANAGER,
        work="aangepast",
        hours_per_week=20,
        wage_value_percentage=percentage,
    )
    assert case.facts[-1].data["wage_value_percentage"] == percentage


@pytest.mark.parametrize("casemanager", [None, "", "   "])
def test_a_plan_van_aanpak_names_a_casemanager(casemanager: str | None) -> None:
    case = open_case()
    rejected(
        lambda: case.plan_van_aanpak(
            on=TODAY, by=CASEMANAGER, casemanager=casemanager, goal="g", agreements=[]
        ),
        "casemanager",
    )


def test_a_correctie_must_name_an_event_of_this_case() -> None:
    case = open_case()
    other = open_case()
    rejected(
        lambda: case.correctie(
            on=TODAY, by=CASEMANAGER, event_id=other.facts[0].event_id, reason="r"
        ),
        "event_id",
    )


def test_a_correctie_keeps_the_original_and_the_view_shows_the_corrected_value() -> None:
    case = open_case()
    case.plan_van_aanpak(
        on=ago(50), by=CASEMANAGER, casemanager="J. Smit", goal="eigen werk", agreements=[]
    )
    plan = case.facts[-1]
    case.correctie(
        on=TODAY,
        by=CASEMANAGER,
        event_id=plan.event_id,
        reason="verkeerde datum",
        replacement={"occurred_on": ago(45), "goal": "aangepast werk"},
    )
    plan = case.facts[1]  # a corrected fact is a new copy in its place (never changed in place)
    assert plan.occurred_on == ago(45) and plan.data["goal"] == "aangepast werk"
    assert plan.corrected_by == [case.facts[-1].event_id]
    assert [f.type for f in case.facts] == ["ziekmelding", "plan_van_aanpak", "correctie"]


def test_a_correctie_cannot_invent_fields() -> None:
    case = open_case()
    case.notitie(on=TODAY, by=CASEMANAGER, kind="contact", text="gebeld")
    rejected(
        lambda: case.correctie(
            on=TODAY,
            by=CASEMANAGER,
            event_id=case.facts[-1].event_id,
            reason="r",
            replacement={"diagnosis": "x"},
        ),
        "replacement",
    )


def test_loonsanctie_and_verlenging_weeks_are_bounded_by_law() -> None:
    case = open_case()
    rejected(lambda: case.loonsanctie(on=TODAY, by=CASEMANAGER, weeks=53, reasons=["x"]), "weeks")
    rejected(lambda: case.verlenging_loondoorbetaling(on=TODAY, by=CASEMANAGER, weeks=0), "weeks")


def test_every_event_carries_actor_role_date_and_a_chained_hash() -> None:
    case = open_case()
    case.probleemanalyse(on=ago(60), by=Actor("key-2", "integration"), bedrijfsarts="Dr. Voorbeeld")
    first, second = case.pending_events
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert (second.actor, second.role, second.occurred_on) == ("key-2", "integration", ago(60))
    assert len({first.hash, second.hash}) == 2


def test_every_step_of_the_contract_is_a_verb_with_its_own_event() -> None:
    from domain.case import _STEP_EVENTS
    from service.http.step_schemas import STEP_SCHEMAS

    names = {c.type_name for c in _STEP_EVENTS}
    # A document is multipart; the retention records have endpoints of their own.
    apart = {"document", "legal_hold", "legal_hold_opgeheven", "wissing"}

    assert {p.replace("-", "_") for p in STEP_SCHEMAS} | apart == names
    for name in names:
        assert callable(getattr(Case, name))


def test_a_copy_of_a_case_is_independent_of_the_original() -> None:
    """The repository hands out copies of cached cases; a command on one must not
    show in another (Case.__deepcopy__)."""
    import copy

    case = open_case()
    case.plan_van_aanpak(on=ago(50), by=CASEMANAGER, casemanager="J. Smit", goal="g", agreements=[])
    cached = copy.deepcopy(case)
    case.correctie(
        on=TODAY,
        by=CASEMANAGER,
        event_id=case.facts[1].event_id,
        reason="andere datum",
        replacement={"occurred_on": ago(45)},
    )
    assert (cached.version, len(cached.facts), cached.facts[1].occurred_on) == (2, 2, ago(50))
    assert cached.facts[1].corrected_by == [] and case.facts[1].corrected_by
    assert cached.facts_by_id[cached.facts[1].event_id] is cached.facts[1]
    assert cached.head_hash != case.head_hash
