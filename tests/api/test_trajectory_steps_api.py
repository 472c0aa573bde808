"""The trajectory steps over HTTP, on both stores: recorded, shown, told, and refused.

Every trajectory step records (201), stands in the case file and speaks its
Dutch sentence in the audit trail; every rule answers 422 naming the field and
stores nothing; a correctie of a trajectory step obeys the same rules.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.payloads import STEP_BODIES, day, step_body
from tests.conftest import Api

STEPS: list[tuple[str, int, tuple[str, ...]]] = [
    (
        "traject-start",
        30,
        (
            f"Spoor-2-traject gestart op {day(30)} (week ",
            ") bij Re-integratie Voorbeeld, coach E. Coach: doel Passend werk als planner bij "
            "een andere werkgever. Zoekrichtingen: Logistieke planning; Administratie; 16 uur "
            "per week.",
        ),
    ),
    (
        "traject-activiteit",
        25,
        (
            f"Trajectactiviteit op {day(25)} (week ",
            "): sollicitatie bij Voorbeeld B.V. als Planner, 2 uur (uitkomst: Uitgenodigd voor "
            "een gesprek).",
        ),
    ),
    (
        "weerstand",
        20,
        (f"Weerstand gesignaleerd op {day(20)} (week ", "): angst voor ontslag; aanpak: Gesprek"),
    ),
    (
        "traject-rapportage",
        15,
        (f"Voortgangsrapportage aan werkgever en werknemer op {day(15)} (week ",),
    ),
    (
        "traject-onderbreking",
        10,
        (f"Traject onderbroken op {day(10)} (week ", f") tot en met {day(0)}. Reden: Vakantie."),
    ),
    (
        "traject-einde",
        5,
        (
            f"Spoor-2-traject (gestart op {day(30)}) beëindigd op {day(5)} (week ",
            "): plaatsing in passend werk.",
        ),
    ),
]


def events(admin: Api, case_id: str) -> int:
    return len(admin.get(f"/v1/cases/{case_id}/events").json()["items"])


def post(admin: Api, case_id: str, path: str, ago: int = 10, **extra: Any) -> Any:
    return admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago, **extra))


def test_every_trajectory_step_records_stands_in_the_file_and_speaks_dutch(
    admin: Api, case_id: str
) -> None:
    recorded = {}
    for path, ago, _ in STEPS:
        answer = post(admin, case_id, path, ago)
        assert answer.status_code == 201, (path, answer.text)
        assert answer.json()["type"] == path.replace("-", "_")
        recorded[path] = answer.json()
    assert recorded["traject-start"]["data"]["plan"] == STEP_BODIES["traject-start"]["plan"]
    case = admin.get(f"/v1/cases/{case_id}").json()
    by_id = {fact["event_id"]: fact for fact in case["file"]}
    start = by_id[recorded["traject-start"]["event_id"]]
    assert start["label"] == "Start traject" and start["data"]["track"] == 2
    assert start["data"]["plan"]["search_directions"] == ["Logistieke planning", "Administratie"]
    last = max(r["position"] for r in recorded.values())
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": last}).json()
    told = {entry["event_id"]: entry["summary_nl"] for entry in trail["entries"]}
    for path, _, phrases in STEPS:
        event_id = recorded[path]["event_id"]
        assert event_id in by_id, path
        for phrase in phrases:
            assert phrase in told[event_id], (path, told[event_id])


# (path, extra, field, with a trajectory started 30 days ago first)
REFUSED: list[tuple[str, dict[str, Any], str, bool]] = [
    ("traject-start", {}, "track", True),
    ("traject-start", {"occurred_on": day(40)}, "track", True),
    ("traject-start", {"track": 3}, "track", False),
    (
        "traject-start",
        {"plan": {**STEP_BODIES["traject-start"]["plan"], "hours_per_week": 41}},
        "plan",
        False,
    ),
    ("traject-activiteit", {}, "occurred_on", False),
    ("traject-activiteit", {"occurred_on": day(31)}, "occurred_on", True),
    ("traject-activiteit", {"hours": 41}, "hours", True),
    ("weerstand", {}, "occurred_on", False),
    ("weerstand", {"approach": " "}, "approach", True),
    ("traject-rapportage", {}, "occurred_on", False),
    ("traject-onderbreking", {}, "occurred_on", False),
    ("traject-onderbreking", {"until": day(11)}, "until", True),
    ("traject-einde", {}, "occurred_on", False),
    ("traject-einde", {"occurred_on": day(31)}, "occurred_on", True),
]


@pytest.mark.parametrize(("path", "extra", "field", "running"), REFUSED)
def test_each_rule_is_422_naming_the_field_and_stores_nothing(
    admin: Api, case_id: str, path: str, extra: dict[str, Any], field: str, running: bool
) -> None:
    if running:
        assert post(admin, case_id, "traject-start", 30).status_code == 201
    before = events(admin, case_id)
    answer = post(admin, case_id, path, **extra)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"], answer.json()
    assert events(admin, case_id) == before


def test_spoor_3_starts_after_a_wga_decision_and_not_before(admin: Api, case_id: str) -> None:
    wga = post(admin, case_id, "wia-besluit", 20, outcome="wga")
    assert wga.status_code == 201, wga.text
    early = post(admin, case_id, "traject-start", 21, track=3)
    assert early.status_code == 422 and "track" in early.json()["errors"]
    started = post(admin, case_id, "traject-start", 20, track=3)
    assert started.status_code == 201, started.text
    position = started.json()["position"]
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": position}).json()[
        "entries"
    ]
    told = {entry["event_id"]: entry["summary_nl"] for entry in trail}
    assert told[started.json()["event_id"]].startswith(f"Spoor-3-traject gestart op {day(20)}")


def test_a_new_trajectory_starts_once_the_last_has_ended(admin: Api, case_id: str) -> None:
    assert post(admin, case_id, "traject-start", 30).status_code == 201
    assert post(admin, case_id, "traject-einde", 20).status_code == 201
    refused = post(admin, case_id, "traject-start", 21)
    assert refused.status_code == 422 and "track" in refused.json()["errors"]
    assert post(admin, case_id, "traject-start", 20).status_code == 201


@pytest.mark.parametrize(
    ("path", "replacement", "field"),
    [
        ("traject-activiteit", {"occurred_on": day(31)}, "replacement.occurred_on"),
        ("traject-einde", {"occurred_on": day(31)}, "replacement.occurred_on"),
        ("traject-start", {"track": 3}, "replacement.track"),
        ("traject-start", {"plan": {"goal": "Werk"}}, "replacement.plan"),
        ("traject-onderbreking", {"until": day(11)}, "replacement.until"),
        ("weerstand", {"signal": "paniek"}, "replacement.signal"),
        ("traject-start", {"plan": {"goal": "Werk", "extra": 1}}, "replacement.plan.extra"),
    ],
)
def test_a_correctie_of_a_trajectory_step_obeys_its_rules(
    admin: Api, case_id: str, path: str, replacement: dict[str, Any], field: str
) -> None:
    started = post(admin, case_id, "traject-start", 30)
    target = started if path == "traject-start" else post(admin, case_id, path)
    assert target.status_code == 201, target.text
    before = events(admin, case_id)
    body = {
        "occurred_on": day(1),
        "event_id": target.json()["event_id"],
        "reason": "Fout",
        "replacement": replacement,
    }
    answer = admin.post(f"/v1/cases/{case_id}/correctie", body)
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["errors"], answer.json()
    assert events(admin, case_id) == before
    body["replacement"] = {"occurred_on": day(12)} if path != "traject-start" else {"coach": "F"}
    assert admin.post(f"/v1/cases/{case_id}/correctie", body).status_code == 201
