"""No SQL statement names two tenant schemas, nor a tenant schema and the control plane.

What keeps Spoorlog ready for Citus schema-based sharding (docs/scaling.md):
each statement stays within one schema, so each can be routed to the node
that holds it. Every statement the process sends is captured on the way to
a real PostgreSQL while two tenants are served over HTTP, projected by the
runner, checkpointed and read back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest

from domain.access import Actor
from projections.projection import active_build
from service.application.tenancy import Tenancy
from service.config import Settings
from service.operations.projection_runner import PROJECTIONS, ProjectionRunner
from service.persistence.stores import schema_name
from tests.api.payloads import step_body
from tests.conftest import Api, unique_slug

pytestmark = pytest.mark.postgres
ACTOR = Actor("test-key", "casemanager")


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement executed through psycopg in this process, as sent."""
    sent: list[str] = []

    def text(cursor: Any, query: Any) -> str:
        if isinstance(query, bytes):
            return query.decode()
        return query if isinstance(query, str) else query.as_string(cursor)

    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def capture_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(text(self, query))
        return execute(self, query, *args, **kwargs)

    def capture_executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(text(self, query))
        return executemany(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", capture_execute)
    monkeypatch.setattr(psycopg.Cursor, "executemany", capture_executemany)
    return sent


@pytest.fixture
def second_tenant(statements: list[str], tenancy: Tenancy) -> Iterator[str]:
    slug = unique_slug("s")
    tenancy.create_tenant(slug, "Tweede bureau")
    app = tenancy.tenant(slug)
    employer = app.register_employer(
        ACTOR, name="W", kvk_number=None, eigenrisicodrager_zw=False, eigenrisicodrager_wga=False
    ).aggregate
    start = date.today() - timedelta(days=20)
    case = app.open_case(
        ACTOR,
        employer_id=str(employer.id),
        employee={"name": "Fictief"},
        first_sick_day=start,
        reported_on=start,
    ).aggregate
    app.record(case.id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
    yield slug


@pytest.mark.parametrize("store", ["postgres"])
def test_no_statement_names_two_tenant_schemas_or_a_tenant_and_the_control_plane(
    statements: list[str],
    second_tenant: str,
    admin: Api,
    admin_slug: str,
    case_id: str,
    runner: ProjectionRunner,
    settings: Settings,
) -> None:
    noted = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", 1))
    assert noted.status_code == 201, noted.text
    position = noted.json()["position"]
    for path in ("/v1/cases", f"/v1/cases/{case_id}/audit-trail", "/v1/worklist"):
        answer = admin.get(path, params={"min_position": position})
        assert answer.status_code == 200, answer.text
    for path in (f"/v1/cases/{case_id}/events", f"/v1/cases/{case_id}/verify", "/v1/export"):
        assert admin.get(path).status_code == 200, path
    assert admin.get("/readyz").status_code == 200

    store = runner.read_models.store(second_tenant)
    deadline = time.monotonic() + 30
    while not all(
        (build := active_build(store, kind)) and store.position(build) >= store.head()
        for kind in PROJECTIONS
    ):
        assert time.monotonic() < deadline, "the runner did not project the second tenant"
        time.sleep(0.05)
    runner.wake_changed()  # and the sweep over every tenant's store

    schemas = (schema_name(admin_slug), schema_name(second_tenant), settings.control_schema)
    seen: set[str] = set()
    for statement in statements:
        named = [schema for schema in schemas if schema in statement]
        assert len(named) <= 1, f"one statement names {named}: {statement}"
        seen.update(named)
    assert seen == set(schemas), "the capture saw every schema in use"
