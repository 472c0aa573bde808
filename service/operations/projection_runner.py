"""One runner for every tenant's projections, on a small fixed set of threads.

The library's ``ProjectionRunner`` starts two threads and a subscription per
application: fine for one tenant, not for hundreds. This runner keeps a set
of tenants with news and a few worker threads that bring each one's
projections up to date with the library's primitives (``select_notifications``,
``Tracking``, tracking recorders; see :mod:`projections.store`).

Wake-ups: on PostgreSQL one LISTEN connection hears every store's NOTIFY
(the payload names the schema), so lag is sub-second; every
``poll_interval`` all tenants are checked anyway, in case a notification was
missed. On SQLite, polling alone. The tenant list is re-read on the control
plane's own NOTIFY and every ``refresh_interval``, so new tenants are picked
up without a restart. Connections: the process's one bounded pool, plus one
for LISTEN — none per tenant.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

import psycopg

from projections import projection
from projections.audit_trail import AuditTrail
from projections.case_list import CaseList
from projections.store import ReadModelStore
from projections.worklist import Worklist
from service.application.tenancy import Tenancy
from service.persistence.recorders import NOTIFY_CHANNEL
from service.persistence.stores import retry_setup
from service.proof.checkpoints import make_checkpoint

log = logging.getLogger("spoorlog.projections")

PROJECTIONS: tuple[type[projection.Projection], ...] = (CaseList, Worklist, AuditTrail)
"""Every read model, in the order they are brought up to date."""


class ReadModels:
    """The read-model stores of a process's tenants, made on first use."""

    def __init__(self, tenancy: Tenancy) -> None:
        self.tenancy = tenancy
        self._stores: dict[str, ReadModelStore] = {}
        self._lock = threading.Lock()

    def store(self, slug: str) -> ReadModelStore:
        found = self._stores.get(slug)
        if found is None:
            with self._lock:
                found = self._stores.get(slug)
                if found is None:
                    tenant = self.tenancy.tenant(slug)
                    found = retry_setup(lambda: ReadModelStore(tenant))
                    self._stores[slug] = found
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
        checkpoint_interval: float = 60.0,
    ) -> None:
        self.tenancy = tenancy
        self.read_models = ReadModels(tenancy)
        self.projections = projections
        self.workers = workers
        self.batch_size = batch_size
        self.postgres = tenancy.settings.uses_postgres
        self.poll_interval = poll_interval or (2.0 if self.postgres else 0.2)
        self.refresh_interval = refresh_interval
        self.checkpoint_interval = checkpoint_interval
        self._checkpointed: dict[str, float] = {}
        self.events_processed = 0
        self._tenants: set[str] = set()
        self._pending: set[str] = set()
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._queue: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- life --------------------------------------------------------------------

    def start(self) -> ProjectionRunner:
        self.refresh_tenants()
        targets = [self._work] * self.workers + [self._poll]
        if self.postgres:
            targets.append(self._listen)
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

    def __enter__(self) -> ProjectionRunner:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- what needs doing ----------------------------------------------------------

    def refresh_tenants(self) -> None:
        for slug in self.tenancy.control.tenants():
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

    def run_tenant(self, slug: str) -> int:
        """Bring every projection of one tenant up to date, now, in this thread.

        Records a projection cannot process are quarantined by it; what is raised
        here is the store failing, or a fault of one projection's own — the other
        projections of the tenant are still brought up to date first.
        """
        store = self.read_models.store(slug)
        applied = 0
        failed: Exception | None = None
        for kind in self.projections:
            try:
                applied += projection.run(
                    store, kind, batch_size=self.batch_size, stop=self._stopping.is_set
                )
            except Exception as error:
                failed = failed or error
        if failed is not None:
            raise failed
        self._checkpoint(slug)
        return applied

    def _checkpoint(self, slug: str) -> None:
        """Sign the tenant's feed head every ``checkpoint_interval`` seconds, when it moved
        (an empty feed is not signed: there is nothing to prove yet)."""
        now = time.monotonic()
        if (
            now - self._checkpointed.get(slug, -self.checkpoint_interval)
            >= self.checkpoint_interval
        ):
            try:
                make_checkpoint(self.tenancy.tenant(slug), slug)
            except Exception:  # the read models are current; sign again next interval
                log.exception("checkpoint failed", extra={"tenant": slug})
            self._checkpointed[slug] = now

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

    def _poll(self) -> None:
        last_refresh = 0.0
        while not self._stopping.wait(self.poll_interval):
            if time.monotonic() - last_refresh > self.refresh_interval:
                try:
                    self.refresh_tenants()
                except Exception:
                    log.exception("could not read the tenant list")
                last_refresh = time.monotonic()
            self.wake_all()

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
                    while not self._stopping.is_set():
                        for notice in conn.notifies(timeout=0.2):
                            self._heard(notice.payload)
            except psycopg.Error:
                log.warning("LISTEN connection lost; polling until it is back")
                self._stopping.wait(1.0)

    def _heard(self, schema: str) -> None:
        if schema == self.tenancy.settings.control_schema:
            self.refresh_tenants()
        elif schema.startswith("t_"):
            slug = schema[2:].replace("_", "-")
            self._tenants.add(slug)
            self.wake(slug)
