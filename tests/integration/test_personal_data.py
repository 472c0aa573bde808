"""Personal values in the store: encrypted under the case's own key, shredded with it.

On both stores: the stored events hold no personal value and no salt in the
clear; the key lives in its own table; destroying it leaves every event in
place, shows the values as erased (their commitments instead), and every
hash, case check and export still verifies. A ciphertext moved to another
event no longer decrypts, and is named.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
from werkzeug.serving import make_server

from domain.commitments import ERASED, hashed_form
from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.persistence.stores import schema_name
from service.proof.verify_export import verify_export
from tests.api.payloads import case_body, step_body
from tests.api.test_verify_api import StoredEvents
from tests.conftest import Api

EMPLOYEE = {"name": "Jan Fictief", "personnel_number": "F-0042", "date_of_birth": "1980-02-29"}
NOTE = "Belde zelf op maandag"
PLAIN = [b"Jan Fictief", b"F-0042", b"1980-02-29", NOTE.encode()]


@pytest.fixture
def personal_case(admin: Api, employer_id: str) -> str:
    body = case_body(employer_id, 200, employee=EMPLOYEE, note=NOTE)
    answer = admin.post("/v1/cases", body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["case_id"])


def test_the_store_holds_personal_values_and_salts_only_encrypted(
    admin: Api, personal_case: str, tenancy: Tenancy, admin_slug: str, settings: Settings
) -> None:
    opening = admin.get(f"/v1/cases/{personal_case}/events").json()["items"][0]
    assert opening["data"]["employee"] == EMPLOYEE and opening["data"]["note"] == NOTE
    state = json.dumps(StoredEvents(settings, admin_slug, personal_case).state(1)).encode()
    for plain in [*PLAIN, *(salt.encode() for salt in opening["salts"].values())]:
        assert plain not in state
    assert tenancy.tenant(admin_slug).case_keys.key(personal_case) is not None
    assert _key_rows(settings, admin_slug) == 1


def test_destroying_the_key_erases_the_values_and_keeps_every_proof(
    admin: Api, personal_case: str, tenancy: Tenancy, admin_slug: str, settings: Settings
) -> None:
    before = admin.get(f"/v1/cases/{personal_case}/events").json()["items"]
    export_before = admin.get("/v1/export").text.splitlines(keepends=True)
    keys = tenancy.tenant(admin_slug).case_keys
    key = keys.key(personal_case)
    assert key is not None

    assert keys.destroy(personal_case) is True
    assert keys.key(personal_case) is None and keys.destroy(personal_case) is False
    assert _key_rows(settings, admin_slug) == 0

    after = admin.get(f"/v1/cases/{personal_case}/events").json()["items"]
    opening = after[0]
    assert opening["data"]["employee"] == {part: ERASED for part in EMPLOYEE}
    assert opening["data"]["note"] == ERASED and "salts" not in opening
    assert set(opening["commitments"]) == set(before[0]["salts"])
    assert [hashed_form(e) for e in after] == [hashed_form(e) for e in before]
    verified = admin.get(f"/v1/cases/{personal_case}/verify").json()
    assert verified["valid"] is True, verified

    export = admin.get("/v1/export").text
    for plain in PLAIN:
        assert plain.decode() not in export
    assert verify_export(export.splitlines(keepends=True)).problems == []
    assert len(export_before) <= len(export.splitlines())
    if not settings.database_url:  # the SQLite files no longer hold the key anywhere
        for suffix in ("", "-wal"):
            stored = Path(f"{settings.data_dir}/tenants/{admin_slug}.sqlite{suffix}")
            assert not stored.exists() or key not in stored.read_bytes()


def test_a_ciphertext_moved_to_another_event_is_named_as_altered(
    admin: Api, personal_case: str, admin_slug: str, settings: Settings
) -> None:
    note = admin.post(f"/v1/cases/{personal_case}/notitie", step_body("notitie", 1))
    assert note.status_code == 201, note.text
    stored = StoredEvents(settings, admin_slug, personal_case)
    first, second = stored.state(1), stored.state(2)
    second["personal"]["note"] = first["personal"]["note"]
    second["data"]["note"] = first["data"]["note"]  # the commitment moves along
    stored.write_state(2, json.dumps(second).encode())
    verified = admin.get(f"/v1/cases/{personal_case}/verify").json()
    assert verified["valid"] is False
    assert any("Version 2 does not decode" in p for p in verified["problems"]), verified


def _key_rows(settings: Settings, slug: str) -> int:
    if settings.database_url:
        with psycopg.connect(settings.database_url) as connection:
            row = connection.execute(
                f"SELECT count(*) FROM {schema_name(slug)}.case_keys"
            ).fetchone()
    else:
        connection = sqlite3.connect(settings.data_dir / "tenants" / f"{slug}.sqlite")
        try:
            row = connection.execute("SELECT count(*) FROM case_keys").fetchone()
        finally:
            connection.close()
    assert row is not None
    return int(row[0])


def test_a_case_read_after_its_key_is_gone_shows_the_marker_not_an_error(
    admin: Api, personal_case: str, tenancy: Tenancy, admin_slug: str, settings: Settings
) -> None:
    """Another process (a fresh tenancy on the same store) reads the case from the store."""
    assert tenancy.tenant(admin_slug).case_keys.destroy(personal_case)
    elsewhere = Tenancy(settings)
    http = make_server("127.0.0.1", 0, create_app(settings, elsewhere), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        fresh = Api(f"http://127.0.0.1:{http.server_port}", admin.key)
        answer = fresh.get(f"/v1/cases/{personal_case}")
        assert answer.status_code == 200, answer.text
        case = answer.json()
        assert case["employee"] == {part: ERASED for part in EMPLOYEE}
        assert case["aow_date"] is None
        events = fresh.get(f"/v1/cases/{personal_case}/events").json()["items"]
        assert events[0]["data"]["note"] == ERASED
    finally:
        http.shutdown()
        elsewhere.close()
