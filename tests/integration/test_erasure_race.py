"""An erasure racing a save that names the same document keeps the bytes for it (PostgreSQL;
SQLite's writers take turns). The save locks the document's row before it waits for the
events' lock; the erasure waits for that row, then sees the save's event and keeps the
bytes. Without the row lock the erasure deleted them while the save was under way, and
the other case's document was lost."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import psycopg
import pytest

from domain.access import Actor, Role
from service.application import retention
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.config import Settings
from service.persistence.stores import schema_name
from tests.conftest import unique_slug
from tests.seeding import record_document

ADMIN = Actor("test-admin", Role.ADMIN)
FIRST, ENDED = date(2019, 1, 7), date(2019, 3, 4)
CONTENT = b"%PDF-1.4\nFictief gedeeld verslag voor de race\n"
SHA256 = hashlib.sha256(CONTENT).hexdigest()


def add_document(app: TenantApplication, case_id: str, on: date) -> None:
    record_document(app, case_id, ADMIN, on, CONTENT, "Gedeeld verslag")


def waiting(connection: psycopg.Connection[Any], count: int) -> None:
    """Until ``count`` sessions of this database wait for a lock (ten seconds at most)."""
    deadline = time.monotonic() + 10
    while True:
        (found,) = connection.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()"
        ).fetchone() or (0,)
        if found >= count:
            return
        assert time.monotonic() < deadline, f"{found} sessions wait for a lock, not {count}"
        time.sleep(0.05)


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[BaseException]]:
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # reported by the test
            failed.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failed


@pytest.mark.parametrize("store", ["postgres"])
def test_an_erasure_racing_a_save_of_the_same_document_keeps_its_bytes(
    tenancy: Tenancy, settings: Settings
) -> None:
    slug = unique_slug("race")
    tenancy.create_tenant(slug, "Bureau Race", by="test")
    app = tenancy.tenant(slug)
    employer_id = str(
        app.register_employer(
            ADMIN,
            name="Bakkerij Voorbeeld",
            kvk_number=None,
            eigenrisicodrager_zw=False,
            eigenrisicodrager_wga=False,
        ).aggregate.id
    )
    opened = app.open_case(
        ADMIN,
        employer_id=employer_id,
        employee={"name": "Fictief Persoon"},
        first_sick_day=FIRST,
        reported_on=FIRST,
    )
    erased_id = str(opened.aggregate.id)
    add_document(app, erased_id, ENDED)
    app.record(erased_id, "herstelmelding", ADMIN, on=ENDED, percentage=100)
    app.record(erased_id, "afsluiting", ADMIN, on=ENDED, reason="herstel")
    other = app.open_case(
        ADMIN,
        employer_id=employer_id,
        employee={"name": "Fictief Ander"},
        first_sick_day=date.today(),
        reported_on=date.today(),
    )
    other_id = str(other.aggregate.id)
    events = f"{schema_name(slug)}.{app.recorder.events_table_name}"  # type: ignore[attr-defined]

    assert settings.database_url
    with (
        psycopg.connect(settings.database_url) as holder,
        psycopg.connect(settings.database_url, autocommit=True) as watcher,
    ):
        holder.execute(f"LOCK TABLE {events} IN EXCLUSIVE MODE")  # every save waits for it
        saving, save_failed = in_thread(lambda: add_document(app, other_id, date.today()))
        waiting(watcher, 1)  # the save holds the document's row, and waits for the events
        erasing, erase_failed = in_thread(
            lambda: retention.erase_case(app, erased_id, ADMIN, "Bewaartermijn verstreken")
        )
        waiting(watcher, 2)  # the erasure waits for the document's row
        holder.commit()
        saving.join(timeout=30)
        erasing.join(timeout=30)
    assert not saving.is_alive() and not erasing.is_alive()
    assert save_failed == [] and erase_failed == []

    kept = app.document(other_id, SHA256, ADMIN)
    assert kept.content == CONTENT
    assert retention.document_erased_on(app, erased_id, SHA256, ADMIN) is not None
    assert app.case_keys.key(erased_id) is None
