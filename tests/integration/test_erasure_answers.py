"""An erasure forgets the answers kept for commands retried on the case (they repeat its
values), found by the case each answer recorded on — not by matching their JSON text —
on both stores; an answer saved before answers named their case (a store of the previous
release) is still found by its text, and the store gains the column when it is opened."""

from __future__ import annotations

from typing import Any

from psycopg.sql import Identifier

from domain.access import Actor
from service.application import retention
from service.application.tenancy import Tenancy
from service.application.tenant_application import IdempotentRequest, TenantApplication
from service.persistence.recorders import IDEMPOTENCY_TABLE, IdempotentResponse, note_tables_made
from tests.integration.test_retention_run import ADMIN, ended_case, seeded


def stored(app: TenantApplication, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run ``sql`` on the tenant's idempotency table (``{table}``) as the store holds it."""
    datastore = app.recorder.datastore
    postgres = hasattr(datastore, "schema")
    table = Identifier(datastore.schema, IDEMPOTENCY_TABLE).as_string() if postgres else None
    sql = sql.format(table=table or IDEMPOTENCY_TABLE)
    with datastore.transaction(commit=True) as cursor:
        cursor.execute(sql.replace("?", "%s") if postgres else sql, params)
        if not sql.lstrip().startswith("SELECT"):
            return []
        return [tuple(row.values()) if postgres else tuple(row) for row in cursor.fetchall()]


def held_with_key(app: TenantApplication, case_id: str, key: str, by: Actor = ADMIN) -> None:
    """A legal hold sent with an Idempotency-Key: its answer names the case's employee."""
    request = IdempotentRequest(key, "fp", lambda case, events: (201, {"name": "Fictief"}, {}))
    retention.hold(app, case_id, by, "Procedure", idempotency=request)
    retention.lift(app, case_id, by, "Afgehandeld")


def keys(app: TenantApplication) -> set[str]:
    return {row[0] for row in stored(app, "SELECT key FROM {table}")}


def test_an_erasure_forgets_the_cases_answers_by_the_case_not_their_text(
    tenancy: Tenancy,
) -> None:
    _, app, employer_id = seeded(tenancy)
    case_id, other_id = ended_case(app, employer_id), ended_case(app, employer_id)
    held_with_key(app, case_id, "own")
    held_with_key(app, other_id, "other")
    assert stored(app, "SELECT key, case_id FROM {table} ORDER BY key") == [
        ("other", other_id),
        ("own", case_id),
    ]
    # An answer written with other separators than json.dumps' defaults: no text match.
    stored(app, "UPDATE {table} SET response = replace(response, '\": ', '\":')")

    retention.erase_case(app, case_id, ADMIN, "Bewaartermijn verstreken")
    assert keys(app) == {"other"}


def test_an_answer_saved_before_answers_named_their_case_is_forgotten_by_its_text(
    tenancy: Tenancy, settings: Any
) -> None:
    """A store of the previous release: its idempotency table has no case_id column."""
    slug, app, employer_id = seeded(tenancy)
    case_id, other_id = ended_case(app, employer_id), ended_case(app, employer_id)
    if hasattr(app.recorder.datastore, "schema"):
        stored(app, "ALTER TABLE {table} DROP COLUMN case_id")
    else:
        stored(app, "DROP INDEX idempotency_keys_case_id")
        stored(app, "ALTER TABLE {table} DROP COLUMN case_id")
    for key, on in (("old-own", case_id), ("old-other", other_id)):
        answer = IdempotentResponse(key, "fp", 201, {"name": "Fictief"}, {}, (on, 3))
        stored(
            app,
            "INSERT INTO {table} (key, fingerprint, response) VALUES (?, ?, ?)",
            answer.row()[:3],
        )
    note_tables_made(app.recorder, "made by the previous release")

    reopened = Tenancy(settings)  # another process: it finds the store's tables out of date
    try:
        app = reopened.tenant(slug)
        held_with_key(app, case_id, "new-own")
        assert stored(app, "SELECT key, case_id FROM {table} ORDER BY key") == [
            ("new-own", case_id),
            ("old-other", None),
            ("old-own", None),
        ]
        retention.erase_case(app, case_id, ADMIN, "Bewaartermijn verstreken")
        assert keys(app) == {"old-other"}
    finally:
        reopened.close()
