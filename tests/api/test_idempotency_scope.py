"""Idempotency-Key answers belong to the key that recorded them.

A replay is answered only after the key's access to the case is checked, and
the fingerprint names the API key: another key reusing an Idempotency-Key gets
its own answer (404 when it may not see the case, 422 when it may), never the
stored answer of the first key. Both stores (the ``store`` fixture).
"""

from __future__ import annotations

from tests.api.payloads import step_body
from tests.conftest import Api, key_of_another_employer


def _events(admin: Api, case_id: str) -> list[dict]:
    answer = admin.get(f"/v1/cases/{case_id}/events")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_a_key_of_another_employer_gets_404_not_the_stored_answer(admin: Api, case_id: str) -> None:
    # herstelmelding: a step the employer role may record, so only the scope refuses it
    path = f"/v1/cases/{case_id}/herstelmelding"
    body = step_body("herstelmelding")
    headers = {"Idempotency-Key": "scoped-1"}
    first = admin.post(path, body, headers=headers)
    assert first.status_code == 201, first.text
    recorded = _events(admin, case_id)

    outsider = key_of_another_employer(admin).post(path, body, headers=headers)
    assert outsider.status_code == 404, outsider.text
    assert "Idempotent-Replayed" not in outsider.headers
    assert first.json()["event_id"] not in outsider.text
    assert _events(admin, case_id) == recorded  # nothing stored

    retry = admin.post(path, body, headers=headers)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert _events(admin, case_id) == recorded


def test_another_admin_key_reusing_the_key_with_the_same_body_gets_422(
    admin: Api, case_id: str
) -> None:
    path = f"/v1/cases/{case_id}/notitie"
    body = step_body("notitie")
    headers = {"Idempotency-Key": "scoped-2"}
    first = admin.post(path, body, headers=headers)
    assert first.status_code == 201, first.text
    recorded = _events(admin, case_id)

    issued = admin.post("/v1/api-keys", {"name": "tweede", "role": "admin"})
    assert issued.status_code == 201, issued.text
    second = admin.as_key(issued.json()["key"])
    reused = second.post(path, body, headers=headers)
    assert reused.status_code == 422, reused.text
    assert reused.json()["title"] == "Idempotency-Key reused"
    assert "Idempotent-Replayed" not in reused.headers
    assert _events(admin, case_id) == recorded

    retry = admin.post(path, body, headers=headers)
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert _events(admin, case_id) == recorded
