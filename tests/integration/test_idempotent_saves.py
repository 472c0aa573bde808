"""A key already answered makes the second save an integrity error, on both stores.

Two retries of one request can both pass the "already answered?" check before
either commits; the one that commits second must then fail in a way the
command path recognises as a lost race (and answers as a replay), never as an
operational error — which is what a conflicting insert inside PostgreSQL's
pipeline used to look like.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from domain.access import Actor
from domain.case import Case
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.config import Settings
from service.persistence.recorders import IdempotentResponse
from service.persistence.stores import schema_name
from tests.conftest import unique_slug

ACTOR = Actor("key-1", "casemanager")


def answered(key: str, case_id: str, version: int) -> IdempotentResponse:
    return IdempotentResponse(key, "fingerprint", 201, {}, {}, (case_id, version))


@pytest.fixture
def opened(tenancy: Tenancy) -> tuple[TenantApplication, str, Case]:
    """A tenant's application, its slug, and a case just opened in it."""
    slug = unique_slug()
    tenancy.create_tenant(slug, "Bureau")
    app = tenancy.tenant(slug)
    employer = app.register_employer(
        ACTOR, name="W", kvk_number=None, eigenrisicodrager_zw=False, eigenrisicodrager_wga=False
    ).aggregate
    start = date.today() - timedelta(days=10)
    case = app.open_case(
        ACTOR, employer_id=str(employer.id), employee={"name": "F"}, first_sick_day=start,
        reported_on=start,
    ).aggregate  # fmt: skip
    return app, slug, case


def test_saving_under_an_answered_key_is_an_integrity_error_and_stores_nothing(
    opened: tuple[TenantApplication, str, Case],
) -> None:
    app, _, case = opened
    case.notitie(on=date.today(), by=ACTOR, kind="contact", text="eerste")
    app.save(case, idempotency=answered("retry-1", str(case.id), case.version))

    twin = app.repository.get(case.id)  # the second retry loads after the first committed
    twin.notitie(on=date.today(), by=ACTOR, kind="contact", text="tweede")
    with pytest.raises(IntegrityError):
        app.save(twin, idempotency=answered("retry-1", str(twin.id), twin.version))
    assert app.repository.get(case.id, version=None).version == 2
    assert len(app.recorder.select_events(case.id)) == 2


def test_a_save_that_lost_the_race_for_its_version_stores_nothing_and_the_next_one_works(
    opened: tuple[TenantApplication, str, Case],
) -> None:
    """The whole save is sent at once; when the server refuses the insert it skips the
    commit, and the aborted transaction must not reach the next save."""
    app, _, case = opened
    stale = app.repository.get(case.id)
    case.notitie(on=date.today(), by=ACTOR, kind="contact", text="eerste")
    app.save(case)
    stale.notitie(on=date.today(), by=ACTOR, kind="contact", text="verloren race")
    with pytest.raises(IntegrityError):
        app.save(stale)
    again = app.repository.get(case.id)
    again.notitie(on=date.today(), by=ACTOR, kind="contact", text="daarna")
    app.save(again)
    stored = app.recorder.select_events(case.id)
    assert [e.originator_version for e in stored] == [1, 2, 3]
    assert app.recorder.max_notification_id() == 4  # employer, opening, two notities: no gap


def test_a_twin_that_commits_the_key_while_we_wait_makes_ours_an_integrity_error(
    opened: tuple[TenantApplication, str, Case], settings: Settings
) -> None:
    """The race itself: our insert waits on a twin's uncommitted key, which then commits."""
    app, slug, case = opened
    case.notitie(on=date.today(), by=ACTOR, kind="contact", text="ons verzoek")
    outcome: list[BaseException | None] = []

    with _twin_holding_key(settings, slug, "retry-2") as commit_twin:
        saving = threading.Thread(
            target=lambda: outcome.append(
                _raised(lambda: app.save(case, idempotency=answered("retry-2", str(case.id), 3)))
            )
        )
        saving.start()
        time.sleep(0.5)  # our save is now waiting on the twin's key
        commit_twin()
        saving.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], IntegrityError), outcome
    assert len(app.recorder.select_events(case.id)) == 1


def _raised(action: Any) -> BaseException | None:
    try:
        action()
    except BaseException as error:
        return error
    return None


@contextmanager
def _twin_holding_key(settings: Settings, slug: str, key: str) -> Iterator[Any]:
    """Another writer inserts ``key`` in an open transaction; call the result to commit."""
    if settings.database_url:
        connection: Any = psycopg.connect(settings.database_url)
        connection.execute(
            f"INSERT INTO {schema_name(slug)}.idempotency_keys (key, fingerprint, response) "
            "VALUES (%s, 'twin', '{}')",
            (key,),
        )
    else:
        path = settings.data_dir / "tenants" / f"{slug}.sqlite"
        connection = sqlite3.connect(path, isolation_level="DEFERRED", check_same_thread=False)
        connection.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, response) VALUES (?, 'twin', '{}')",
            (key,),
        )
    try:
        yield connection.commit
    finally:
        connection.close()
