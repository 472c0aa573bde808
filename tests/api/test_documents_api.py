"""Documents: bytes stored in the tenant's store under their SHA-256 (issue 5)."""

from __future__ import annotations

import base64
import hashlib

from service.config import Settings
from tests.api.payloads import STEP_BODIES, case_body, day
from tests.conftest import Api, key_of_another_employer

CONTENT = b"%PDF-1.4 fictief gespreksverslag, geen medische gegevens"


def upload(api: Api, case_id: str, content: bytes = CONTENT, title: str = "Gespreksverslag"):  # type: ignore[no-untyped-def]
    return api.post(
        f"/v1/cases/{case_id}/document",
        data={"title": title, "occurred_on": day(1)},
        files={"file": ("verslag.pdf", content, "application/pdf")},
    )


def test_a_document_round_trips_by_its_sha256(admin: Api, case_id: str) -> None:
    answer = upload(admin, case_id)
    assert answer.status_code == 201, answer.text
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert answer.json()["data"]["document_id"] == digest
    fetched = admin.get(f"/v1/cases/{case_id}/documents/{digest}")
    assert fetched.status_code == 200
    assert fetched.content == CONTENT
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["ETag"] == f'"{digest}"'
    expected = base64.b64encode(hashlib.sha256(CONTENT).digest()).decode()
    assert fetched.headers["Repr-Digest"] == f"sha-256=:{expected}:"


def test_the_same_bytes_twice_are_one_document_named_by_two_events(
    admin: Api, case_id: str
) -> None:
    first = upload(admin, case_id, title="Eerste keer").json()
    second = upload(admin, case_id, title="Tweede keer").json()
    assert first["data"]["document_id"] == second["data"]["document_id"]
    assert first["event_id"] != second["event_id"]


def test_a_document_beyond_the_size_limit_is_413_and_stores_nothing(
    admin: Api, case_id: str, settings: Settings
) -> None:
    too_big = b"x" * (settings.max_document_bytes + 1)
    answer = upload(admin, case_id, too_big)
    assert answer.status_code == 413, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert [e["type"] for e in events] == ["ziekmelding"]
    digest = hashlib.sha256(too_big).hexdigest()
    assert admin.get(f"/v1/cases/{case_id}/documents/{digest}").status_code == 404


def test_a_document_on_a_closed_case_is_422_and_its_bytes_are_not_kept(
    admin: Api, case_id: str
) -> None:
    closing = {**STEP_BODIES["afsluiting"], "occurred_on": day(0)}
    assert admin.post(f"/v1/cases/{case_id}/afsluiting", closing).status_code == 201
    assert upload(admin, case_id).status_code == 422
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert admin.get(f"/v1/cases/{case_id}/documents/{digest}").status_code == 404


def test_a_document_is_only_reachable_through_its_own_case(
    admin: Api, case_id: str, employer_id: str
) -> None:
    digest = upload(admin, case_id).json()["data"]["document_id"]
    other = admin.post("/v1/cases", case_body(employer_id, 10)).json()["case_id"]
    assert admin.get(f"/v1/cases/{other}/documents/{digest}").status_code == 404
    assert admin.get(f"/v1/cases/{case_id}/documents/{'0' * 64}").status_code == 404
    assert (
        key_of_another_employer(admin).get(f"/v1/cases/{case_id}/documents/{digest}").status_code
        == 404
    )
