"""Retention over HTTP on both stores: the legal hold, the erasure and its refusals, and the
employee's subject export (AVG art. 15 and 17)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

from domain.commitments import ERASED
from service.config import Settings
from service.persistence.stores import schema_name
from tests.api.payloads import case_body, day
from tests.conftest import Api

FIRST = "2019-01-07"
RECOVERED = "2019-03-04"
"""Old legal dates: the case ended on 2019-03-03, so its two-year term ran out in 2021."""


def ended_case(admin: Api, employer_id: str, name: str = "Fictief Persoon") -> str:
    """A case closed on full recovery years ago (recorded now, dated then)."""
    body = case_body(employer_id, employee={"name": name, "personnel_number": "P-7"})
    body.update(first_sick_day=FIRST, reported_on=FIRST)
    opened = admin.post("/v1/cases", body)
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    for path, fields in (
        ("herstelmelding", {"percentage": 100}),
        ("afsluiting", {"reason": "herstel"}),
    ):
        answer = admin.post(f"/v1/cases/{case_id}/{path}", {"occurred_on": RECOVERED, **fields})
        assert answer.status_code == 201, answer.text
    return case_id


def refused(answer: Any, *phrases: str) -> str:
    assert answer.status_code == 422, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    detail = answer.json()["detail"]
    for phrase in phrases:
        assert phrase in detail, detail
    return detail


def put(api: Api, body: dict[str, Any]) -> Any:
    return api.request("PUT", "/v1/settings/retention", json=body)


def versions(admin: Api, case_id: str) -> int:
    return admin.get(f"/v1/cases/{case_id}").json()["version"]


def test_a_legal_hold_blocks_erasure_until_lifted(admin: Api, employer_id: str) -> None:
    case_id = ended_case(admin, employer_id)
    held = admin.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "Procedure kantonrechter"})
    assert held.status_code == 201, held.text
    event = held.json()
    assert event["type"] == "legal_hold" and event["case_id"] == case_id
    assert event["data"] == {"reason": "Procedure kantonrechter"} and event["role"] == "admin"
    refused(admin.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "x"}), "already set")
    refused(
        admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek werknemer"}),
        "legal hold is set",
        "Procedure kantonrechter",
    )
    lifted = admin.delete(f"/v1/cases/{case_id}/legal-hold", params={"reason": "Afgerond"})
    assert lifted.status_code == 204, lifted.text
    refused(admin.delete(f"/v1/cases/{case_id}/legal-hold"), "no legal hold")
    erased = admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek werknemer"})
    assert erased.status_code == 201, erased.text
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert [e["type"] for e in events[-3:]] == ["legal_hold", "legal_hold_opgeheven", "wissing"]
    assert events[-2]["data"] == {"reason": "Afgerond"}
    position = erased.json()["position"]
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail?min_position={position}").json()
    told = [entry["summary_nl"] for entry in trail["entries"][-3:]]
    assert told[0].startswith("Legal hold gezet op ") and "Procedure kantonrechter" in told[0]
    assert told[1].startswith("Legal hold opgeheven op ") and "Afgerond" in told[1]
    assert told[2].startswith("Persoonsgegevens gewist op ")
    assert "2 jaar na het einde van de zaak op 2019-03-03" in told[2]


def test_erasure_is_refused_while_the_case_is_open_and_stores_nothing(
    admin: Api, case_id: str
) -> None:
    before = versions(admin, case_id)
    refused(admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek"}), "still open")
    assert versions(admin, case_id) == before


def test_erasure_is_refused_while_the_term_runs(admin: Api, employer_id: str) -> None:
    opened = admin.post("/v1/cases", case_body(employer_id, sick_days_ago=60))
    case_id = opened.json()["case_id"]
    answer = admin.post(
        f"/v1/cases/{case_id}/afsluiting", {"occurred_on": day(10), "reason": "herstel"}
    )
    assert answer.status_code == 201, answer.text
    detail = refused(
        admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek"}),
        "retention term runs until",
        f"2 years after the case ended on {day(10)}",
    )
    assert "open" not in detail


def test_the_term_of_an_eigenrisicodrager_wga_is_ten_years(admin: Api) -> None:
    employer = admin.post(
        "/v1/employers",
        {"name": "Eigen Risico B.V.", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": True},
    ).json()["id"]
    case_id = ended_case(admin, employer)
    refused(
        admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek"}),
        "runs until 2029-03-03 (10 years",
    )


def test_erasure_after_the_term_records_who_when_why_and_the_proof_stays(
    admin: Api, employer_id: str
) -> None:
    case_id = ended_case(admin, employer_id)
    erased = admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "Bewaartermijn verstreken"})
    assert erased.status_code == 201, erased.text
    event = erased.json()
    assert event["type"] == "wissing" and event["role"] == "admin"
    assert event["data"] == {
        "reason": "Bewaartermijn verstreken",
        "ended_on": "2019-03-03",
        "kept_until": "2021-03-03",
        "term_years": 2,
    }
    assert "Fictief" not in erased.text and "P-7" not in erased.text
    verified = admin.get(f"/v1/cases/{case_id}/verify").json()
    assert verified["valid"] is True, verified
    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["employee"] == {"name": ERASED, "personnel_number": ERASED}
    opening = admin.get(f"/v1/cases/{case_id}/events").json()["items"][0]
    assert opening["data"]["employee"]["name"] == ERASED and "salts" not in opening
    assert set(opening["commitments"]) == {"employee.name", "employee.personnel_number"}
    export = admin.get(f"/v1/cases/{case_id}/subject-export")
    assert export.status_code == 200, export.text
    assert "Fictief Persoon" not in export.text and "P-7" not in export.text
    assert export.json()["retention"]["erased_on"] == erased.json()["occurred_on"]
    refused(admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "nogmaals"}), "was erased on")
    refused(admin.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "te laat"}), "was erased")


def test_only_an_admin_holds_erases_or_exports(admin: Api, employer_id: str) -> None:
    case_id = ended_case(admin, employer_id)
    key = admin.post("/v1/api-keys", {"name": "cm", "role": "casemanager"}).json()["key"]
    casemanager = admin.as_key(key)
    for answer in (
        casemanager.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "x"}),
        casemanager.delete(f"/v1/cases/{case_id}/legal-hold"),
        casemanager.post(f"/v1/cases/{case_id}/erasure", {"reason": "x"}),
        casemanager.get(f"/v1/cases/{case_id}/subject-export"),
    ):
        assert answer.status_code == 403, answer.text
    assert admin.get(f"/v1/cases/{case_id}").json()["version"] == 3


def test_another_tenants_case_is_not_found(admin: Api, operator: Api, employer_id: str) -> None:
    case_id = ended_case(admin, employer_id)
    other = operator.post("/v1/platform/tenants", {"slug": "t" + case_id[:8], "name": "Ander"})
    stranger = operator.as_key(other.json()["admin_key"])
    for answer in (
        stranger.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "x"}),
        stranger.delete(f"/v1/cases/{case_id}/legal-hold"),
        stranger.post(f"/v1/cases/{case_id}/erasure", {"reason": "x"}),
        stranger.get(f"/v1/cases/{case_id}/subject-export"),
    ):
        assert answer.status_code == 404, answer.text


def test_bad_bodies_are_refused_with_400_and_store_nothing(admin: Api, employer_id: str) -> None:
    case_id = ended_case(admin, employer_id)
    for body in ({}, {"reason": "x", "employee": "y"}, {"reason": ""}, {"reason": 7}):
        for path in ("legal-hold", "erasure"):
            answer = admin.post(f"/v1/cases/{case_id}/{path}", body)
            assert answer.status_code in (400, 422), answer.text
            assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert versions(admin, case_id) == 3


def test_the_subject_export_holds_everything_of_the_employee_and_nothing_of_others(
    admin: Api, employer_id: str
) -> None:
    case_id = ended_case(admin, employer_id, name="Fictieve Werknemer Een")
    other_id = ended_case(admin, employer_id, name="Fictieve Werknemer Twee")
    uploaded = admin.post(
        f"/v1/cases/{other_id}/legal-hold", {"reason": "Geschil over de andere zaak"}
    )
    assert uploaded.status_code == 201
    answer = admin.get(f"/v1/cases/{case_id}/subject-export")
    assert answer.status_code == 200, answer.text
    export = answer.json()
    assert export["case"]["employee"]["name"] == "Fictieve Werknemer Een"
    assert [e["type"] for e in export["events"]] == ["ziekmelding", "herstelmelding", "afsluiting"]
    assert [e["version"] for e in export["trail"]] == [1, 2, 3]
    assert export["obligations"]["case_id"] == case_id
    assert export["retention"]["kept_until"] == "2021-03-03"
    assert export["retention"]["erasable"] is True
    assert export["documents"] == []
    assert "Fictieve Werknemer Twee" not in answer.text
    assert other_id not in answer.text
    assert "Geschil over de andere zaak" not in answer.text


def test_the_subject_export_lists_the_documents(admin: Api, case_id: str) -> None:
    uploaded = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "Gespreksverslag", "occurred_on": day(1)},
        files={"file": ("verslag.pdf", b"%PDF-1.4 fictief", "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    digest = uploaded.json()["data"]["document_id"]
    export = admin.get(f"/v1/cases/{case_id}/subject-export").json()
    (listed,) = export["documents"]
    assert listed["title"] == "Gespreksverslag" and listed["sha256"] == digest
    assert admin.get(listed["href"]).content == b"%PDF-1.4 fictief"
    assert export["retention"]["refusals"] == [
        "the case is still open: its retention term starts when it ends"
    ]


def test_a_bureau_lengthens_the_terms_with_a_reason_and_never_shortens_them(
    admin: Api, employer_id: str
) -> None:
    case_id = ended_case(admin, employer_id)
    assert admin.get("/v1/settings/retention").json() == {
        "extra_years": 0,
        "reason": None,
        "terms": {"default": 2, "eigenrisicodrager_zw": 5, "eigenrisicodrager_wga": 10},
        "changes": [],
    }
    refused(put(admin, {"extra_years": -1}), "never shorten")
    refused(put(admin, {"extra_years": 3}), "stated reason")
    key = admin.post("/v1/api-keys", {"name": "cm", "role": "casemanager"}).json()["key"]
    assert put(admin.as_key(key), {"extra_years": 0}).status_code == 403

    changed = put(admin, {"extra_years": 10, "reason": "Lopende procedures"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["terms"] == {
        "default": 12,
        "eigenrisicodrager_zw": 15,
        "eigenrisicodrager_wga": 20,
    }
    refused(
        admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "verzoek"}),
        "runs until 2031-03-03 (12 years",
    )
    restored = put(admin, {"extra_years": 0})
    assert [c["extra_years"] for c in restored.json()["changes"]] == [10, 0]
    assert restored.json()["changes"][0]["reason"] == "Lopende procedures"
    assert admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "termijn"}).status_code == 201
    assert admin.get("/v1/settings").json()["history"] != []  # the thresholds' defaults, set


def test_a_retried_hold_or_erasure_with_its_idempotency_key_is_recorded_once(
    admin: Api, employer_id: str
) -> None:
    case_id = ended_case(admin, employer_id)
    for path, body in (("legal-hold", {"reason": "Geschil"}), ("erasure", {"reason": "Termijn"})):
        if path == "erasure":
            assert admin.delete(f"/v1/cases/{case_id}/legal-hold").status_code == 204
        headers = {"Idempotency-Key": f"{path}-1"}
        first = admin.post(f"/v1/cases/{case_id}/{path}", body, headers=headers)
        again = admin.post(f"/v1/cases/{case_id}/{path}", body, headers=headers)
        assert first.status_code == again.status_code == 201, again.text
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["event_id"] == first.json()["event_id"]
    types = [e["type"] for e in admin.get(f"/v1/cases/{case_id}/events").json()["items"]]
    assert types[3:] == ["legal_hold", "legal_hold_opgeheven", "wissing"]


def test_after_erasure_no_byte_of_the_employee_is_left_in_the_store(
    admin: Api, employer_id: str, admin_slug: str, settings: Settings
) -> None:
    """The events, the key table, the answers kept for retries and the read models (once
    caught up) hold no name, personnel number, date of birth or document title naming the
    employee: the tenant's whole schema dumped, or
    every SQLite file of the data directory, write-ahead logs included (the runner
    shreds the read models' log right after it applied the erasure, so the files are
    read until that is done)."""
    name, number, born = "Zeldzame Naam Fictief", "PX-4711", "1961-04-17"
    employee = {"name": name, "personnel_number": number, "date_of_birth": born}
    body = case_body(employer_id, employee=employee)
    body.update(first_sick_day=FIRST, reported_on=FIRST)
    # Sent with Idempotency-Key, the opening's answer (name and all) is kept for retries.
    opened = admin.post("/v1/cases", body, headers={"Idempotency-Key": "opening-4711"})
    case_id = opened.json()["case_id"]
    # The audit trail's sentence quotes a document's title, which may name the employee.
    title = "Verslag gesprek Zeldzame Naam Fictief"
    uploaded = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": title, "occurred_on": RECOVERED},
        files={"file": ("verslag.pdf", b"%PDF-1.4\n fictief\n", "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail?min_position={uploaded.json()['position']}")
    assert title in trail.text  # before the erasure the trail quotes it
    for path, fields in (
        ("herstelmelding", {"percentage": 100}),
        ("afsluiting", {"reason": "herstel"}),
    ):
        admin.post(f"/v1/cases/{case_id}/{path}", {"occurred_on": RECOVERED, **fields})
    erasure = {"reason": "Bewaartermijn verstreken"}
    retried = {"Idempotency-Key": "erasure-4711"}
    erased = admin.post(f"/v1/cases/{case_id}/erasure", erasure, headers=retried)
    assert erased.status_code == 201, erased.text
    again = admin.post(f"/v1/cases/{case_id}/erasure", erasure, headers=retried)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    caught_up = f"min_position={erased.json()['position']}"
    for path in ("/v1/cases", f"/v1/cases/{case_id}/audit-trail", "/v1/worklist"):
        assert admin.get(f"{path}?{caught_up}").status_code == 200
    stored = store_contents(settings, admin_slug, name, number, born, title)
    if settings.database_url:
        assert b"case_keys" in stored["pg_dump"]
    assert any(b"Bewaartermijn verstreken" in content for content in stored.values())
    assert holding(stored, name, number, born, title) == []
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail").json()["entries"]
    assert ERASED in next(e["summary_nl"] for e in trail if e["type"] == "document")


def store_contents(settings: Settings, slug: str, *gone: str | bytes) -> dict[str, bytes]:
    """Everything the tenant's store holds: its schema dumped, or every SQLite file of the
    data directory, write-ahead logs included — read again (for at most ten seconds) while
    it still holds one of ``gone``: SQLite truncates a log once no reader holds it back."""
    if settings.database_url:
        dumped = subprocess.run(
            ["pg_dump", "--schema", schema_name(slug), "--dbname", settings.database_url],
            capture_output=True,
            check=True,
        ).stdout
        return {"pg_dump": dumped}
    deadline = time.monotonic() + 10
    while True:
        stored = {
            str(file): file.read_bytes()
            for file in Path(settings.data_dir).rglob("*")
            if file.is_file()
        }
        if time.monotonic() > deadline or not holding(stored, *gone):
            return stored
        time.sleep(0.1)


def holding(stored: dict[str, bytes], *plain: str | bytes) -> list[str]:
    """Which of the stored files still hold any of the plain values, as they are or in
    hex (pg_dump writes a bytea column, the events' state included, in hex)."""
    found = []
    for value in plain:
        raw = value.encode() if isinstance(value, str) else value
        for where, content in stored.items():
            if raw in content or raw.hex().encode() in content:
                found.append(f"{value!r} in {where}")
    return found


def test_a_case_tells_its_retention_to_every_key_that_sees_it(admin: Api, employer_id: str) -> None:
    case_id = ended_case(admin, employer_id)
    key = admin.post("/v1/api-keys", {"name": "cm", "role": "casemanager"}).json()["key"]
    judged = admin.as_key(key).get(f"/v1/cases/{case_id}/retention")
    assert judged.status_code == 200, judged.text
    assert judged.json() | {"judged_on": None} == {
        "judged_on": None,
        "ended_on": "2019-03-03",
        "term_years": 2,
        "kept_until": "2021-03-03",
        "legal_hold": False,
        "erased_on": None,
        "erasable": True,
        "refusals": [],
    }
    admin.post(f"/v1/cases/{case_id}/legal-hold", {"reason": "Geschil"})
    held = admin.get(f"/v1/cases/{case_id}/retention").json()
    assert held["legal_hold"] is True and held["erasable"] is False
    assert held["refusals"][0].startswith("a legal hold is set since")
    assert admin.get("/v1/cases/00000000-0000-0000-0000-000000000000/retention").status_code == 404


def test_nothing_more_is_recorded_on_an_erased_case_left_unclosed(
    admin: Api, employer_id: str
) -> None:
    """A case that ended on full recovery without an afsluiting may be erased; after that
    no step may store new personal data in the clear beside the destroyed key."""
    body = case_body(employer_id, employee={"name": "Fictief Persoon", "personnel_number": "P-8"})
    body.update(first_sick_day=FIRST, reported_on=FIRST)
    case_id = admin.post("/v1/cases", body).json()["case_id"]
    recovered = {"occurred_on": RECOVERED, "percentage": 100}
    assert admin.post(f"/v1/cases/{case_id}/herstelmelding", recovered).status_code == 201
    erased = admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "Bewaartermijn verstreken"})
    assert erased.status_code == 201, erased.text
    before = versions(admin, case_id)
    note = {"occurred_on": RECOVERED, "kind": "gesprek", "text": "Nieuwe notitie na de wissing"}
    refused(admin.post(f"/v1/cases/{case_id}/notitie", note), "erased")
    assert versions(admin, case_id) == before
