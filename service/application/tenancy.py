"""The process's tenants: the control plane and one Application per tenant, made on first use.

Only the tenants in use stay open: the least recently used Application is
let go once more than ``open_tenants`` are open, so a process serving a
thousand bureaus holds no more than one serving a few dozen. Letting go is
safe: a request still holding the Application finishes with it (its SQLite
connection closes when it is collected; on PostgreSQL it holds none), and
the next request opens the tenant again from its store.
"""

from __future__ import annotations

import ctypes
import gc
import threading
from collections import OrderedDict
from contextlib import suppress

from domain.access import Tenant
from service.application.control_plane import ControlPlane
from service.application.tenant_application import TenantApplication
from service.config import Settings
from service.persistence.stores import Stores, StoreUnavailable, open_stores, retry_setup

OPEN_TENANTS = 32
"""Applications kept open per process; a tenant beyond them is opened again when used."""


def release_freed_memory() -> None:
    """Collect let-go tenants and hand the memory they held back to the system.

    An Application refers to itself in cycles, so it is freed by the cyclic
    collector, not when let go; and glibc keeps freed memory in its
    per-thread arenas. Without both, a process that has served a thousand
    tenants in turn stays as large as if it held them all. A full collection
    takes a while: call this from a background thread, now and then.
    Elsewhere than glibc only the collection is done.
    """
    gc.collect()
    with suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)


class Tenancy:
    """Everything one process needs to serve every tenant, over one set of connections."""

    def __init__(self, settings: Settings, *, open_tenants: int = OPEN_TENANTS) -> None:
        self.settings = settings
        self.stores: Stores = open_stores(settings)
        self.control = retry_setup(lambda: ControlPlane(self.stores))
        self.open_tenants = open_tenants
        self._tenants: OrderedDict[str, TenantApplication] = OrderedDict()
        self.let_go = 0
        """How many Applications were let go so far (see :func:`release_freed_memory`)."""
        self._opened: set[str] = set()
        """Tenants whose tables this process made or found (opened again, it skips that)."""
        self._opening: dict[str, threading.Lock] = {}
        self._slugs: tuple[int | None, list[str]] = (-1, [])
        """The tenant list and the control plane's head it was read at."""
        self._lock = threading.Lock()

    def slugs(self) -> list[str]:
        """Every tenant's slug, in the order they were registered. Read again only when the
        control plane recorded anything since: reading it folds every tenant (a query each)."""
        head = self.control.recorder.max_notification_id()
        seen, slugs = self._slugs
        if head != seen:
            slugs = self.control.tenants()  # read after the head: never older than it
            self._slugs = (head, slugs)
        return list(slugs)

    def is_open(self, slug: str) -> bool:
        """Whether the tenant's Application is held now (using it would not open it)."""
        return slug in self._tenants

    def tenant(self, slug: str) -> TenantApplication:
        """The tenant's Application; its store is created at first use, at runtime."""
        app = self._tenants.get(slug)
        if app is not None:
            with suppress(KeyError):  # let go by another thread just now: this one still serves
                self._tenants.move_to_end(slug)
            return app
        with self._lock:
            opening = self._opening.setdefault(slug, threading.Lock())
        # One opening per tenant at a time, tenants in parallel. Bounded: while the store
        # is down, requests for a tenant not yet open must not queue here behind each
        # other's store timeouts.
        if not opening.acquire(timeout=self.settings.store_timeout):
            raise StoreUnavailable(f"opening the store of tenant {slug} takes too long")
        try:
            app = self._tenants.get(slug)
            if app is None:
                app = retry_setup(
                    lambda: TenantApplication(
                        self.stores,
                        slug,
                        command_retries=self.settings.command_retries,
                        tables_exist=slug in self._opened,
                    )
                )
                with self._lock:
                    self._tenants[slug] = app
                    self._opened.add(slug)
                    while len(self._tenants) > self.open_tenants:
                        self._tenants.popitem(last=False)
                        self.let_go += 1
        finally:
            opening.release()
        return app

    def create_tenant(self, slug: str, name: str, *, by: str = "operator") -> tuple[Tenant, str]:
        tenant, admin_key = self.control.create_tenant(slug, name, by=by)
        with self._lock:  # a store of that name dropped before is made anew
            self._opened.discard(slug)
            self._tenants.pop(slug, None)
        self.tenant(slug)
        return tenant, admin_key

    def close(self) -> None:
        self.stores.close()
