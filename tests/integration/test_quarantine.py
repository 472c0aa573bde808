"""A record a projection cannot process is quarantined, not a stop (both stores).

Before, one damaged record — or on PostgreSQL a text with a NUL — stopped its
tenant's projections for good: trails frozen, ``?min_position=`` 503 forever,
and once the lag passed the limit ``/readyz`` took the whole process out of
the load balancer. Now the record is quarantined (visible in ``/readyz`` and
``/metrics``), its projections move past it, and other tenants never notice.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from datetime import date, timedelta
from typing import Any

import pytest

from domain.access import Actor
from projections import projection
from projections.progress import ProgressReport
from projections.store import error_text, store_unavailable
from service.application.tenancy import Tenancy
from service.config import Settings
from service.operations.projection_runner import PROJECTIONS, ProjectionRunner, ReadModels
from tests.api.payloads import case_body, step_body
from tests.api.test_verify_api import StoredEvents
from tests.conftest import Api, unique_slug
from tests.served import cli_env

PERSONAL = "Jan de Vries 123456789"
"""Content in the damaged record that no quarantine entry may echo."""


def _decodes_badly(state: dict[str, Any]) -> bytes:
    """Valid JSON, but its date holds a name: the event no longer decodes."""
    state["occurred_on"]["_data_"] = PERSONAL
    return json.dumps(state).encode()


def _not_json(state: dict[str, Any]) -> bytes:
    return b'{"event_id": "' + PERSONAL.encode() + b'", \xff'


def quarantine_metric(text: str, tenant: str, name: str) -> float | None:
    for line in text.splitlines():
        if (
            line.startswith("spoorlog_projection_quarantined{")
            and f'tenant="{tenant}"' in line
            and f'projection="{name}"' in line
        ):
            return float(line.rsplit(" ", 1)[1])
    return None


def readiness(api: Api) -> dict[str, Any]:
    answer = Api(api.base).get("/readyz")
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_until(check: Any, seconds: float = 15.0) -> Any:
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found


def assert_current(api: Api, case_id: str, position: int, version: int, met: bool = True) -> None:
    """Case list, worklist and audit trail all include the event at ``position``."""
    cases = api.get(f"/v1/cases?min_position={position}")
    assert cases.status_code == 200, cases.text
    row = next(c for c in cases.json()["items"] if c["case_id"] == case_id)
    assert row["version"] == version
    worklist = api.get(f"/v1/worklist?min_position={position}")
    assert worklist.status_code == 200, worklist.text
    codes = {i["code"] for i in worklist.json()["items"] if i["case_id"] == case_id}
    assert ("melding_arbodienst" in codes) is not met  # met by the event at ``position``
    trail = api.get(f"/v1/cases/{case_id}/audit-trail?min_position={position}")
    assert trail.status_code == 200, trail.text
    assert [e["version"] for e in trail.json()["entries"]] == list(range(1, version + 1))


@pytest.mark.parametrize("damage", [_decodes_badly, _not_json])
def test_a_damaged_record_is_quarantined_and_everything_after_it_is_projected(
    admin: Api,
    admin_slug: str,
    operator: Api,
    employer_id: str,
    runner: ProjectionRunner,
    tenancy: Tenancy,
    settings: Settings,
    damage: Any,
) -> None:
    opened = admin.post("/v1/cases", case_body(employer_id, 30)).json()
    damaged = opened["case_id"]
    answer = admin.post("/v1/cases", case_body(employer_id, 30)).json()
    other = answer["case_id"]
    assert_current(admin, other, answer["event"]["position"], version=1, met=False)
    runner.stop()  # so the record is damaged before any projection reads it
    bad = admin.post(f"/v1/cases/{damaged}/notitie", step_body("notitie", 2)).json()["position"]
    later = admin.post(
        f"/v1/cases/{other}/melding-arbodienst", step_body("melding-arbodienst", 25)
    ).json()["position"]
    stored = StoredEvents(settings, admin_slug, damaged)
    stored.write_state(2, damage(stored.state(2)))

    with ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.1):
        assert_current(admin, other, later, version=2)
        status = wait_until(
            lambda: (
                (t := readiness(admin)["tenants"][admin_slug])["projections"]["audit_trail"][
                    "quarantined"
                ]
                and t
            )
        )
        assert status["ready"] is True
        for kind in PROJECTIONS:
            assert status["projections"][kind.name] == {"lag": 0, "quarantined": 1}
        entries = status["quarantined"]
        assert sorted(e["projection"] for e in entries) == sorted(k.name for k in PROJECTIONS)
        assert {e["position"] for e in entries} == {bad}
        assert all(e["error"] and e["quarantined_at"] for e in entries)
        assert PERSONAL not in json.dumps(status)  # no content of the record is echoed
        assert "123456789" not in json.dumps(status)
        metrics = Api(admin.base).get("/metrics").text
        for kind in PROJECTIONS:
            assert quarantine_metric(metrics, admin_slug, kind.name) == 1.0

        # A second tenant, in the same process and runner, is unaffected.
        second = operator.as_key(
            operator.post(
                "/v1/platform/tenants", {"slug": unique_slug(), "name": "Bureau Twee"}
            ).json()["admin_key"]
        )
        second_slug = tenancy.control.authenticate(second.key or "")[0]  # type: ignore[index]
        employer = second.post(
            "/v1/employers",
            {"name": "Ander", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
        ).json()["id"]
        case = second.post("/v1/cases", case_body(employer, 30)).json()["case_id"]
        position = second.post(
            f"/v1/cases/{case}/melding-arbodienst", step_body("melding-arbodienst", 25)
        ).json()["position"]
        assert_current(second, case, position, version=2)
        theirs = readiness(admin)["tenants"][second_slug]
        assert theirs["ready"] is True and theirs["quarantined"] == []
        metrics = Api(admin.base).get("/metrics").text
        assert quarantine_metric(metrics, second_slug, "case_list") == 0.0

        # Events of the tenant after the quarantine keep flowing.
        newest = admin.post(f"/v1/cases/{other}/notitie", step_body("notitie", 1)).json()
        assert_current(admin, other, newest["position"], version=3)

    # A rebuild passes the record too, completes, and says so.
    rebuilt = subprocess.run(
        [sys.executable, "-m", "service.cli", "projections", "rebuild", "--tenant", admin_slug],
        env=cli_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Every projection folds each case only up to the batch it writes, so a rebuild
    # passes the damaged record alone and keeps the case as it stood before it, as live.
    for kind in PROJECTIONS:
        assert f"{admin_slug} {kind.name}: quarantined position {bad} (" in rebuilt.stderr
        assert re.search(
            rf"{admin_slug} {kind.name}: \d+ events .*, 1 quarantined", rebuilt.stderr
        ), rebuilt.stderr
    assert PERSONAL not in rebuilt.stderr
    status = readiness(admin)["tenants"][admin_slug]  # the rebuilt builds answer now
    for kind in PROJECTIONS:
        found = {e["position"] for e in status["quarantined"] if e["projection"] == kind.name}
        assert found == {bad}
    listed = admin.get(f"/v1/cases?min_position={newest['position']}").json()["items"]
    assert [c["version"] for c in listed if c["case_id"] == damaged] == [1]
    assert_current(admin, other, newest["position"], version=3)


def test_a_nul_in_a_text_is_quarantined_on_postgres(
    admin: Api,
    admin_slug: str,
    employer_id: str,
    runner: ProjectionRunner,
    tenancy: Tenancy,
    store: str,
) -> None:
    """PostgreSQL text cannot hold NUL: the audit trail entry cannot be written.

    The event is recorded through the application, around HTTP validation
    (which refuses NUL). On SQLite the same event projects normally.
    """
    case_id = admin.post("/v1/cases", case_body(employer_id, 30)).json()["case_id"]
    other = admin.post("/v1/cases", case_body(employer_id, 30)).json()["case_id"]
    app = tenancy.tenant(admin_slug)
    nul = app.record(
        case_id,
        "melding_arbodienst",
        Actor("test-key", "casemanager"),
        on=date.today() - timedelta(days=25),
        arbodienst="Arbo\u0000Zuid",
    ).positions[-1]
    later = admin.post(
        f"/v1/cases/{other}/melding-arbodienst", step_body("melding-arbodienst", 25)
    ).json()["position"]
    assert later > nul
    assert_current(admin, other, later, version=2)
    status = readiness(admin)["tenants"][admin_slug]
    assert status["ready"] is True
    if store == "postgres":
        trail = admin.get(f"/v1/cases/{case_id}/audit-trail?min_position={later}").json()
        assert [e["version"] for e in trail["entries"]] == [1]  # its entry could not be written
        [entry] = [e for e in status["quarantined"] if e["projection"] == "audit_trail"]
        assert entry["position"] == nul
        assert entry["error"] == "DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes"
        assert entry["event_id"] == app.repository.get(case_id).facts[-1].event_id
    else:
        assert status["quarantined"] == []


def test_a_store_that_is_unavailable_is_retried_not_quarantined(tenancy: Tenancy) -> None:
    """An operational error leaves the build where it was: nothing is skipped."""
    from eventsourcing.persistence import OperationalError

    from projections.case_list import CaseList
    from tests.integration.test_projections import seed

    slug = seed(tenancy, cases=2, notes=1)
    store = ReadModels(tenancy).store(slug)
    build = projection.target_build(store, CaseList)

    class Down(CaseList):
        def prepare(self, batch: Any) -> Any:
            raise OperationalError("could not connect to server: Connection refused")

    with pytest.raises(OperationalError):
        projection.catch_up(store, Down(store, build))
    assert store.position(build) == 0
    assert store.quarantine_counts() == {}
    projection.catch_up(store, CaseList(store, build))  # back: applies everything
    assert store.position(build) == store.head()


def test_a_batch_is_bisected_down_to_the_records_at_fault(tenancy: Tenancy) -> None:
    """Only the records that fail alone are quarantined; their neighbours are applied."""
    from projections.case_list import CaseList
    from tests.integration.test_projections import rows, seed

    slug = seed(tenancy, cases=6, notes=3)
    store = ReadModels(tenancy).store(slug)
    head = store.head()
    at_fault = {5, 6, head}

    class Picky(CaseList):
        def prepare(self, batch: Any) -> Any:
            if at_fault & {n.id for n in batch}:
                raise ValueError(f"cannot process '{PERSONAL}'")
            return super().prepare(batch)

    build = projection.target_build(store, CaseList, fresh=True)
    report = ProgressReport("t", stream=io.StringIO())
    passed = projection.catch_up(store, Picky(store, build), batch_size=50, progress=report)
    assert passed == head and store.position(build) == head
    assert report.quarantine_count == 3
    found = store.quarantined(build)
    assert [q.position for q in found] == sorted(at_fault, reverse=True)
    assert {q.error_class for q in found} == {"ValueError"}
    assert {q.error for q in found} == {"cannot process '…'"}
    assert all(q.event_id for q in found)  # the records themselves still decode
    assert len(rows(store, build)) == 6


def test_error_texts_keep_no_content_and_operational_errors_are_recognised() -> None:
    import sqlite3

    import psycopg
    from eventsourcing.persistence import DataError, OperationalError

    assert error_text(ValueError(f"Invalid isoformat string: '{PERSONAL}'")) == (
        "Invalid isoformat string: '…'"
    )
    assert len(error_text(ValueError("x" * 1000))) <= 160
    assert "\x00" not in error_text(ValueError("a\x00b"))
    assert store_unavailable(OperationalError("database or disk is full"))
    assert store_unavailable(sqlite3.OperationalError("unable to open database file"))
    assert store_unavailable(psycopg.OperationalError("connection refused"))
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError as error:
            raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        assert store_unavailable(wrapped)
    assert not store_unavailable(DataError("text fields cannot contain NUL"))
    assert not store_unavailable(ValueError("Expecting value: line 1 column 1"))
    assert not store_unavailable(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"))
