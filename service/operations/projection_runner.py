"""One runner for every tenant's projections, on a small fixed set of threads.

The library's ``ProjectionRunner`` starts two threads and a subscription per
application: fine for one tenant, not for hundreds. This runner keeps a set
of tenants with news and a few worker threads that bring each one's
projections up to date with the library's primitives (``select_notifications``,
``Tracking``, tracking recorders; see :mod:`projections.store`).

Its cost follows the work, not the number of tenants:

- Wake on change. On PostgreSQL one LISTEN connection hears every store's
  NOTIFY (the payload names the schema); every ``sweep_interval`` each
  tenant's newest position is read once more (one query, no Application), in
  case a notification was missed. On SQLite every ``poll_interval`` the
  tenants' files are ``stat``-ed (:meth:`Stores.change_marker`): a commit
  changes the write-ahead log, so no SQL runs for a tenant that recorded
  nothing.
- A tenant woken without news costs one query: the runner remembers the
  position up to which all its projections were current. At its first look
  after starting, a tenant whose builds are current (one more query) is left
  closed.
- Only tenants with news are opened, and only tenants in use stay open
  (:class:`Tenancy`). A tenant's head is signed while it is open for its
  projections (once its last signing is ``checkpoint_interval`` past), so
  signing opens no tenant a second time.

The tenant list is re-read on the control plane's own NOTIFY and every
``refresh_interval``. With ``elect``, the runner first waits for the runner
lock (:mod:`service.operations.leadership`), so of several nodes one runs.
Connections: the process's one bounded pool, plus one for LISTEN (and one for
the lock) — none per tenant.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Hashable
from typing import Any

import psycopg

from projections import projection
from projections.audit_trail import AuditTrail
from projections.case_list import CaseList
from projections.store import ReadModelStore
from projections.worklist import Worklist
from service.application.tenancy import Tenancy, release_freed_memory
from service.operations.leadership import Leadership
from service.persistence.recorders import NOTIFY_CHANNEL
from service.persistence.stores import retry_setup
from service.proof.checkpoints import make_checkpoint

log = logging.getLogger("spoorlog.projections")

PROJECTIONS: tuple[type[projection.Projection], ...] = (CaseList, Worklist, AuditTrail)
"""Every read model, in the order they are brought up to date."""
RELEASE_INTERVAL = 10.0
"""Seconds between two hand-backs of the memory of tenants let go (when any were)..."""
RELEASE_SOON = 1.0
"""...or, once as many were let go as are kept open, this many seconds: garbage left
for ten seconds of busy turnover (a third of a megabyte a tenant on SQLite) grows the
heap, and glibc gives little of it back (1,000 tenants: 98 MB against 78 MB)."""
RECHECK = 1.0
"""Seconds after a store's change marker moved that the tenant is looked at once more."""

LONG_SIGNING = 5_000
"""Unsigned events beyond which a worker leaves the signing to the signer thread: an old
store's first signing builds its whole Merkle log, and the tenant's projections should not
wait behind it."""


class ReadModels:
    """The read-model store of each tenant, made on first use and kept with its Application
    (so it is let go with it)."""

    def __init__(self, tenancy: Tenancy) -> None:
        self.tenancy = tenancy
        self._lock = threading.Lock()

    def store(self, slug: str) -> ReadModelStore:
        tenant = self.tenancy.tenant(slug)
        found: ReadModelStore | None = tenant.read_model_store
        if found is None:
            with self._lock:
                found = tenant.read_model_store
                if found is None:
                    found = retry_setup(lambda: ReadModelStore(tenant))
                    tenant.read_model_store = found
        return found


class ProjectionRunner:
    def __init__(
        self,
        tenancy: Tenancy,
        *,
        projections: tuple[type[projection.Projection], ...] = PROJECTIONS,
        workers: int = 2,
        batch_size: int = projection.BATCH_SIZE,
        poll_interval: float | None = None,
        refresh_interval: float = 2.0,
        sweep_interval: float = 60.0,
        checkpoint_interval: float = 60.0,
        elect: bool = False,
    ) -> None:
        self.tenancy = tenancy
        self.read_models = ReadModels(tenancy)
        self.projections = projections
        self.workers = workers
        self.batch_size = batch_size
        self.postgres = tenancy.settings.uses_postgres
        self.poll_interval = poll_interval or 0.2
        self.refresh_interval = refresh_interval
        self.sweep_interval = sweep_interval
        self.checkpoint_interval = checkpoint_interval
        self.leadership = Leadership(tenancy.settings) if elect else None
        self.events_processed = 0
        self._checkpointed: dict[str, float] = {}
        self._checkpoint_due: set[str] = set()
        self._signing: set[str] = set()
        self._current: dict[str, int] = {}
        """Per tenant: the position up to which every projection was brought."""
        self._markers: dict[str, Hashable] = {}
        self._recheck: dict[str, float] = {}
        self._tenants: set[str] = set()
        self._control_head: int | None = -1
        self._let_go_seen = 0
        self._pending: set[str] = set()
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._queue: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._leading = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- life --------------------------------------------------------------------

    def start(self) -> ProjectionRunner:
        if self.leadership is None:
            self._leading.set()
            self.refresh_tenants()
        targets = [self._work] * self.workers + [self._poll, self._sign]
        if self.postgres:
            targets.append(self._listen)
        if self.leadership is not None:
            targets.append(self._lead)
        for target in targets:
            thread = threading.Thread(
                target=target, name=f"projections-{target.__name__}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=10)
        if self.leadership is not None:
            self.leadership.release()

    def __enter__(self) -> ProjectionRunner:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def leading(self) -> bool:
        return self._leading.is_set()

    # --- what needs doing ----------------------------------------------------------

    def refresh_tenants(self) -> None:
        """Take up tenants registered since the list was last read."""
        for slug in self.tenancy.slugs():
            if slug not in self._tenants:
                self._tenants.add(slug)
                self.wake(slug)

    def wake(self, slug: str) -> None:
        """Something happened in this tenant's store: bring its projections up to date."""
        with self._lock:
            if slug in self._pending:
                return
            self._pending.add(slug)
        self._queue.put(slug)

    def wake_all(self) -> None:
        for slug in list(self._tenants):
            self.wake(slug)

    def wake_changed(self) -> None:
        """Wake the tenants whose store changed since it was last looked at, and once
        more ``RECHECK`` seconds after (a marker's clock is coarse, see
        :meth:`Stores.change_marker`)."""
        stores = self.tenancy.stores
        now = time.monotonic()
        for slug, due in list(self._recheck.items()):
            if due <= now:
                del self._recheck[slug]
                self.wake(slug)
        for slug in list(self._tenants):
            marker = stores.change_marker(slug)
            if self._markers.get(slug) != marker:
                self._markers[slug] = marker
                self._recheck[slug] = now + RECHECK
                self.wake(slug)

    def run_tenant(self, slug: str) -> int:
        """Bring every projection of one tenant up to date, now, in this thread.

        Records a projection cannot process are quarantined by it; what is raised
        here is the store failing, or a fault of one projection's own — the other
        projections of the tenant are still brought up to date first.
        """
        stores = self.tenancy.stores
        peeked = stores.head(slug)  # without opening the tenant
        if peeked is not None and self._current.get(slug) == peeked:
            return 0
        if peeked is not None and slug not in self._current and self._built(slug, peeked):
            # First look since the runner started, and nothing to do: leave it closed
            # unless its newest events were never signed (a runner stopped meanwhile).
            self._current[slug] = peeked
            if stores.signed_size(slug) < peeked:
                self._checkpoint(slug, head=peeked)
            return 0
        store = self.read_models.store(slug)
        head = store.head() if peeked is None else peeked
        applied = 0
        failed: Exception | None = None
        with store.shared_reads():
            try:
                applied += projection.run_together(
                    store, self.projections, batch_size=self.batch_size, stop=self._stopping.is_set
                )
            except Exception as error:
                failed = error
        if failed is not None:
            raise failed
        if not self._stopping.is_set():
            self._current[slug] = head
        # While the tenant is open (signing later may open it again), unless the signing is long.
        self._checkpoint(slug, head=head)
        return applied

    def _built(self, slug: str, head: int) -> bool:
        """Whether every projection's build of the code's version is the one queries read
        and has reached ``head`` (so :func:`projection.run` would do nothing), read in one
        query without opening the tenant."""
        builds = self.tenancy.stores.builds(slug)
        for kind in self.projections:
            mine = [b for b in builds if b.projection == kind.name and b.version == kind.version]
            ready = [b for b in builds if b.projection == kind.name and b.ready]
            if not mine or not ready or mine[-1] != ready[-1] or mine[-1].position < head:
                return False
        return True

    def _checkpoint(self, slug: str, head: int | None = None) -> None:
        """Sign the tenant's feed head now if its last signing is ``checkpoint_interval``
        seconds past (an empty feed is not signed: there is nothing to prove yet);
        otherwise leave it to the signer thread once it is. A worker passes the ``head`` it
        projected to: more than :data:`LONG_SIGNING` unsigned events go to the signer too."""
        now = time.monotonic()
        with self._lock:
            last = self._checkpointed.get(slug, now - self.checkpoint_interval)
            if slug in self._signing or now - last < self.checkpoint_interval:
                self._checkpoint_due.add(slug)
                return
        if head is not None and head - self.tenancy.stores.signed_size(slug) > LONG_SIGNING:
            self._checkpoint_due.add(slug)
            return
        with self._lock:
            if slug in self._signing:
                self._checkpoint_due.add(slug)
                return
            self._signing.add(slug)
            self._checkpoint_due.discard(slug)
        try:
            make_checkpoint(self.tenancy.tenant(slug), slug)
        except Exception:  # the read models are current; sign again next interval
            log.exception("checkpoint failed", extra={"tenant": slug})
            self._checkpoint_due.add(slug)
        finally:
            with self._lock:
                self._signing.discard(slug)
                self._checkpointed[slug] = time.monotonic()

    # --- threads -------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                slug = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            with self._lock:
                self._pending.discard(slug)
                if slug in self._running:  # one worker per tenant; it looks again after
                    self._again.add(slug)
                    continue
                self._running.add(slug)
            try:
                if self._leading.is_set():
                    self.events_processed += self.run_tenant(slug)
            except Exception:  # a bad tenant must not stop the others
                log.exception("projections failed", extra={"tenant": slug})
                time.sleep(0.5)
                self._again.add(slug)
            finally:
                with self._lock:
                    self._running.discard(slug)
                    again = slug in self._again
                    self._again.discard(slug)
                if again:
                    self.wake(slug)

    def _sign(self) -> None:
        """Sign the heads that moved while their last signing was too recent, once it no
        longer is: a tenant without news after that is signed here, not by a worker."""
        while not self._stopping.wait(min(1.0, self.poll_interval * 5)):
            if not self._leading.is_set():
                continue
            for slug in list(self._checkpoint_due):
                if self._stopping.is_set():
                    return
                self._checkpoint(slug)

    def _poll(self) -> None:
        last_refresh = last_sweep = last_release = time.monotonic()
        while not self._stopping.wait(self.poll_interval):
            if not self._leading.is_set():
                continue
            try:
                if time.monotonic() - last_refresh > self.refresh_interval:
                    self.refresh_tenants()
                    last_refresh = time.monotonic()
                if not self.postgres:
                    self.wake_changed()  # a stat per tenant file
                elif time.monotonic() - last_sweep > self.sweep_interval:
                    self.wake_changed()  # a query per tenant, in case a NOTIFY was missed
                    last_sweep = time.monotonic()
                let_go = self.tenancy.let_go - self._let_go_seen
                since = time.monotonic() - last_release
                if (let_go and since > RELEASE_INTERVAL) or (
                    let_go >= self.tenancy.open_tenants and since > RELEASE_SOON
                ):
                    self._let_go_seen = self.tenancy.let_go
                    last_release = time.monotonic()
                    release_freed_memory()
            except Exception:
                log.exception("could not look for changes")

    def _listen(self) -> None:
        settings = self.tenancy.settings
        while not self._stopping.is_set():
            try:
                with psycopg.connect(
                    settings.database_url or "",
                    autocommit=True,
                    application_name=settings.application_name,
                ) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.wake_all()  # whatever was recorded while nobody listened
                    while not self._stopping.is_set():
                        for notice in conn.notifies(timeout=0.2):
                            self._heard(notice.payload)
            except psycopg.Error:
                log.warning("LISTEN connection lost; polling until it is back")
                self._stopping.wait(1.0)

    def _lead(self) -> None:
        """Wait for the runner lock; work while it is held; stand down when it is lost."""
        assert self.leadership is not None
        waiting_said = False
        while not self._stopping.is_set():
            try:
                if not self._leading.is_set():
                    if self.leadership.try_acquire():
                        log.info("projection runner leads")
                        self._current.clear()  # another runner may have moved the builds
                        self.refresh_tenants()
                        self.wake_all()
                        self._leading.set()
                    elif not waiting_said:
                        log.info("another projection runner leads; waiting to take over")
                        waiting_said = True
                elif not self.leadership.held():
                    log.warning("projection runner lock lost; standing down")
                    self._leading.clear()
                    waiting_said = False
            except Exception:
                self._leading.clear()
                log.warning("cannot reach the runner lock; trying again")
            self._stopping.wait(1.0)

    def _heard(self, schema: str) -> None:
        """A store recorded something. The channel is the database's: a schema of another
        deployment's tenant is none of this runner's business (its own new tenants come
        with the control plane's notice)."""
        if schema == self.tenancy.settings.control_schema:
            self.refresh_tenants()
        elif schema.startswith("t_"):
            slug = schema[2:].replace("_", "-")
            if slug in self._tenants:
                self.wake(slug)
