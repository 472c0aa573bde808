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
    folds_each_event: ClassVar[bool] = False
    """Prepares a batch by folding its cases with a look at each event
    (:func:`projections.case_projection.fold_batch`): of projections preparing a batch
    together, it goes first, and the others take the cases it folded."""

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
    store.shred_after(any(n.topic.endswith(ERASURE_TOPIC) for n in batch))


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


def _apply_together(
    store: ReadModelStore,
    group: Sequence[Projection],
    position: int,
    batch: Sequence[Notification],
    quarantined: list[Quarantined],
) -> None:
    """Apply the batch to every projection of the group in one transaction, its events read,
    decoded and folded once for them all; when that fails, to each on its own (which finds
    and quarantines the record at fault for the projection it fails in)."""
    if len(group) == 1:
        _apply_or_split(store, group[0], position, batch, quarantined)
        return
    try:
        with store.batch_scope():
            ordered = sorted(group, key=lambda p: not p.folds_each_event)
            prepared = [(p, p.prepare(batch)) for p in ordered]
        store.apply_together(
            [(p.build, _writer(p, ready)) for p, ready in prepared], position, batch[-1].id
        )
    except StaleBatch:
        raise
    except Exception as error:
        if store_unavailable(error):
            raise
        for projection in group:
            _apply_or_split(store, projection, position, batch, quarantined)
        return
    store.shred_after(any(n.topic.endswith(ERASURE_TOPIC) for n in batch))


def _writer(projection: Projection, prepared: Any) -> Callable[[Session], None]:
    return lambda session: projection.write(session, prepared)


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
    return catch_up_together(
        store, [projection], batch_size=batch_size, progress=progress, stop=stop
    )


def catch_up_together(
    store: ReadModelStore,
    projections: Sequence[Projection],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """:func:`catch_up` for several builds of one tenant, those at the same position
    together: each batch is read, decoded and folded once for them all and written in one
    transaction. A build behind the others catches up alone until it reaches them (its
    batch ends where they stand), then goes on with them. Returns the events passed,
    summed over the builds."""
    applied = 0
    total = 0
    if not projections:
        return 0
    if progress is not None:
        head = store.head()
        total = sum(head - store.position(p.build) for p in projections)
    while not stop():
        positions = {p.build: store.position(p.build) for p in projections}
        low = min(positions.values())
        group = [p for p in projections if positions[p.build] == low]
        batch = store.notifications(low, batch_size)
        ahead = [position for position in positions.values() if position > low]
        if ahead:
            batch = [n for n in batch if n.id <= min(ahead)]
        if not batch:
            break
        quarantined: list[Quarantined] = []
        try:
            _apply_together(store, group, low, batch, quarantined)
        except StaleBatch:
            time.sleep(0.01)
            continue
        finally:
            for record in quarantined:  # committed, even when a later half raised
                report = getattr(progress, "quarantined", None)
                if report is not None:
                    report(record)
        applied += len(batch) * len(group)
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


def run_together(store: ReadModelStore, kinds: Sequence[type[Projection]], **options: Any) -> int:
    """:func:`run` for every projection of the tenant at once (:func:`catch_up_together`).

    A projection whose build cannot be found or made is left out, and its error raised
    once the others are up to date."""
    builds = store.read(lambda s: {kind: _builds(s, kind.name) for kind in kinds})
    targets: dict[type[Projection], str] = {}
    failed: Exception | None = None
    for kind in kinds:
        try:
            targets[kind] = target_build(store, kind, builds=builds[kind])
        except Exception as error:
            failed = failed or error
    stop = options.get("stop", lambda: False)
    applied = catch_up_together(
        store, [kind(store, build) for kind, build in targets.items()], **options
    )
    if not stop():  # caught up: every build is complete
        for kind, build in targets.items():
            if build not in [b for b, _, _, ready in builds[kind] if ready][-1:]:
                swap_in(store, kind, build)
    if failed is not None:
        raise failed
    return applied


def rebuild_together(
    store: ReadModelStore, kinds: Sequence[type[Projection]], **options: Any
) -> int:
    """:func:`rebuild` for several projections at once, each batch read and written once."""
    targets = [target_build(store, kind, fresh=True) for kind in kinds]
    applied = catch_up_together(
        store, [kind(store, build) for kind, build in zip(kinds, targets, strict=True)], **options
    )
    if not options.get("stop", lambda: False)():  # stopped early, the builds are not complete
        for kind, build in zip(kinds, targets, strict=True):
            swap_in(store, kind, build)
    return applied


def rebuild(store: ReadModelStore, kind: type[Projection], **options: Any) -> int:
    """Fill a fresh build from the first event; the old build answers until it is swapped in."""
    build = target_build(store, kind, fresh=True)
    applied = catch_up(store, kind(store, build), **options)
    if not options.get("stop", lambda: False)():  # stopped early, the build is not complete
        swap_in(store, kind, build)
    return applied
