"""Cases over real HTTP, on both stores: every command, every read, every convention."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from service.config import Settings
from tests.api.payloads import NEEDS_FIRST, STEP_BODIES, case_body, day, step_body
from tests.api.test_verify_api import StoredEvents, new_case, verified
from tests.conftest import Api


def versions(admin: Api, case_id: str) -> list[int]:
    return [e["version"] for e in admin.get(f"/v1/cases/{case_id}/events").json()["items"]]


def test_a_ziekmelding_opens_a_case(admin: Api, employer_id: str) -> None:
    answer = admin.post("/v1/cases", case_body(employer_id, work_accident=False, vangnet=True))
    assert answer.status_code == 201
    body = answer.json()
    assert answer.headers["ETag"] == '"1"'
    assert answer.headers["Location"] == f"/v1/cases/{body['case_id']}"
    event = body["event"]
    assert event["type"] == "ziekmelding" and event["version"] == 1 and event["position"] >= 1
    assert event["prev_hash"] == "0" * 64 and len(event["hash"]) == 64
    assert event["data"]["vangnet"] is True

    case = admin.get(f"/v1/cases/{body['case_id']}").json()
    assert case["status"] == "open" and case["employer_id"] == employer_id
    assert case["sick_days"] == 201 and case["week"] == 29
    assert case["version"] == 1 and case["head_hash"] == event["hash"]


@pytest.mark.parametrize("path", sorted(STEP_BODIES))
def test_every_case_command_records_its_event(admin: Api, case_id: str, path: str) -> None:
    first = NEEDS_FIRST.get(path, ())
    for needed in first:
        assert admin.post(f"/v1/cases/{case_id}/{needed}", step_body(needed, 20)).status_code == 201
    answer = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path))
    assert answer.status_code == 201, answer.text
    event = answer.json()
    assert event["type"] == path.replace("-", "_")
    version = 2 + len(first)
    assert event["version"] == version and answer.headers["ETag"] == f'"{version}"'
    assert event["occurred_on"] == day(10)
    assert event["data"]["note"] == "Geen medische gegevens"
    stored = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert stored[-1] == {k: v for k, v in event.items() if k != "position"}
    assert stored[-1]["prev_hash"] == stored[-2]["hash"]


def test_a_relapse_within_28_days_continues_the_case(admin: Api, case_id: str) -> None:
    assert (
        admin.post(
            f"/v1/cases/{case_id}/herstelmelding", step_body("herstelmelding", 30, percentage=100)
        ).status_code
        == 201
    )
    assert admin.get(f"/v1/cases/{case_id}").json()["status"] == "recovered"
    relapse = {"occurred_on": day(5), "first_sick_day": day(5)}  # 25 days after recovery
    assert admin.post(f"/v1/cases/{case_id}/ziekmelding", relapse).status_code == 201
    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["status"] == "open" and case["sick_days"] == 170 + 6


def test_a_relapse_after_28_days_is_422_and_stores_nothing(admin: Api, case_id: str) -> None:
    admin.post(
        f"/v1/cases/{case_id}/herstelmelding", step_body("herstelmelding", 40, percentage=100)
    )
    answer = admin.post(
        f"/v1/cases/{case_id}/ziekmelding", {"occurred_on": day(1), "first_sick_day": day(1)}
    )
    assert answer.status_code == 422
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert "first_sick_day" in answer.json()["errors"]
    assert versions(admin, case_id) == [1, 2]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("plan-van-aanpak", {"casemanager": None}, "casemanager"),
        ("herstelmelding", {"percentage": 101}, "percentage"),
        ("werkhervatting", {"wage_value_percentage": -5}, "wage_value_percentage"),
        ("notitie", {"occurred_on": day(400)}, "occurred_on"),
        ("notitie", {"occurred_on": day(-2)}, "occurred_on"),
    ],
)
def test_a_broken_rule_is_422_with_the_field_and_stores_nothing(
    admin: Api, case_id: str, path: str, body: dict, field: str
) -> None:
    answer = admin.post(f"/v1/cases/{case_id}/{path}", {**step_body(path), **body})
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["status"] == 422 and problem["type"].startswith("https://")
    assert field in problem["errors"]
    assert versions(admin, case_id) == [1]


def test_no_step_after_afsluiting(admin: Api, case_id: str) -> None:
    assert admin.post(f"/v1/cases/{case_id}/afsluiting", step_body("afsluiting")).status_code == 201
    assert admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 1)).status_code == 422
    assert admin.get(f"/v1/cases/{case_id}").json()["status"] == "closed"


@pytest.mark.parametrize(
    "extra",
    [
        {"diagnosis": "griep"},
        {"cause": "val"},
        {"treatment": "fysio"},
        {"incapacity_percentage": 50},
    ],
)
def test_medical_and_unknown_fields_are_400_and_store_nothing(
    admin: Api, case_id: str, extra: dict
) -> None:
    answer = admin.post(f"/v1/cases/{case_id}/evaluatie", {**step_body("evaluatie"), **extra})
    assert answer.status_code == 400
    assert list(extra) == list(answer.json()["errors"])
    assert versions(admin, case_id) == [1]


def test_a_medical_field_in_the_ziekmelding_is_400(admin: Api, employer_id: str) -> None:
    body = case_body(employer_id)
    body["employee"]["diagnosis"] = "griep"
    assert admin.post("/v1/cases", body).status_code == 400
    after_employer = admin.get("/v1/events").json()["items"][-1]["position"]
    assert admin.get("/v1/cases", params={"min_position": after_employer}).json()["items"] == []


def test_malformed_json_is_400_and_stores_nothing(admin: Api, case_id: str) -> None:
    answer = admin.post(
        f"/v1/cases/{case_id}/notitie",
        data=b'{"occurred_on": ',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert versions(admin, case_id) == [1]


@pytest.mark.parametrize(
    "body",
    [
        {"hours_per_week": "16"},
        {"wage_value_percentage": True},
        {"work": "thuis"},
        {"occurred_on": "23-11-2026"},
    ],
)
def test_wrong_types_are_400(admin: Api, case_id: str, body: dict) -> None:
    answer = admin.post(
        f"/v1/cases/{case_id}/werkhervatting", {**step_body("werkhervatting"), **body}
    )
    assert answer.status_code == 400
    assert set(body) == set(answer.json()["errors"])


def test_if_match_with_an_old_version_is_412_and_stores_nothing(admin: Api, case_id: str) -> None:
    ok = admin.post(
        f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"If-Match": '"1"'}
    )
    assert ok.status_code == 201 and ok.headers["ETag"] == '"2"'
    stale = admin.post(
        f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.headers["ETag"] == '"2"'
    assert versions(admin, case_id) == [1, 2]
    assert (
        admin.post(
            f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"If-Match": "nonsense"}
        ).status_code
        == 400
    )


def test_an_idempotent_replay_returns_the_original_answer_and_stores_nothing(
    admin: Api, case_id: str
) -> None:
    headers = {"Idempotency-Key": "retry-123"}
    first = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers=headers)
    again = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert versions(admin, case_id) == [1, 2]


def test_an_idempotency_key_reused_with_another_body_is_422(admin: Api, case_id: str) -> None:
    headers = {"Idempotency-Key": "retry-456"}
    assert (
        admin.post(
            f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers=headers
        ).status_code
        == 201
    )
    other = admin.post(
        f"/v1/cases/{case_id}/notitie", step_body("notitie", text="Anders"), headers=headers
    )
    assert other.status_code == 422
    assert versions(admin, case_id) == [1, 2]


def test_idempotency_covers_opening_a_case(admin: Api, employer_id: str) -> None:
    headers = {"Idempotency-Key": "open-1"}
    first = admin.post("/v1/cases", case_body(employer_id), headers=headers)
    again = admin.post("/v1/cases", case_body(employer_id), headers=headers)
    assert first.json()["case_id"] == again.json()["case_id"]
    assert again.json()["event"]["position"] == first.json()["event"]["position"]
    listed = admin.get("/v1/cases", params={"min_position": first.json()["event"]["position"]})
    assert len(listed.json()["items"]) == 1


def test_as_of_shows_what_was_known_then(admin: Api, case_id: str) -> None:
    before = datetime.now(UTC).isoformat()
    admin.post(f"/v1/cases/{case_id}/plan-van-aanpak", step_body("plan-van-aanpak"))
    then = admin.get(f"/v1/cases/{case_id}", params={"as_of": before}).json()
    now = admin.get(f"/v1/cases/{case_id}").json()
    assert (then["version"], now["version"]) == (1, 2)
    assert (
        len(admin.get(f"/v1/cases/{case_id}/events", params={"as_of": before}).json()["items"]) == 1
    )
    assert (
        admin.get(f"/v1/cases/{case_id}", params={"as_of": "2000-01-01T00:00:00Z"}).status_code
        == 404
    )
    assert admin.get(f"/v1/cases/{case_id}", params={"as_of": "yesterday"}).status_code == 400


def test_a_correctie_shows_the_corrected_value_and_keeps_both_events(
    admin: Api, case_id: str
) -> None:
    plan = admin.post(
        f"/v1/cases/{case_id}/plan-van-aanpak", step_body("plan-van-aanpak", 20)
    ).json()
    body = {
        "occurred_on": day(1),
        "event_id": plan["event_id"],
        "reason": "Datum verkeerd overgenomen",
        "replacement": {"occurred_on": day(18)},
    }
    assert admin.post(f"/v1/cases/{case_id}/correctie", body).status_code == 201
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert [e["type"] for e in events] == ["ziekmelding", "plan_van_aanpak", "correctie"]
    assert events[1]["occurred_on"] == day(20)  # the original stays as it was
    assert admin.get(f"/v1/cases/{case_id}").json()["corrected_event_ids"] == [plan["event_id"]]

    # A replacement the corrected step refuses is a rule of the case: 422 (the body is fine).
    wrong_type = {**body, "replacement": {"agreements": "niet een lijst"}}
    assert admin.post(f"/v1/cases/{case_id}/correctie", wrong_type).status_code == 422
    medical = {**body, "replacement": {"diagnosis": "griep"}}
    assert admin.post(f"/v1/cases/{case_id}/correctie", medical).status_code == 422
    elsewhere = {**body, "event_id": "00000000-0000-0000-0000-000000000000"}
    assert admin.post(f"/v1/cases/{case_id}/correctie", elsewhere).status_code == 422
    assert len(versions(admin, case_id)) == 3


def test_a_document_is_recorded_with_its_sha256(admin: Api, case_id: str) -> None:
    content = b"%PDF-1.4 fictief verslag"
    answer = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "Verslag gesprek", "occurred_on": day(2)},
        files={"file": ("verslag.pdf", content, "application/pdf")},
    )
    assert answer.status_code == 201, answer.text
    data = answer.json()["data"]
    import hashlib

    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert (data["size"], data["media_type"], data["title"]) == (
        len(content),
        "application/pdf",
        "Verslag gesprek",
    )


def test_case_events_are_paginated(admin: Api, case_id: str) -> None:
    for _ in range(4):
        admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"))
    first = admin.get(f"/v1/cases/{case_id}/events", params={"limit": 2}).json()
    second = admin.get(
        f"/v1/cases/{case_id}/events", params={"limit": 2, "after": first["next"]}
    ).json()
    third = admin.get(
        f"/v1/cases/{case_id}/events", params={"limit": 2, "after": second["next"]}
    ).json()
    assert [e["version"] for e in first["items"] + second["items"] + third["items"]] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert third["next"] is None


def test_an_unknown_case_is_404(admin: Api) -> None:
    assert admin.get("/v1/cases/00000000-0000-0000-0000-000000000000").status_code == 404
    assert admin.get("/v1/cases/not-a-uuid").status_code == 404
    assert admin.post("/v1/cases/not-a-uuid/notitie", step_body("notitie")).status_code == 404


def test_a_case_for_an_unknown_employer_is_422(admin: Api) -> None:
    answer = admin.post("/v1/cases", case_body("00000000-0000-0000-0000-000000000000"))
    assert answer.status_code == 422 and "employer_id" in answer.json()["errors"]


def readme_event_hash(event: dict) -> str:
    """The verifier exactly as README.md documents it, independent of the server's code."""
    import hashlib
    import json

    def canonical(value):
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")

    def hashed_form(line):
        salts, given = line.get("salts") or {}, line.get("commitments") or {}
        form = {k: v for k, v in line.items() if k not in ("salts", "commitments")}
        if not salts and not given:
            return form
        data = json.loads(json.dumps(line["data"]))  # a deep copy

        def place(path):
            *outer, last = path.split(".")
            inner = data
            for key in outer:
                inner = inner[key]
            return inner, last

        for path, salt in salts.items():
            inner, last = place(path)
            value = canonical(inner[last])
            inner[last] = hashlib.sha256(bytes.fromhex(salt) + value).hexdigest()
        for path, commitment in given.items():
            inner, last = place(path)
            inner[last] = commitment
        form["data"] = data
        form["committed"] = sorted([*salts, *given])
        return form

    form = hashed_form(event)
    keys = [
        "case_id",
        "version",
        "event_id",
        "type",
        "schema_version",
        "occurred_on",
        "recorded_at",
        "actor",
        "role",
        "data",
        "prev_hash",
        "committed",
    ]
    return hashlib.sha256(canonical({k: form[k] for k in keys if k in form})).hexdigest()


def test_the_readme_verifier_recomputes_every_hash_the_api_returns(
    admin: Api, case_id: str
) -> None:
    for path in ["werkhervatting", "plaatsing", "evaluatie", "loonsanctie", "eerstejaarsevaluatie"]:
        assert admin.post(f"/v1/cases/{case_id}/{path}", step_body(path)).status_code == 201
    body = step_body("notitie", text="Gesprek met mevrouw Ünal — “dubbele” quotes, \\ en \n regels")
    assert admin.post(f"/v1/cases/{case_id}/notitie", body).status_code == 201
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert "employee.name" in events[0]["salts"] and "text" in events[-1]["salts"]
    previous = "0" * 64
    for event in events:
        assert event["prev_hash"] == previous
        assert readme_event_hash(event) == event["hash"], event["type"]
        previous = event["hash"]
    assert admin.get(f"/v1/cases/{case_id}").json()["head_hash"] == previous


def test_the_case_list_filters_by_employer_and_status(admin: Api, employer_id: str) -> None:
    other = admin.post(
        "/v1/employers",
        {"name": "Ander", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    first = admin.post("/v1/cases", case_body(employer_id)).json()["case_id"]
    second = admin.post("/v1/cases", case_body(other)).json()["case_id"]
    last = admin.post(f"/v1/cases/{second}/afsluiting", step_body("afsluiting")).json()["position"]

    def listed(**params: str) -> list[str]:
        answer = admin.get("/v1/cases", params={"min_position": last, **params})
        return [c["case_id"] for c in answer.json()["items"]]

    assert listed() == [first, second]
    assert listed(employer_id=employer_id) == [first]
    assert listed(status="closed") == [second]
    assert listed(status="open", employer_id=other) == []
    assert listed(limit="1") == [first]
    page = admin.get("/v1/cases", params={"limit": 1}).json()
    assert [
        c["case_id"] for c in admin.get("/v1/cases", params={"after": page["next"]}).json()["items"]
    ] == [second]
    assert admin.get("/v1/cases", params={"risk": "hoog"}).status_code == 400


def test_verification_after_a_whole_chain_still_finds_any_edit_old_or_new(
    admin: Api, employer_id: str, settings: Settings, admin_slug: str
) -> None:
    """A process that found the chain whole re-checks only what is new (issue 14), yet an
    edit made in the store afterwards, to an old record or a new one, is reported at once."""
    case_id = new_case(admin, employer_id)
    stored = StoredEvents(settings, admin_slug, case_id)
    assert verified(admin, case_id)["valid"]

    def notitie() -> str:
        answer = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie"))
        assert answer.status_code == 201, answer.text
        return str(answer.json()["hash"])

    head = notitie()
    whole = {"case_id": case_id, "valid": True, "events_checked": 6, "head_hash": head}
    assert verified(admin, case_id) == {**whole, "problems": []}

    old = stored.state(3)
    stored.write_state(3, json.dumps({**old, "actor": "iemand anders"}).encode())
    problems = verified(admin, case_id)["problems"]
    assert len(problems) == 1 and "Version 3" in problems[0] and "edited" in problems[0]
    stored.write_state(3, json.dumps(old).encode())
    assert verified(admin, case_id) == {**whole, "problems": []}

    head = notitie()
    new = stored.state(7)
    stored.write_state(7, json.dumps({**new, "actor": "iemand anders"}).encode())
    problems = verified(admin, case_id)["problems"]
    assert len(problems) == 1 and "Version 7" in problems[0] and "edited" in problems[0]
    stored.write_state(7, b"\xff\xfe not json at all")
    assert any("Version 7 does not decode" in p for p in verified(admin, case_id)["problems"])
    stored.write_state(7, json.dumps(new).encode())
    assert verified(admin, case_id) == {
        **whole,
        "events_checked": 7,
        "head_hash": head,
        "problems": [],
    }
