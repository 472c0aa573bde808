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


def test_the_case_lists_its_documents_with_their_sha256_a_page_at_a_time(
    admin: Api, case_id: str
) -> None:
    contents = [b"%PDF-1.4 fictief verslag " + bytes([n]) for n in range(3)]
    for n, content in enumerate(contents):
        assert upload(admin, case_id, content, title=f"Verslag {n + 1}").status_code == 201
    first = admin.get(f"/v1/cases/{case_id}/documents", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [d["title"] for d in page["items"]] == ["Verslag 1", "Verslag 2"]
    assert page["items"][0]["sha256"] == hashlib.sha256(contents[0]).hexdigest()
    assert page["items"][0]["document_id"] == page["items"][0]["sha256"]
    assert page["items"][0]["size"] == len(contents[0]) and page["next"]
    rest = admin.get(f"/v1/cases/{case_id}/documents", params={"after": page["next"]}).json()
    assert [d["title"] for d in rest["items"]] == ["Verslag 3"] and rest["next"] is None
    fetched = admin.get(f"/v1/cases/{case_id}/documents/{rest['items'][0]['document_id']}")
    assert fetched.content == contents[2]


def test_the_documents_list_shows_what_was_known_then_and_to_whom_it_may(
    admin: Api, case_id: str
) -> None:
    upload(admin, case_id, title="Eerste")
    between = admin.get(f"/v1/cases/{case_id}").json()["updated_at"]
    upload(admin, case_id, b"tweede", title="Tweede")
    then = admin.get(f"/v1/cases/{case_id}/documents", params={"as_of": between}).json()
    assert [d["title"] for d in then["items"]] == ["Eerste"]
    other = key_of_another_employer(admin)
    assert other.get(f"/v1/cases/{case_id}/documents").status_code == 404
    assert admin.get(f"/v1/cases/{'0' * 8}-0000-0000-0000-{'0' * 12}/documents").status_code == 404
    assert admin.get(f"/v1/cases/{case_id}/documents", params={"after": "x"}).status_code == 400
    assert admin.get(f"/v1/cases/{case_id}/documents", params={"limit": 0}).status_code == 400
