"""What a printed document asks of the request beyond its own data."""

from __future__ import annotations

from service.documents.dossier import DEMO_REGISTRAR
from service.http import auth


def is_demo() -> bool:
    """Whether the tenant is the demo's: its documents then say they are fictional."""
    tenant = auth.tenancy().control.tenant(auth.tenant_slug())
    return tenant.registered_by == DEMO_REGISTRAR
