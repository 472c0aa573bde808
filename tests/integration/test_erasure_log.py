"""SQLite's write-ahead log after an erasure: a reader holding an older snapshot keeps the
checkpoint from truncating it, and SQLite says so without raising. The shredding then
tells it — a warning in the JSON log naming the tenant (no personal data) and a line of
the retention run — and the next run truncates it. On PostgreSQL there is no such log
to truncate: the run reports it done."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from projections import store as read_model_store
from projections.store import ReadModelStore, read_model_file
from service.application import retention
from service.application.tenancy import Tenancy
from service.config import Settings
from tests.api.test_retention_api import holding, store_contents
from tests.integration.test_retention_run import ended_case, seeded, stored_key


class Told(logging.Handler):
    """The warnings of the stores' logger, as records (the app's loggers do not propagate)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def warnings() -> Iterator[list[logging.LogRecord]]:
    logger, told = logging.getLogger("spoorlog.stores"), Told()
    logger.addHandler(told)
    try:
        yield told.records
    finally:
        logger.removeHandler(told)


@contextmanager
def reading(file: Path | None) -> Iterator[None]:
    """Another connection in the middle of a read of the file as it is now (none on
    PostgreSQL): SQLite may not truncate the log while it still reads its snapshot."""
    if file is None:
        yield
        return
    reader = sqlite3.connect(file, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        reader.close()


def test_a_log_a_reader_holds_is_told_and_truncated_by_the_next_run(
    tenancy: Tenancy, settings: Settings
) -> None:
    slug, app, employer_id = seeded(tenancy)
    case_id = ended_case(app, employer_id)
    key = stored_key(app, case_id)
    assert key is not None
    file = None if settings.database_url else Path(app.recorder.datastore.pool.db_name)

    told: list[str] = []
    with warnings() as logged, reading(file):
        report = retention.run(app, dry_run=False, tell=told.append)
    assert report.erased == [case_id] and stored_key(app, case_id) is None
    if file is not None:
        assert report.log_truncated is False
        assert told[-1] == retention.LOG_LEFT
        (warning,) = logged
        assert getattr(warning, "tenant", None) == slug
        assert "Fictief" not in warning.getMessage() and case_id not in warning.getMessage()
        assert holding(store_contents(settings, slug), key)  # honestly: still in the files
    else:
        assert report.log_truncated is True and retention.LOG_LEFT not in told and not logged

    told.clear()
    with warnings() as logged:
        again = retention.run(app, dry_run=False, tell=told.append)
    assert again.log_truncated is True and told == [] and logged == []
    assert holding(store_contents(settings, slug, key), key) == []


def test_the_read_models_log_a_reader_holds_is_told(
    tenancy: Tenancy, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    slug, app, _ = seeded(tenancy)
    store = ReadModelStore(app)
    file = (
        None
        if settings.database_url
        else Path(read_model_file(str(app.recorder.datastore.pool.db_name)))
    )
    with warnings() as logged, reading(file):
        if file is not None:  # a write the reader's snapshot does not hold
            with store.transaction() as session:
                session.execute("CREATE TABLE IF NOT EXISTS scratch (n INTEGER)")
        shredded = store.shred()
    if file is not None:
        assert shredded is False and store.shred_owed
        assert [getattr(record, "tenant", None) for record in logged] == [slug]
        assert "read models" in logged[0].getMessage()
    else:
        assert shredded is True and logged == [] and not store.shred_owed
    # The owed shredding is tried again after a later batch without an erasure.
    monkeypatch.setattr(read_model_store, "SHRED_RETRY", 0.0)
    with warnings() as logged:
        store.shred_after(False)
        assert logged == [] and not store.shred_owed
        assert store.shred() is True and logged == []
