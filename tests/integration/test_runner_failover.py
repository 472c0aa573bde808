"""More than one node on one PostgreSQL: two `spoorlog serve` (gunicorn), one runner working.

Each node starts its own projection runner; the runner lock lets one of them
work and keeps the other waiting. Killing the working runner (SIGKILL: no
clean-up of its own) hands the work to the other within seconds, and both
nodes keep serving, read-after-write included.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests

from domain.access import Actor
from service.application.tenancy import Tenancy
from service.config import Settings
from service.operations.leadership import Leadership
from tests.api.payloads import step_body
from tests.conftest import Api, unique_slug
from tests.seeding import tenant_with_case
from tests.served import free_port, start_server, stop_server

pytestmark = pytest.mark.postgres
ACTOR = Actor("test-key", "casemanager")


def leader(url: str, settings: Settings) -> int | None:
    """The process id of the runner holding the lock (it names itself in its connection)."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(%s, 0)",
            (Leadership(settings).key,),
        ).fetchone()
    return int(row[0].rsplit("-", 1)[1]) if row else None


def runners(url: str, settings: Settings) -> set[int]:
    """The runner processes waiting for or holding the lock (each has its lock connection)."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE %s",
            ("%-runner-%",),
        ).fetchall()
    alive = {int(name.rsplit("-", 1)[1]) for (name,) in rows}
    return {pid for pid in alive if Path(f"/proc/{pid}/cmdline").exists()}


def wait_for(check, what: str, limit: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.fixture
def two_nodes(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Settings, list[str], str, str]]:
    settings = Settings(
        database_url=postgres_url,
        data_dir=tmp_path,
        control_schema=f"control_{uuid.uuid4().hex[:10]}",
    )
    tenancy = Tenancy(settings)
    slug = unique_slug("n")
    key, _, case_id, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=20)
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            servers.append((start_server(settings, port), f"http://127.0.0.1:{port}"))
        yield settings, [base for _, base in servers], key, str(case_id)
    finally:
        for process, _ in servers:
            stop_server(process)
        tenancy.stores.drop(slug)
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{settings.control_schema}" CASCADE')
        tenancy.close()


def test_one_runner_works_and_the_other_takes_over_when_it_is_killed(
    two_nodes: tuple[Settings, list[str], str, str], postgres_url: str
) -> None:
    settings, bases, key, case_id = two_nodes
    first, second = Api(bases[0], key), Api(bases[1], key)

    def both_waiting_or_working() -> set[int] | None:
        found = runners(postgres_url, settings)
        return found if len(found) == 2 else None

    both = wait_for(both_waiting_or_working, "both nodes' runners")
    working = wait_for(lambda: leader(postgres_url, settings), "a runner to lead")
    assert working in both

    noted = first.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 1))
    assert noted.status_code == 201, noted.text
    listed = second.get("/v1/cases", params={"min_position": noted.json()["position"]})
    assert listed.status_code == 200, listed.text  # written on one node, read on the other

    os.kill(working, signal.SIGKILL)

    def another_leads() -> int | None:
        pid = leader(postgres_url, settings)
        return pid if pid not in (None, working) else None

    taken_over = wait_for(another_leads, "the waiting runner to take over")
    assert taken_over in both - {working}

    noted = second.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 1))
    assert noted.status_code == 201, noted.text
    position = noted.json()["position"]

    def applied() -> requests.Response | None:
        answer = first.get("/v1/cases", params={"min_position": position})
        return answer if answer.status_code == 200 else None

    listed = wait_for(applied, "the new runner to apply the event")
    assert [item["version"] for item in listed.json()["items"]] == [3]
    for api in (first, second):  # each node answers for itself, without the dead runner
        ready = api.get("/readyz")
        assert ready.status_code == 200, ready.text
