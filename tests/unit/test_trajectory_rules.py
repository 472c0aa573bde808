"""Spoorlog's signals on a trajectory, and spoor 3, worked out with dates.

The case starts on Monday 2025-01-06 (see test_obligations); einde wachttijd
is 2027-01-03.
"""

from __future__ import annotations

from typing import Any

import pytest

from domain.assessment import assess
from domain.employer import Regime
from tests.unit.test_obligations import D, History

START = {"track": 2, "provider": "Bureau", "coach": "K. Coach", "plan": {"goal": "Werk"}}


def started(on: str = "2025-06-02", **extra: Any) -> History:
    return History().add("traject_start", on, **{**START, **extra})


def codes(history: History, today: str, code: str) -> list[Any]:
    return [o for o in history.on(today) if o.code == code]


def test_a_progress_report_is_due_every_42_days_while_it_runs() -> None:
    history = started()
    first = codes(history, "2025-06-03", "traject_voortgang")[0]
    assert (first.due_on, first.status) == (D("2025-07-14"), "open")
    history.add("traject_rapportage", "2025-07-10", kind="voortgang", summary="s")
    reports = codes(history, "2025-08-22", "traject_voortgang")
    assert [(o.status, o.due_on) for o in reports] == [
        ("met", D("2025-07-14")),
        ("overdue", D("2025-08-21")),
    ]


def test_a_dated_interruption_moves_the_report() -> None:
    history = started().add("traject_onderbreking", "2025-06-20", reason="r", until="2025-07-03")
    assert codes(history, "2025-06-21", "traject_voortgang")[0].due_on == D("2025-07-28")


@pytest.mark.parametrize(
    ("today", "level"),
    [
        ("2025-07-08", "low"),
        ("2025-07-09", "medium"),
        ("2025-08-06", "medium"),
        ("2025-08-07", "high"),
    ],
)
def test_a_trajectory_without_activity_is_a_spoorlog_signal(today: str, level: str) -> None:
    """Last activity 2025-06-10: medium after 28 days, high after 56."""
    history = started().add("traject_activiteit", "2025-06-10", kind="coachgesprek")
    history.add("traject_rapportage", "2025-07-10", kind="voortgang", summary="s")
    judged = assess(history.facts, D(today))
    idle = [r for r in judged.risk.reasons if r.startswith("Spoorlog-signaal")]
    if level == "low":
        assert not idle
    else:
        assert idle == [
            "Spoorlog-signaal: traject zonder activiteit sinds 2025-06-10; UWV kan een traject "
            "zonder zichtbare inspanning onvoldoende achten."
        ]
    severity = {"low": 0, "medium": 1, "high": 2}
    assert severity[judged.risk.level] >= severity[level]


def test_an_ended_trajectory_expects_nothing_more() -> None:
    history = started().add("traject_einde", "2025-06-20", reason="plaatsing")
    assert not codes(history, "2025-09-01", "traject_activiteit")
    assert not codes(history, "2025-09-01", "traject_voortgang")


def test_contact_with_the_employee_is_expected_every_42_days() -> None:
    history = History().add("notitie", "2025-03-01", kind="contact", text="gebeld")
    found = codes(history, "2025-03-02", "contact")[0]
    assert (found.due_on, found.status) == (D("2025-04-12"), "open")
    assert all("ontact" not in r for r in history.risk("2025-05-01")[1])  # informational


def test_spoor_3_goes_on_after_einde_wachttijd_for_an_eigenrisicodrager_wga() -> None:
    history = History().add(
        "plan_van_aanpak", "2025-02-20", casemanager="J. Smit", goal="g", agreements=[]
    )
    history.add("wia_besluit", "2027-01-10", outcome="wga", percentage=55, **{"from": "2027-01-04"})
    history.add("traject_start", "2027-02-01", **{**START, "track": 3})
    wga = assess(history.facts, D("2027-06-01"), None, Regime(eigenrisicodrager_wga=True))
    later = [o for o in wga.obligations if o.due_on > D("2027-01-03")]
    assert {"evaluatie", "traject_voortgang", "traject_activiteit"} <= {o.code for o in later}
    plain = assess(history.facts, D("2027-06-01"))
    assert not [
        o
        for o in plain.obligations
        if o.due_on > D("2027-01-03")
        and o.code in ("evaluatie", "traject_voortgang")
        and o.status != "not_applicable"
    ]
