"""Verification finds tampering made directly in the store, on both stores (issue 5).

Each test changes the stored records the way an insider with database access
could — SQL on PostgreSQL, the SQLite file on the embedded store — and checks
that ``GET /v1/cases/{id}/verify`` and ``spoorlog verify`` name it, never
answering 500.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from service.config import Settings
from service.persistence.stores import schema_name
from tests.api.payloads import STEP_BODIES, case_body, day
from tests.conftest import Api, key_of_another_employer
from tests.served import cli_env


class StoredEvents:
    """The tenant's stored_events table, reached around Spoorlog."""

    def __init__(self, settings: Settings, slug: str, case_id: str) -> None:
        self.settings = settings
        self.slug = slug
        self.case_id = case_id

    @contextmanager
    def _sql(self) -> Iterator[tuple[Any, str, str]]:
        """A cursor, the table, and the placeholder of the store's dialect."""
        if self.settings.database_url:
            with psycopg.connect(self.settings.database_url, autocommit=True) as connection:
                yield connection.cursor(), f"{schema_name(self.slug)}.tenant_events", "%s"
        else:
            path = self.settings.data_dir / "tenants" / f"{self.slug}.sqlite"
            connection = sqlite3.connect(path, isolation_level=None)
            try:
                yield connection.cursor(), "stored_events", "?"
            finally:
                connection.close()

    def _id(self) -> Any:
        case = uuid.UUID(self.case_id)
        return case if self.settings.database_url else case.hex  # how each recorder keys it

    def state(self, version: int) -> dict[str, Any]:
        with self._sql() as (cursor, table, p):
            cursor.execute(
                f"SELECT state FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                (self._id(), version),
            )
            return json.loads(bytes(cursor.fetchone()[0]))

    def write_state(self, version: int, state: bytes) -> None:
        with self._sql() as (cursor, table, p):
            cursor.execute(
                f"UPDATE {table} SET state = {p} "
                f"WHERE originator_id = {p} AND originator_version = {p}",
                (state, self._id(), version),
            )

    def delete(self, version: int) -> None:
        with self._sql() as (cursor, table, p):
            cursor.execute(
                f"DELETE FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                (self._id(), version),
            )

    def move(self, version: int, to: int) -> None:
        with self._sql() as (cursor, table, p):
            cursor.execute(
                f"UPDATE {table} SET originator_version = {p} "
                f"WHERE originator_id = {p} AND originator_version = {p}",
                (to, self._id(), version),
            )

    def overwrite_document(self, sha256: str, content: bytes) -> None:
        with self._sql() as (cursor, table, p):
            documents = table.replace("tenant_events", "documents").replace(
                "stored_events", "documents"
            )
            cursor.execute(
                f"UPDATE {documents} SET content = {p} WHERE sha256 = {p}", (content, sha256)
            )
            assert cursor.rowcount == 1

    def insert_copy(self, of: int, at: int) -> None:
        """A copy of one event under a new event id, stored at version ``at``."""
        state = self.state(of)
        state["event_id"] = str(uuid.uuid4())
        with self._sql() as (cursor, table, p):
            cursor.execute(
                f"SELECT topic FROM {table} WHERE originator_id = {p} AND originator_version = {p}",
                (self._id(), of),
            )
            topic = cursor.fetchone()[0]
            columns, values = "originator_id, originator_version, topic, state", (p,) * 4
            params: tuple[Any, ...] = (self._id(), at, topic, json.dumps(state).encode())
            if self.settings.database_url:
                cursor.execute(f"SELECT MAX(notification_id) + 1 FROM {table}")
                columns += ", notification_id"
                values += (p,)
                params += (cursor.fetchone()[0],)
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(values)})", params)


def new_case(admin: Api, employer_id: str) -> str:
    """A case of 5 events: ziekmelding, melding, probleemanalyse, plan, evaluatie."""
    case_id = admin.post("/v1/cases", case_body(employer_id, 100)).json()["case_id"]
    for path, ago in [
        ("melding-arbodienst", 98),
        ("probleemanalyse", 70),
        ("plan-van-aanpak", 60),
        ("evaluatie", 20),
    ]:
        body = {**STEP_BODIES[path], "occurred_on": day(ago)}
        assert admin.post(f"/v1/cases/{case_id}/{path}", body).status_code == 201
    return case_id


@pytest.fixture
def case(
    admin: Api, employer_id: str, settings: Settings, admin_slug: str
) -> tuple[str, StoredEvents]:
    case_id = new_case(admin, employer_id)
    return case_id, StoredEvents(settings, admin_slug, case_id)


def verified(admin: Api, case_id: str) -> dict[str, Any]:
    answer = admin.get(f"/v1/cases/{case_id}/verify")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_an_untouched_case_verifies(admin: Api, case: tuple[str, StoredEvents]) -> None:
    case_id, _ = case
    result = verified(admin, case_id)
    events = admin.get(f"/v1/cases/{case_id}/events").json()["items"]
    assert result == {
        "case_id": case_id,
        "valid": True,
        "events_checked": 5,
        "head_hash": events[-1]["hash"],
        "problems": [],
    }


def test_an_edited_event_is_reported(admin: Api, case: tuple[str, StoredEvents]) -> None:
    case_id, stored = case
    state = stored.state(3)
    state["data"]["bedrijfsarts"] = "Dr. Iemand Anders"
    stored.write_state(3, json.dumps(state).encode())
    result = verified(admin, case_id)
    assert not result["valid"] and len(result["problems"]) == 1
    assert "Version 3" in result["problems"][0] and "edited" in result["problems"][0]


def test_a_deleted_event_is_reported(admin: Api, case: tuple[str, StoredEvents]) -> None:
    case_id, stored = case
    stored.delete(3)
    result = verified(admin, case_id)
    assert result["problems"] == ["Version 3 missing: removed from the store."]


def test_reordered_events_are_reported(admin: Api, case: tuple[str, StoredEvents]) -> None:
    case_id, stored = case
    stored.move(2, 99)
    stored.move(3, 2)
    stored.move(99, 3)
    problems = verified(admin, case_id)["problems"]
    assert len(problems) == 2 and all("reordered" in p for p in problems)
    assert "recorded as version 3 and is stored as version 2" in problems[0]


def test_an_inserted_event_is_reported(admin: Api, case: tuple[str, StoredEvents]) -> None:
    case_id, stored = case
    for version in (5, 4, 3):
        stored.move(version, version + 1)
    stored.insert_copy(of=2, at=3)
    problems = verified(admin, case_id)["problems"]
    assert problems and all("inserted" in p for p in problems)


def test_an_undecodable_record_is_reported_not_a_500(
    admin: Api, case: tuple[str, StoredEvents]
) -> None:
    case_id, stored = case
    stored.write_state(4, b"\xff\xfe not json at all")
    result = verified(admin, case_id)
    assert not result["valid"]
    assert any("Version 4 does not decode" in p for p in result["problems"])
    damaged = admin.get(f"/v1/cases/{case_id}", params={"as_of": datetime.now(UTC).isoformat()})
    assert damaged.status_code == 409, damaged.text  # a clear problem, never a 500
    assert "/verify" in damaged.json()["detail"]
    assert admin.get(f"/v1/cases/{case_id}/events").status_code == 409
    feed = admin.get("/v1/events", params={"limit": 1000})
    assert feed.status_code == 409 and "position" in feed.json()["detail"]


def test_spoorlog_verify_names_the_broken_case_and_fails(
    admin: Api, employer_id: str, case: tuple[str, StoredEvents], settings: Settings
) -> None:
    case_id, stored = case
    intact = new_case(admin, employer_id)
    stored.delete(2)
    run = run_verify(settings, stored.slug)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["cases"] == 2 and report["events"] == 9
    assert [c["case_id"] for c in report["invalid"]] == [case_id] != [intact]
    assert report["feed"]["problems"]  # the feed lost position 3 as well
    assert "verify: 9 events" in run.stderr  # the progress report's last line


def test_spoorlog_verify_finds_a_whole_case_removed_after_a_checkpoint(
    admin: Api, employer_id: str, settings: Settings, admin_slug: str
) -> None:
    kept = new_case(admin, employer_id)
    removed = new_case(admin, employer_id)
    assert admin.post("/v1/checkpoints").status_code == 201
    stored = StoredEvents(settings, admin_slug, removed)
    for version in range(1, 6):
        stored.delete(version)
    run = run_verify(settings, stored.slug)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert report["invalid"] == [] and report["cases"] == 1  # every remaining case is intact
    assert any("the history up to it was changed" in p for p in report["feed"]["problems"])
    assert verified(admin, kept)["valid"]


def test_spoorlog_verify_passes_a_healthy_tenant_with_events_after_its_checkpoint(
    admin: Api, employer_id: str, settings: Settings, admin_slug: str
) -> None:
    new_case(admin, employer_id)
    assert admin.post("/v1/checkpoints").status_code == 201
    new_case(admin, employer_id)
    run = run_verify(settings, admin_slug)
    assert run.returncode == 0, run.stdout + run.stderr
    feed = json.loads(run.stdout)["feed"]
    assert feed["problems"] == [] and feed["tree_heads"] >= 1


def run_verify(settings: Settings, slug: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", "verify", "--tenant", slug],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_verify_is_404_for_an_unknown_case_or_another_employer(
    admin: Api, case: tuple[str, StoredEvents]
) -> None:
    case_id, _ = case
    scoped = key_of_another_employer(admin)
    assert scoped.get(f"/v1/cases/{case_id}/verify").status_code == 404
    assert admin.get(f"/v1/cases/{uuid.uuid4()}/verify").status_code == 404
    assert admin.get("/v1/cases/not-a-uuid/verify").status_code == 404


def test_a_document_whose_stored_bytes_changed_is_refused_not_served(
    admin: Api, case: tuple[str, StoredEvents]
) -> None:
    case_id, stored = case
    answer = admin.post(
        f"/v1/cases/{case_id}/document",
        data={"title": "Verslag", "occurred_on": day(1)},
        files={"file": ("verslag.txt", b"origineel", "text/plain")},
    )
    digest = answer.json()["data"]["sha256"]
    stored.overwrite_document(digest, b"vervalst")
    refused = admin.get(f"/v1/cases/{case_id}/documents/{digest}")
    assert refused.status_code == 409, refused.text
    assert "no longer match" in refused.json()["detail"]
