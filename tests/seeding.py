"""A tenant with one employer and one open case, made through the application: what the
runner, failover and tenant-count tests and benchmarks start from; a document added to a
case the same way."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from domain.access import Actor
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.persistence.recorders import StoredDocument


def tenant_with_case(
    tenancy: Tenancy, slug: str, actor: Actor, sick_days: int
) -> tuple[str, TenantApplication, str, date]:
    """The tenant's admin key, its application, the case id and the case's first sick day
    (``sick_days`` ago)."""
    _, key = tenancy.create_tenant(slug, "Bureau")
    app = tenancy.tenant(slug)
    employer = app.register_employer(
        actor, name="W", kvk_number=None, eigenrisicodrager_zw=False, eigenrisicodrager_wga=False
    ).aggregate
    start = date.today() - timedelta(days=sick_days)
    case_id = app.open_case(
        actor,
        employer_id=str(employer.id),
        employee={"name": "Fictief"},
        first_sick_day=start,
        reported_on=start,
    ).aggregate.id
    return key, app, str(case_id), start


def record_document(
    app: TenantApplication, case_id: str, actor: Actor, on: date, content: bytes, title: str
) -> str:
    """Add a PDF document to the case (its bytes stored under their SHA-256); the SHA-256."""
    sha256 = hashlib.sha256(content).hexdigest()
    app.record(
        case_id,
        "document",
        actor,
        on=on,
        title=title,
        document_id=sha256,
        sha256=sha256,
        size=len(content),
        media_type="application/pdf",
        document=StoredDocument(sha256, "application/pdf", content),
    )
    return sha256
