"""An erasure deletes the bytes of the case's documents, on both stores: in the transaction
of its event, found nowhere in the store afterwards (the SQLite files with their logs, or a
dump of the tenant's schema), while their SHA-256 stays in the events and every proof
verifies. Bytes another case not erased names too are kept for it; they go with the last."""

from __future__ import annotations

import uuid

from service.config import Settings
from tests.api.payloads import case_body
from tests.api.test_retention_api import FIRST, RECOVERED, holding, store_contents
from tests.conftest import Api


def fictional_pdf(label: str) -> tuple[bytes, bytes]:
    """A fictional document larger than a page of the store (so on overflow pages), and the
    distinctive line it repeats: a store holding any of its bytes holds that line."""
    mark = f"Fictief gespreksverslag {label} {uuid.uuid4().hex}\n".encode()
    return b"%PDF-1.4\n" + mark * 400, mark


def upload(admin: Api, case_id: str, title: str, content: bytes) -> str:
    uploaded = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": title, "occurred_on": RECOVERED},
        files={"file": ("verslag.pdf", content, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    return str(uploaded.json()["data"]["document_id"])


def ended_case_with(admin: Api, employer_id: str, *documents: bytes) -> tuple[str, list[str]]:
    """A case that ended years ago (its term over), with these documents in its file."""
    body = case_body(employer_id, employee={"name": "Fictief Persoon", "personnel_number": "D-1"})
    body.update(first_sick_day=FIRST, reported_on=FIRST)
    opened = admin.post("/v1/cases", body)
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["case_id"]
    ids = [upload(admin, case_id, "Gespreksverslag", content) for content in documents]
    for path, fields in (
        ("herstelmelding", {"percentage": 100}),
        ("afsluiting", {"reason": "herstel"}),
    ):
        answer = admin.post(f"/v1/cases/{case_id}/{path}", {"occurred_on": RECOVERED, **fields})
        assert answer.status_code == 201, answer.text
    return case_id, ids


def erased(admin: Api, case_id: str) -> None:
    answer = admin.post(f"/v1/cases/{case_id}/erasure", {"reason": "Bewaartermijn verstreken"})
    assert answer.status_code == 201, answer.text


def gone(admin: Api, case_id: str, document_id: str) -> None:
    """The document of an erased case: 410, a problem saying why; its hash in every view."""
    answer = admin.get(f"/v1/cases/{case_id}/documents/{document_id}")
    assert answer.status_code == 410, answer.text
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    detail = answer.json()["detail"]
    assert "erased after its retention term" in detail and "SHA-256 stays" in detail, detail
    listed = admin.get(f"/v1/cases/{case_id}/documents").json()
    assert document_id in str(listed), listed
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert document_id in {e["data"].get("document_id") for e in events}
    export = admin.get(f"/v1/cases/{case_id}/subject-export").json()
    assert document_id in {d["sha256"] for d in export["documents"]}
    assert admin.get(f"/v1/cases/{case_id}/verify").json()["valid"] is True


def test_an_erasure_deletes_the_bytes_of_its_documents_and_keeps_those_of_another_case(
    admin: Api, employer_id: str, admin_slug: str, settings: Settings
) -> None:
    (own, own_mark), (shared, shared_mark) = fictional_pdf("eigen"), fictional_pdf("gedeeld")
    case_id, (own_id, shared_id) = ended_case_with(admin, employer_id, own, shared)
    other_id, (also_shared,) = ended_case_with(admin, employer_id, shared)
    assert also_shared == shared_id  # kept once per tenant, under its SHA-256

    erased(admin, case_id)
    gone(admin, case_id, own_id)
    gone(admin, case_id, shared_id)  # the erased case serves it no more
    kept = admin.get(f"/v1/cases/{other_id}/documents/{shared_id}")
    assert kept.status_code == 200 and kept.content == shared
    stored = store_contents(settings, admin_slug, own_mark)
    assert holding(stored, own_mark) == []
    assert holding(stored, shared_mark) != []  # the search finds bytes that are there

    erased(admin, other_id)  # the last case naming them: now they go
    gone(admin, other_id, shared_id)
    stored = store_contents(settings, admin_slug, shared_mark)
    assert holding(stored, own_mark, shared_mark) == []


def test_a_document_of_a_case_not_erased_is_served_and_an_unknown_one_is_not_found(
    admin: Api, employer_id: str
) -> None:
    content, _ = fictional_pdf("levend")
    case_id, (document_id,) = ended_case_with(admin, employer_id, content)
    assert admin.get(f"/v1/cases/{case_id}/documents/{document_id}").content == content
    erased(admin, case_id)
    missing = admin.get(f"/v1/cases/{case_id}/documents/{'0' * 64}")
    assert missing.status_code == 404, missing.text
