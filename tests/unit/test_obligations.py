"""The Poortwachter obligations, worked out with dates (each with its legal source).

Most cases start on Monday 2025-01-06, so week *n* ends on the Sunday
2025-01-06 + 7n - 1: week 1 on 2025-01-12, week 6 on 2025-02-16, week 8 on
2025-03-02, week 42 on 2025-10-26, week 52 on 2026-01-04, week 58 on
2026-02-15, week 91 on 2026-10-04, week 93 on 2026-10-18, week 104 on
2027-01-03.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from domain.access import Actor
from domain.assessment import assess, risk_outlook
from domain.case import Case
from domain.errors import DomainError
from domain.facts import LEGAL_TIMEZONE, Fact
from domain.obligations import Obligation, schedule
from domain.policy import Policy

D = date.fromisoformat
MONDAY = D("2025-01-06")


class History:
    """A case's facts written by hand: what happened when, and when it was recorded."""

    def __init__(self, first_sick_day: date = MONDAY) -> None:
        self.facts: list[Fact] = []
        self.add(
            "ziekmelding",
            first_sick_day,
            first_sick_day=first_sick_day.isoformat(),
            reported_on=first_sick_day.isoformat(),
            employer_id="employer-1",
            employee={"name": "Fictief Persoon"},
        )

    def add(
        self, kind: str, on: str | date, /, recorded: str | None = None, **data: Any
    ) -> History:
        occurred = D(on) if isinstance(on, str) else on
        recorded_on = D(recorded) if recorded else occurred
        version = len(self.facts) + 1
        self.facts.append(
            Fact(
                event_id=f"e{version}",
                type=kind,
                version=version,
                occurred_on=occurred,
                recorded_at=datetime.combine(recorded_on, time(12), LEGAL_TIMEZONE),
                actor="key-1",
                role="casemanager",
                data=data,
            )
        )
        return self

    def on(self, today: str, policy: Policy | None = None) -> list[Obligation]:
        return assess(self.facts, D(today), policy).obligations

    def obligation(self, code: str, today: str, occurrence: int | None = None) -> Obligation:
        found = [o for o in self.on(today) if o.code == code and o.occurrence == occurrence]
        assert len(found) == 1, f"{code} {occurrence}: {found}"
        return found[0]

    def risk(self, today: str, policy: Policy | None = None) -> tuple[str, list[str]]:
        risk = assess(self.facts, D(today), policy).risk
        return risk.level, risk.reasons


def opened_on_monday() -> tuple[Case, Actor]:
    """A real Case aggregate, for rules that go through its verbs (relapse, correctie)."""
    by = Actor("key-1", "casemanager")
    case = Case.open_with_ziekmelding(
        by=by,
        employer_id="employer-1",
        employee={"name": "Fictief Persoon"},
        first_sick_day=MONDAY,
        reported_on=MONDAY,
    )
    return case, by


def fully_prepared() -> History:
    """A case where every step was taken on time, up to the WIA application."""
    return (
        History()
        .add("melding_arbodienst", "2025-01-08", arbodienst="Arbo Fictief")
        .add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. Fictief")
        .add("plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[])
        .add("ziekmelding_uwv", "2025-10-20")
        .add("arbeidsdeskundig_onderzoek", "2025-11-20", advice="spoor_2")
        .add("eerstejaarsevaluatie", "2025-12-01", conclusion="c", spoor_2_needed=True)
        .add("spoor_2_start", "2025-12-20", provider="Bureau Fictief", coach="K. Coach")
        .add("actueel_oordeel", "2026-09-01")
        .add("eindevaluatie", "2026-09-02", employee_opinion="eens")
        .add("reintegratieverslag", "2026-09-10", copy_to_employee_on="2026-09-10")
        .add("wia_aanvraag", "2026-09-15")
    )


# --- due dates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "due_on"),
    [
        ("melding_arbodienst", "2025-01-12"),  # end of week 1
        ("probleemanalyse", "2025-02-16"),  # end of week 6, a Sunday: stays a Sunday
        ("plan_van_aanpak", "2025-03-02"),  # end of week 8 while no probleemanalyse
        ("ziekmelding_uwv", "2025-10-27"),  # week 42 ends on Sunday: the Monday after
        ("eerstejaarsevaluatie", "2026-01-04"),  # end of week 52
        ("spoor_2", "2026-02-15"),  # end of week 58 with no eerstejaarsevaluatie
        ("actueel_oordeel", "2026-10-04"),  # end of week 91
        ("eindevaluatie", "2026-10-04"),
        ("reintegratieverslag", "2026-10-04"),
        ("wia_aanvraag", "2026-10-18"),  # end of week 93
        ("einde_wachttijd", "2027-01-03"),  # end of week 104
    ],
)
def test_due_dates_count_poortwachter_weeks_from_day_1(code: str, due_on: str) -> None:
    assert History().obligation(code, "2025-01-07").due_on == D(due_on)


@pytest.mark.parametrize(
    ("first_sick_day", "week_42_ends", "report_due", "why"),
    [
        ("2025-01-06", "2025-10-26", "2025-10-27", "Sunday: the Monday after"),
        ("2025-06-16", "2026-04-05", "2026-04-07", "Easter Sunday, then Easter Monday"),
        ("2025-06-13", "2026-04-02", "2026-04-03", "Goede Vrijdag is a working day (ATW)"),
        ("2025-07-07", "2026-04-26", "2026-04-28", "Sunday before Koningsdag"),
        ("2025-07-15", "2026-05-04", "2026-05-06", "Bevrijdingsdag, every year (ATW)"),
        ("2025-09-10", "2026-06-30", "2026-07-01", "a Tuesday: the next day"),
        ("2025-03-06", "2025-12-24", "2025-12-29", "both Christmas days and a weekend"),
    ],
)
def test_the_42nd_week_report_is_due_on_the_first_working_day_after_week_42(
    first_sick_day: str, week_42_ends: str, report_due: str, why: str
) -> None:
    history = History(D(first_sick_day))
    assert D(first_sick_day) + timedelta(days=7 * 42 - 1) == D(week_42_ends)
    assert history.obligation("ziekmelding_uwv", first_sick_day).due_on == D(report_due), why


def test_the_plan_van_aanpak_is_due_14_days_after_the_probleemanalyse() -> None:
    early = History().add("probleemanalyse", "2025-01-20", bedrijfsarts="Dr. F")
    late = History().add("probleemanalyse", "2025-03-10", bedrijfsarts="Dr. F")
    assert early.obligation("plan_van_aanpak", "2025-01-21").due_on == D("2025-02-03")
    assert late.obligation("plan_van_aanpak", "2025-03-11").due_on == D("2025-03-24")


def test_recovery_gaps_move_every_later_deadline_samentelregel() -> None:
    # Sick days 1-14 are 2025-01-06..19; recovered 2025-01-20; relapse 27 days later.
    history = (
        History()
        .add("herstelmelding", "2025-01-20", percentage=100)
        .add("ziekmelding", "2025-02-16", first_sick_day="2025-02-16")
    )
    assert history.obligation("probleemanalyse", "2025-02-17").due_on == D("2025-03-15")
    assert history.obligation("einde_wachttijd", "2025-02-17").due_on == D("2027-01-30")
    moved = {o.code: o.due_on for o in history.on("2025-02-17")}
    plain = {o.code: o.due_on for o in History().on("2025-02-17")}
    assert moved["melding_arbodienst"] == plain["melding_arbodienst"]  # day 7: before the gap
    for code in set(plain) - {"melding_arbodienst", "ziekmelding_uwv"}:
        assert (moved[code] - plain[code]).days == 27, code
    assert moved["ziekmelding_uwv"] == D("2025-11-24")  # week 42 ends on Saturday 2025-11-22


def test_a_relapse_28_days_after_recovery_cannot_continue_the_case() -> None:
    case, by = opened_on_monday()
    case.herstelmelding(on=D("2025-01-20"), by=by, percentage=100)
    with pytest.raises(DomainError):
        case.ziekmelding(on=D("2025-02-17"), by=by, first_sick_day=D("2025-02-17"))
    case.ziekmelding(on=D("2025-02-16"), by=by, first_sick_day=D("2025-02-16"))
    assert assess(case.facts, D("2025-02-17")).obligations[1].due_on == D("2025-03-15")


def test_a_verlenging_moves_the_riv_and_wia_deadlines_and_einde_wachttijd() -> None:
    history = History().add("verlenging_loondoorbetaling", "2026-08-01", weeks=13)
    assert history.obligation("reintegratieverslag", "2026-08-02").due_on == D("2027-01-03")
    assert history.obligation("actueel_oordeel", "2026-08-02").due_on == D("2027-01-03")
    assert history.obligation("eindevaluatie", "2026-08-02").due_on == D("2027-01-03")
    assert history.obligation("wia_aanvraag", "2026-08-02").due_on == D("2027-01-17")
    assert history.obligation("einde_wachttijd", "2026-08-02").due_on == D("2027-04-04")


def test_a_loonsanctie_moves_einde_wachttijd_but_not_the_riv() -> None:
    history = History().add("loonsanctie", "2026-11-01", weeks=13, reasons=["geen spoor 2"])
    assert history.obligation("reintegratieverslag", "2026-11-02").due_on == D("2026-10-04")
    assert history.obligation("einde_wachttijd", "2026-11-02").due_on == D("2027-04-04")


# --- statuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("met_on", "today", "status"),
    [
        (None, "2025-02-16", "open"),  # on the due date itself: still open
        (None, "2025-02-17", "overdue"),  # the day after
        ("2025-02-16", "2025-02-20", "met"),  # on the due date
        ("2025-02-17", "2025-02-20", "met_late"),  # a day late
    ],
)
def test_status_of_the_probleemanalyse_around_its_due_date(
    met_on: str | None, today: str, status: str
) -> None:
    history = History()
    if met_on:
        history.add("probleemanalyse", met_on, bedrijfsarts="Dr. F")
    found = history.obligation("probleemanalyse", today)
    assert found.status == status
    assert found.met_on == (D(met_on) if met_on else None)
    assert found.event_ids == (("e2",) if met_on else ())


def test_a_met_obligation_names_the_proving_event_and_when_it_was_recorded() -> None:
    history = History().add("probleemanalyse", "2025-02-10", "2025-02-11", bedrijfsarts="Dr. F")
    found = history.obligation("probleemanalyse", "2025-03-01")
    assert (found.status, found.met_on, found.event_ids) == ("met", D("2025-02-10"), ("e2",))
    assert found.recorded_at == datetime.combine(D("2025-02-11"), time(12), LEGAL_TIMEZONE)
    assert not found.recorded_late


@pytest.mark.parametrize(
    ("recorded", "policy", "late"),
    [
        ("2025-02-24", Policy(), False),  # 14 days after: not late
        ("2025-02-25", Policy(), True),  # 15 days after
        ("2025-02-18", Policy(recorded_late_days=7), True),  # a bureau's stricter setting
    ],
)
def test_an_action_recorded_more_than_14_days_after_it_happened_is_recorded_late(
    recorded: str, policy: Policy, late: bool
) -> None:
    history = (
        History()
        .add("melding_arbodienst", "2025-01-08", arbodienst="Arbo Fictief")
        .add("probleemanalyse", "2025-02-10", recorded, bedrijfsarts="Dr. F")
        .add("plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[])
    )
    found = next(o for o in history.on("2025-03-01", policy) if o.code == "probleemanalyse")
    assert found.status == "met" and found.recorded_late is late
    assert history.risk("2025-03-01", policy)[0] == ("medium" if late else "low")


def test_a_bureau_may_tighten_the_thresholds_never_loosen_them() -> None:
    with pytest.raises(DomainError):
        Policy(recorded_late_days=15)
    with pytest.raises(DomainError):
        Policy(melding_arbodienst_days=8)
    assert History().on("2025-01-07", Policy(melding_arbodienst_days=3))[0].due_on == D(
        "2025-01-08"
    )


def test_an_early_eerstejaarsevaluatie_counts_as_met_and_is_flagged_early() -> None:
    week_45 = History().add("eerstejaarsevaluatie", "2025-11-16", conclusion="c", spoor_2_needed=1)
    week_46 = History().add("eerstejaarsevaluatie", "2025-11-17", conclusion="c", spoor_2_needed=1)
    early = week_45.obligation("eerstejaarsevaluatie", "2025-12-01")
    on_time = week_46.obligation("eerstejaarsevaluatie", "2025-12-01")
    assert (early.status, early.early) == ("met", True)
    assert (on_time.status, on_time.early) == ("met", False)


@pytest.mark.parametrize(
    ("steps", "due_on", "status"),
    [
        # 6 weeks after the eerstejaarsevaluatie
        ([("eerstejaarsevaluatie", "2025-11-20", {"spoor_2_needed": True})], "2026-01-01", "open"),
        # an arbeidsdeskundig advice for spoor 2 earlier still
        (
            [
                ("arbeidsdeskundig_onderzoek", "2025-09-01", {"advice": "spoor_2"}),
                ("eerstejaarsevaluatie", "2025-11-20", {"spoor_2_needed": True}),
            ],
            "2025-10-13",
            "overdue",
        ),
        # an advice for other work does not count
        (
            [("arbeidsdeskundig_onderzoek", "2025-09-01", {"advice": "aangepast_werk"})],
            "2026-02-15",
            "open",
        ),
        # a late eerstejaarsevaluatie: week 58 at the latest
        ([("eerstejaarsevaluatie", "2026-02-01", {"spoor_2_needed": True})], "2026-02-15", "open"),
        # a tenzij ground waives it
        (
            [
                (
                    "eerstejaarsevaluatie",
                    "2025-11-20",
                    {"spoor_2_needed": False, "tenzij_ground": "no_capacity"},
                )
            ],
            "2026-01-01",
            "waived",
        ),
    ],
)
def test_spoor_2_is_due_6_weeks_after_the_eerstejaarsevaluatie_at_the_latest_in_week_58(
    steps: list[tuple[str, str, dict[str, Any]]], due_on: str, status: str
) -> None:
    history = History()
    for kind, on, data in steps:
        history.add(kind, on, conclusion="c", **data) if kind == "eerstejaarsevaluatie" else (
            history.add(kind, on, **data)
        )
    found = history.obligation("spoor_2", "2025-12-01")
    assert (found.due_on, found.status) == (D(due_on), status)
    if status == "waived":
        assert found.ground == "no_capacity" and found.event_ids == ("e2",)


def test_a_plan_van_aanpak_is_waived_when_full_recovery_is_expected_within_13_weeks() -> None:
    history = History().add(
        "probleemanalyse",
        "2025-02-01",
        bedrijfsarts="Dr. F",
        full_recovery_expected_within_13_weeks=True,
    )
    found = history.obligation("plan_van_aanpak", "2025-04-01")
    assert (found.status, found.ground, found.event_ids) == (
        "waived",
        "herstel_binnen_13_weken",
        ("e2",),
    )
    assert not [o for o in history.on("2025-06-01") if o.code == "evaluatie"]


@pytest.mark.parametrize(
    ("recovered_on", "today", "status", "due_on"),
    [
        (None, "2025-04-06", "waived", "2025-04-20"),  # week 13: waived, due if still sick
        (None, "2025-04-07", "open", "2025-04-20"),  # still sick after week 13: due after all
        (None, "2025-04-21", "overdue", "2025-04-20"),
        ("2025-03-20", "2025-06-01", "waived", "2025-02-15"),  # recovered in week 11: came true
    ],
)
def test_a_prognosis_of_recovery_within_13_weeks_waives_the_plan_only_if_it_comes_true(
    recovered_on: str | None, today: str, status: str, due_on: str
) -> None:
    history = History().add(
        "probleemanalyse",
        "2025-02-01",
        bedrijfsarts="Dr. F",
        full_recovery_expected_within_13_weeks=True,
    )
    if recovered_on:
        history.add("herstelmelding", recovered_on, percentage=100)
    found = history.obligation("plan_van_aanpak", today)
    assert (found.status, found.due_on) == (status, D(due_on))
    assert found.event_ids == (("e2",) if status == "waived" else ())
    pending = schedule(history.facts).pending(until=D("2025-12-31"))
    listed = [o.listed_from for o in pending if o.code == "plan_van_aanpak"]
    assert listed == ([] if recovered_on else [D("2025-04-06")])  # on the worklist after week 13


def test_full_recovery_makes_later_obligations_not_applicable() -> None:
    history = (
        History()
        .add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. F")
        .add("herstelmelding", "2025-02-20", percentage=100)
    )
    by_code = {o.code: o.status for o in history.on("2025-06-01")}
    assert by_code["melding_arbodienst"] == "overdue"  # due while the case still ran
    assert by_code["probleemanalyse"] == "met"
    assert by_code["plan_van_aanpak"] == "not_applicable"  # due 2025-02-24, recovered before
    assert by_code["einde_wachttijd"] == "not_applicable"
    assert "evaluatie" not in by_code


def test_partial_recovery_does_not_stop_the_clock() -> None:
    history = History().add("herstelmelding", "2025-01-20", percentage=50)
    assert history.obligation("probleemanalyse", "2025-03-01").status == "overdue"


def test_afsluiting_makes_obligations_due_after_the_closing_day_not_applicable() -> None:
    history = History().add("afsluiting", "2025-02-16", reason="uit_dienst")
    by_code = {o.code: o.status for o in history.on("2025-06-01")}
    assert by_code["probleemanalyse"] == "overdue"  # due on the closing day itself
    assert by_code["plan_van_aanpak"] == "not_applicable"


def test_a_correction_of_a_date_changes_the_obligations() -> None:
    case, by = opened_on_monday()
    case.probleemanalyse(on=D("2025-03-01"), by=by, bedrijfsarts="Dr. F")
    before = assess(case.facts, D("2025-03-05")).obligations
    assert [o.status for o in before if o.code == "probleemanalyse"] == ["met_late"]
    case.correctie(
        on=D("2025-03-05"),
        by=by,
        event_id=case.facts[1].event_id,
        reason="typefout in de datum",
        replacement={"occurred_on": D("2025-02-10")},
    )
    after = {o.code: o for o in assess(case.facts, D("2025-03-05")).obligations}
    assert (after["probleemanalyse"].status, after["probleemanalyse"].met_on) == (
        "met",
        D("2025-02-10"),
    )
    assert after["plan_van_aanpak"].due_on == D("2025-02-24")


# --- evaluations -------------------------------------------------------------------


def planned() -> History:
    """Everything on time up to a plan van aanpak on 2025-02-20."""
    return (
        History()
        .add("melding_arbodienst", "2025-01-08", arbodienst="Arbo Fictief")
        .add("probleemanalyse", "2025-02-10", bedrijfsarts="Dr. F")
        .add("plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[])
    )


def evaluations(history: History, today: str) -> list[tuple[int | None, str, str, str | None]]:
    return [
        (o.occurrence, str(o.due_on), o.status, str(o.met_on) if o.met_on else None)
        for o in history.on(today)
        if o.code == "evaluatie"
    ]


def test_the_first_evaluation_is_due_42_days_after_the_plan() -> None:
    assert evaluations(planned(), "2025-03-01") == [(1, "2025-04-03", "open", None)]


def test_an_evaluation_on_time_sets_the_next_42_days_after_it() -> None:
    history = planned().add("evaluatie", "2025-03-30", participants=[], summary="s")
    assert evaluations(history, "2025-04-01") == [
        (1, "2025-04-03", "met", "2025-03-30"),
        (2, "2025-05-11", "open", None),
    ]


def test_a_bijstelling_meets_an_evaluation_too() -> None:
    history = planned().add("bijstelling", "2025-04-01", reason="r", changes="c")
    assert evaluations(history, "2025-04-02")[0] == (1, "2025-04-03", "met", "2025-04-01")


def test_a_slightly_late_evaluation_is_late_not_missed() -> None:
    history = planned().add("evaluatie", "2025-04-10", participants=[], summary="s")
    assert evaluations(history, "2025-04-11") == [
        (1, "2025-04-03", "met_late", "2025-04-10"),
        (2, "2025-05-22", "open", None),
    ]
    assert history.risk("2025-04-11")[0] == "low"


def test_an_overdue_evaluation_whose_window_is_still_open_shows_the_next_as_open() -> None:
    assert evaluations(planned(), "2025-04-04") == [
        (1, "2025-04-03", "overdue", None),
        (2, "2025-05-15", "open", None),
    ]
    assert planned().risk("2025-04-04")[0] == "medium"


def test_a_case_neglected_for_half_a_year_shows_every_missed_window() -> None:
    assert evaluations(planned(), "2025-08-20") == [
        (1, "2025-04-03", "overdue", None),
        (2, "2025-05-15", "overdue", None),
        (3, "2025-06-26", "overdue", None),
        (4, "2025-08-07", "overdue", None),
        (5, "2025-09-18", "open", None),
    ]
    level, reasons = planned().risk("2025-08-20")
    assert level == "high"
    assert "4 evaluaties gemist (uiterlijk 2025-04-03, 2025-05-15, 2025-06-26 en 2025-08-07)." in (
        reasons
    )


def test_an_action_after_a_window_closed_meets_the_window_it_falls_in() -> None:
    # Occurrence 1 due 2025-04-03, closed 2025-05-15 with no action; occurrence 2
    # (due 2025-05-15) is met late by the evaluation of 2025-05-20.
    history = planned().add("evaluatie", "2025-05-20", participants=[], summary="s")
    assert evaluations(history, "2025-05-21") == [
        (1, "2025-04-03", "overdue", None),
        (2, "2025-05-15", "met_late", "2025-05-20"),
        (3, "2025-07-01", "open", None),
    ]


def test_evaluations_stop_when_the_case_ends() -> None:
    history = planned().add("afsluiting", "2025-05-01", reason="uit_dienst")
    assert evaluations(history, "2025-12-01") == [(1, "2025-04-03", "overdue", None)]


def test_evaluations_need_a_plan_van_aanpak_first() -> None:
    assert evaluations(History(), "2025-06-01") == []


# --- risk ---------------------------------------------------------------------------


def test_a_case_with_every_step_on_time_is_low_risk() -> None:
    history = fully_prepared()
    for day in range(0, 588, 42):
        history.add(
            "evaluatie", D("2025-03-20") + timedelta(days=day), participants=[], summary="s"
        )
    level, reasons = history.risk("2026-09-20")
    assert (level, reasons) == ("low", [])
    statuses = {o.status for o in history.on("2026-09-20") if o.code != "einde_wachttijd"}
    assert statuses <= {"met", "open"}


def test_a_late_plan_van_aanpak_is_high_risk_with_a_reason_in_plain_dutch() -> None:
    history = (
        History()
        .add("probleemanalyse", "2025-02-15", bedrijfsarts="Dr. F")
        .add("plan_van_aanpak", "2025-03-17", casemanager="J. Smit", goal="g", agreements=[])
    )
    assert history.risk("2025-03-18") == (
        "high",
        [
            "Plan van aanpak 16 dagen te laat opgesteld "
            "(uiterlijk 2025-03-01, opgesteld 2025-03-17)."
        ],
    )


def test_an_overdue_core_step_is_high_risk() -> None:
    level, reasons = History().risk("2025-02-17")
    assert level == "high"
    assert "Probleemanalyse niet tijdig opgesteld: uiterlijk 2025-02-16, nog niet opgesteld." in (
        reasons
    )


def test_a_late_42nd_week_report_is_flagged_but_is_no_loonsanctie_risk() -> None:
    history = fully_prepared()
    history.facts = [f for f in history.facts if f.type != "ziekmelding_uwv"]
    for day in range(0, 280, 42):
        history.add(
            "evaluatie", D("2025-03-20") + timedelta(days=day), participants=[], summary="s"
        )
    level, reasons = history.risk("2025-10-28")
    assert level == "low"
    assert reasons == [
        "Ziekmelding bij UWV niet tijdig gedaan: uiterlijk 2025-10-27, nog niet gedaan. "
        "Dit levert een boete op, geen loonsanctie."
    ]


def test_an_action_recorded_late_is_medium_risk_and_says_so() -> None:
    history = History().add("melding_arbodienst", "2025-01-08", "2025-01-30", arbodienst="A")
    assert history.risk("2025-01-31") == (
        "medium",
        [
            "Melding bij de arbodienst pas 22 dagen na dato vastgelegd (gebeurd 2025-01-08, "
            "vastgelegd 2025-01-30); UWV weegt later vastgelegd bewijs lichter."
        ],
    )


def test_the_risk_outlook_says_from_which_day_the_risk_rises_without_new_events() -> None:
    history = planned()
    outlook = risk_outlook(history.facts)
    # Evaluation 1 due 2025-04-03: one missed on the 4th, two missed after 2025-05-15.
    assert (outlook.medium_from, outlook.high_from) == (D("2025-04-04"), D("2025-05-16"))
    for day in ("2025-03-01", "2025-04-03", "2025-04-04", "2025-05-15", "2025-05-16", "2026-01-01"):
        assert outlook.level_on(D(day)) == history.risk(day)[0], day


# --- what the schedule leaves for the worklist --------------------------------------------


def test_pending_obligations_carry_when_later_evaluations_become_visible() -> None:
    plan = schedule(planned().facts)
    pending = plan.pending(until=D("2025-06-30"))
    chain = [(o.occurrence, o.due_on, o.listed_from) for o in pending if o.code == "evaluatie"]
    assert chain == [
        (1, D("2025-04-03"), None),
        (2, D("2025-05-15"), D("2025-04-03")),
        (3, D("2025-06-26"), D("2025-05-15")),
    ]
    assert {o.code for o in pending} >= {"ziekmelding_uwv", "eerstejaarsevaluatie"}
    assert not {"probleemanalyse", "plan_van_aanpak"} & {o.code for o in pending}  # met


# --- the reintegration result (65 % rule) ------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], (None, False, None)),
        ([("werkhervatting", "2025-05-01", 50)], (50.0, False, None)),
        ([("werkhervatting", "2025-05-01", 65)], (65.0, True, "2025-05-01")),
        (
            [("werkhervatting", "2025-05-01", 70), ("plaatsing", "2025-08-01", 80)],
            (80.0, True, "2025-05-01"),
        ),
        (
            [("werkhervatting", "2025-05-01", 70), ("werkhervatting", "2025-06-01", 40)],
            (40.0, False, None),
        ),
        (
            [("werkhervatting", "2025-05-01", 40), ("plaatsing", "2025-09-01", 66)],
            (66.0, True, "2025-09-01"),
        ),
    ],
)
def test_the_result_reaches_65_percent_wage_value_since_the_first_of_an_unbroken_run(
    steps: list[tuple[str, str, float]], expected: tuple[float | None, bool, str | None]
) -> None:
    history = History()
    for kind, on, percentage in steps:
        history.add(kind, on, wage_value_percentage=percentage, hours_per_week=20)
    result = assess(history.facts, D("2025-10-01")).reintegration
    since = expected[2] and D(expected[2])
    assert (result.wage_value_percentage, result.reaches_threshold, result.since) == (
        expected[0],
        expected[1],
        since,
    )


def test_every_obligation_code_of_the_rules_is_judged() -> None:
    codes = {o.code for o in planned().on("2025-05-01")}
    assert codes == {
        "arbeidsdeskundig_onderzoek",
        "contact",
        "melding_arbodienst",
        "probleemanalyse",
        "plan_van_aanpak",
        "evaluatie",
        "ziekmelding_uwv",
        "eerstejaarsevaluatie",
        "spoor_2",
        "actueel_oordeel",
        "eindevaluatie",
        "reintegratieverslag",
        "wia_aanvraag",
        "einde_wachttijd",
    }
