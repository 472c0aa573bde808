"""The trail judges an event's timing from the obligations it names alone, and only for the
steps that can prove one (``PROOF_TYPES``): it must read exactly as from the whole list."""

from __future__ import annotations

from datetime import timedelta

from domain.obligations import schedule
from domain.obligations.rules import PROOF_TYPES
from domain.policy import Policy
from tests.unit.test_obligations import D, History


def rich_history() -> History:
    """One case through most of the rules: a waived plan come due, evaluations on time,
    late and missed, advice followed, spoor 2 waived then started, a trajectory, the RIV."""
    return (
        History()
        .add("melding_arbodienst", "2025-01-08", arbodienst="Arbo")
        .add("probleemanalyse", "2025-02-10", full_recovery_expected_within_13_weeks=True)
        .add("notitie", "2025-03-01", kind="contact", text="t")
        .add("plan_van_aanpak", "2025-04-20", "2025-05-20", goal="eigen werk")
        .add("evaluatie", "2025-05-30")
        .add("bijstelling", "2025-08-01", tenzij_ground="prospect_internal_return")
        .add("arbeidsdeskundig_onderzoek", "2025-09-01", advice="spoor_2")
        .add("werkhervatting", "2025-09-15", work="eigen", wage_value_percentage=50)
        .add("probleemanalyse", "2025-10-01")
        .add("ziekmelding_uwv", "2025-10-20")
        .add("eerstejaarsevaluatie", "2025-12-01", tenzij_ground="gbm")
        .add("deskundigenoordeel_aanvraag", "2026-01-10")
        .add("deskundigenoordeel", "2026-02-01", advice="spoor_2")
        .add("spoor_2_start", "2026-02-20")
        .add("traject_start", "2026-02-21", track=2)
        .add("traject_rapportage", "2026-04-01", kind="voortgang")
        .add("notitie", "2026-05-01", kind="gesprek", text="t")
        .add("actueel_oordeel", "2026-08-01")
        .add("eindevaluatie", "2026-08-15", employee_opinion="eens")
        .add("reintegratieverslag", "2026-09-01", copy_to_employee_on="2026-09-02")
        .add("wia_aanvraag", "2026-10-01")
    )


def test_the_proof_of_an_event_is_the_first_of_the_judged_obligations_naming_it() -> None:
    history = rich_history()
    facts = history.facts
    for length in range(1, len(facts) + 1):
        known = facts[:length]
        plan = schedule(known, Policy())
        recorded = known[-1].recorded_on
        for today in (recorded, recorded + timedelta(days=100), D("2027-06-01")):
            listed = plan.on(today)
            for fact in known:
                expected = next((o for o in listed if fact.event_id in o.event_ids), None)
                assert plan.proof_of(fact.event_id, today) == expected


def test_only_the_proof_steps_are_named_by_an_obligation() -> None:
    history = rich_history()
    named = {
        event_id
        for today in ("2025-03-01", "2025-06-01", "2026-03-01", "2027-06-01")
        for o in schedule(history.facts).on(D(today))
        for event_id in o.event_ids
    }
    types = {f.event_id: f.type for f in history.facts}
    assert {types[event_id] for event_id in named} <= PROOF_TYPES
    assert len({types[event_id] for event_id in named}) >= 10  # the history exercises the rules
