"""A tenant with one employer and one open case, made through the application: what the
runner, failover and tenant-count tests and benchmarks start from."""

from __future__ import annotations

from datetime import date, timedelta

from domain.access import Actor
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication


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
