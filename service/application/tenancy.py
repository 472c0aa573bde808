"""The process's tenants: the control plane and one Application per tenant, made on first use."""

from __future__ import annotations

import threading

from domain.access import Tenant
from service.application.control_plane import ControlPlane
from service.application.tenant_application import TenantApplication
from service.config import Settings
from service.persistence.stores import Stores, StoreUnavailable, open_stores, retry_setup


class Tenancy:
    """Everything one process needs to serve every tenant, over one set of connections."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stores: Stores = open_stores(settings)
        self.control = retry_setup(lambda: ControlPlane(self.stores))
        self._tenants: dict[str, TenantApplication] = {}
        self._lock = threading.Lock()

    def tenant(self, slug: str) -> TenantApplication:
        """The tenant's Application; its store is created at first use, at runtime."""
        app = self._tenants.get(slug)
        if app is None:
            # Bounded: while the store is down, requests for tenants not yet opened must
            # not queue here behind each other's store timeouts.
            if not self._lock.acquire(timeout=self.settings.store_timeout):
                raise StoreUnavailable(f"opening the store of tenant {slug} takes too long")
            try:
                app = self._tenants.get(slug)
                if app is None:
                    app = retry_setup(
                        lambda: TenantApplication(
                            self.stores, slug, command_retries=self.settings.command_retries
                        )
                    )
                    self._tenants[slug] = app
            finally:
                self._lock.release()
        return app

    def create_tenant(self, slug: str, name: str, *, by: str = "operator") -> tuple[Tenant, str]:
        tenant, admin_key = self.control.create_tenant(slug, name, by=by)
        self.tenant(slug)
        return tenant, admin_key

    def close(self) -> None:
        self.stores.close()
