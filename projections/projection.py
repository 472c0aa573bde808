"""What a projection is, and how its builds are made, caught up and swapped in.

A projection declares a ``name`` and a ``version``. Each build of it has its
own tables (``<name>_v<version>_g<generation>_<table>``) and its own tracking
position. Queries read the newest *ready* build. When the code's version has
no build yet — or a rebuild is asked for — a new build is filled from the
first event while the old one keeps answering, and becomes ready (is swapped
in) once it has caught up. One older ready build is kept, so a query that
started on it can finish; older ones are dropped.

A batch that fails is split in halves until the record that fails on its own
is found; that record is quarantined (:class:`projections.store.Quarantined`)
and the build moves past it. A store that is unavailable is re-raised instead:
the caller backs off and retries, and nothing is skipped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Notification

from domain.hashchain import format_instant
from domain.steps.privacy import WISSING
from projections.store import (
    BUILDS_TABLE,
    QUARANTINE_TABLE,
    Quarantined,
    ReadModelStore,
    Session,
    StaleBatch,
    error_text,
    event_id_of,
    store_unavailable,
)

BATCH_SIZE = 500
ERASURE_TOPIC = f".{WISSING.event}"
"""A batch holding an erasure re-projects the case's rows; the store then shreds old copies."""
log = logging.getLogger("spoorlog.projections")


class Projection:
    """A read model built from one tenant's events alone."""

    name: ClassVar[str]
    version: ClassVar[int]
    tables: ClassVar[tuple[str, ...]]

    def __init__(self, store: ReadModelStore, build: str) -> None:
        self.store = store
        self.build = build

    def table(self, name: str) -> str:
        return self.store.table(f"{self.build}_{name}")

    def create(self, session: Session) -> None:
        """Create this build's tables."""
        raise NotImplementedError

    def prepare(self, batch: Sequence[Notification]) -> Any:
        """Read what writing the batch needs, before the transaction opens.

        Nothing may be read from the store inside :meth:`write`: a transaction
        that waits for a second connection can deadlock a bounded pool.
        """
        return batch

    def write(self, session: Session, prepared: Any) -> None:
        """Write the batch's rows, in the transaction that records the position."""
        raise NotImplementedError

    def drop(self, session: Session) -> None:
        for name in self.tables:
            session.execute(f"DROP TABLE IF EXISTS {self.table(name)}")


def _builds(session: Session, name: str) -> list[tuple[str, int, int, bool]]:
    rows = session.fetchall(
        f"SELECT build, version, generation, ready FROM {session.store.table(BUILDS_TABLE)} "
        "WHERE projection = ? ORDER BY version, generation",
        (name,),
    )
    return [(b, int(v), int(g), bool(r)) for b, v, g, r in rows]


def active_build(store: ReadModelStore, kind: type[Projection]) -> str | None:
    """The build queries read: the newest one that has caught up."""
    ready = [b for b, _, _, r in store.read(lambda s: _builds(s, kind.name)) if r]
    return ready[-1] if ready else None


def _create_build(store: ReadModelStore, kind: type[Projection], generation: int) -> str:
    """Register and create a build; if another process just did, use theirs."""
    build = f"{kind.name}_v{kind.version}_g{generation}"
    try:
        with store.transaction() as session:
            session.execute(
                f"INSERT INTO {store.table(BUILDS_TABLE)} "
                "(projection, build, version, generation) VALUES (?, ?, ?, ?)",
                (kind.name, build, kind.version, generation),
            )
            kind(store, build).create(session)
            store.start_tracking(session, build)
    except IntegrityError:
        pass  # created concurrently, tables and tracking included (same transaction)
    return build


def target_build(
    store: ReadModelStore,
    kind: type[Projection],
    *,
    fresh: bool = False,
    builds: list[tuple[str, int, int, bool]] | None = None,
) -> str:
    """The build the code's version should fill: the newest of its version, or a new one."""
    if builds is None:
        builds = store.read(lambda s: _builds(s, kind.name))
    generation = max((g for _, _, g, _ in builds), default=0)
    mine = [b for b, v, _, _ in builds if v == kind.version]
    if mine and not fresh:
        return mine[-1]
    return _create_build(store, kind, generation + 1)


Progress = Callable[[int, int], None]
"""Called with (events applied so far, events to apply in all)."""


def _apply(
    store: ReadModelStore, projection: Projection, position: int, batch: Sequence[Notification]
) -> None:
    prepared = projection.prepare(batch)
    store.apply(
        projection.build,
        position,
        batch[-1].id,
        lambda session: projection.write(session, prepared),
    )
    if any(n.topic.endswith(ERASURE_TOPIC) for n in batch):
        store.shred()


def _quarantine(
    store: ReadModelStore,
    projection: Projection,
    position: int,
    notification: Notification,
    error: Exception,
) -> Quarantined:
    record = Quarantined(
        projection=projection.name,
        build=projection.build,
        position=notification.id,
        event_id=event_id_of(notification),
        error_class=type(error).__name__,
        error=error_text(error),
        quarantined_at=format_instant(datetime.now(UTC)),
    )
    store.apply(projection.build, position, notification.id, None, quarantine=record)
    log.warning(
        f"record quarantined: {projection.build} passed position {notification.id} "
        f"({record.error_class})"
    )
    return record


def _apply_or_split(
    store: ReadModelStore,
    projection: Projection,
    position: int,
    batch: Sequence[Notification],
    quarantined: list[Quarantined],
) -> None:
    """Apply the batch; when it fails, its halves in order, down to the record at fault."""
    try:
        _apply(store, projection, position, batch)
        return
    except StaleBatch:
        raise
    except Exception as error:
        if store_unavailable(error):
            raise
        if len(batch) == 1:
            quarantined.append(_quarantine(store, projection, position, batch[0], error))
            return
    middle = len(batch) // 2
    _apply_or_split(store, projection, position, batch[:middle], quarantined)
    _apply_or_split(store, projection, batch[middle - 1].id, batch[middle:], quarantined)


def catch_up(
    store: ReadModelStore,
    projection: Projection,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Apply every event not yet applied to this build; returns how many were passed
    (applied, or quarantined because they could not be). A ``progress`` with a
    ``quarantined(record)`` method hears of each quarantined record."""
    applied = 0
    total = store.head() - store.position(projection.build) if progress is not None else 0
    while not stop():
        position = store.position(projection.build)
        batch = store.notifications(position, batch_size)
        if not batch:
            break
        quarantined: list[Quarantined] = []
        try:
            _apply_or_split(store, projection, position, batch, quarantined)
        except StaleBatch:
            time.sleep(0.01)
            continue
        finally:
            for record in quarantined:  # committed, even when a later half raised
                report = getattr(progress, "quarantined", None)
                if report is not None:
                    report(record)
        applied += len(batch)
        if progress is not None:
            progress(applied, max(total, applied))
    return applied


def swap_in(store: ReadModelStore, kind: type[Projection], build: str) -> None:
    """Make a caught-up build the one queries read; keep one older ready build."""
    with store.transaction() as session:
        table = store.table(BUILDS_TABLE)
        session.execute(
            f"UPDATE {table} SET ready = 1 WHERE projection = ? AND build = ?", (kind.name, build)
        )
        ready = [b for b, _, _, r in _builds(session, kind.name) if r and b != build]
        for old in ready[:-1]:
            kind(store, old).drop(session)
            session.execute(
                f"DELETE FROM {table} WHERE projection = ? AND build = ?", (kind.name, old)
            )
            session.execute(f"DELETE FROM {store.table(QUARANTINE_TABLE)} WHERE build = ?", (old,))


def run(store: ReadModelStore, kind: type[Projection], **options: Any) -> int:
    """Bring the projection up to date in this tenant: fill its build, swap it in when ready."""
    builds = store.read(lambda s: _builds(s, kind.name))
    build = target_build(store, kind, builds=builds)
    stop = options.get("stop", lambda: False)
    applied = catch_up(store, kind(store, build), **options)
    if not stop() and build not in [b for b, _, _, ready in builds if ready][-1:]:
        swap_in(store, kind, build)  # catch_up returned caught up: the build is complete
    return applied


def rebuild(store: ReadModelStore, kind: type[Projection], **options: Any) -> int:
    """Fill a fresh build from the first event; the old build answers until it is swapped in."""
    build = target_build(store, kind, fresh=True)
    applied = catch_up(store, kind(store, build), **options)
    swap_in(store, kind, build)
    return applied
