"""A tenant's first open in a process makes its tables only when its store needs them.

The store notes the fingerprint of the table definitions it was made by; a
process opening the tenant reads that note in one query and skips the DDL
when it matches. A store without the note (made by an earlier release), or
with another release's note, gets its tables made (``IF NOT EXISTS``) and
the note written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from domain.access import Actor
from service.application.tenancy import Tenancy
from service.application.tenant_application import table_fingerprint
from service.persistence.recorders import TABLES_MADE, tables_made
from service.proof.merkle_store import HEADS
from tests.conftest import unique_slug
from tests.seeding import tenant_with_case

ACTOR = Actor("test-key", "casemanager")


def execute(app: Any, sql: str) -> None:
    """One statement in the tenant's store, with its table names qualified on PostgreSQL."""
    schema = getattr(app.recorder.datastore, "schema", None)
    prefix = f'"{schema}".' if schema else ""
    with app.recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(sql.format(p=prefix))


def has_table(app: Any, name: str) -> bool:
    schema = getattr(app.recorder.datastore, "schema", None)
    with app.recorder.datastore.transaction(commit=False) as cursor:
        if schema:
            cursor.execute("SELECT to_regclass(%s) AS found", (f'"{schema}"."{name}"',))
            return cursor.fetchone()["found"] is not None
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return cursor.fetchone() is not None


@pytest.fixture
def reopened(tenancy: Tenancy) -> Iterator[Callable[[str], Any]]:
    """Opens a tenant as a process that never opened it before does (its own pool)."""
    opened: list[Tenancy] = []

    def reopen(slug: str) -> Any:
        opened.append(Tenancy(tenancy.settings))
        return opened[-1].tenant(slug)

    yield reopen
    for other in opened:
        other.close()


def test_a_store_made_by_this_release_is_opened_without_making_its_tables(
    tenancy: Tenancy, reopened: Callable[[str], Any]
) -> None:
    slug = unique_slug("tm")
    _, app, case_id, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=10)
    assert tables_made(app.recorder) == table_fingerprint(app.recorder)
    assert has_table(app, HEADS), "the Merkle log's tables are made with the others"

    execute(app, f"DROP TABLE {{p}}{HEADS}")  # gone behind the note's back
    other = reopened(slug)
    assert not has_table(other, HEADS), "the note matched: no table was made"
    other.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
    assert other.case(case_id, ACTOR).version == app.case(case_id, ACTOR).version


def test_a_store_of_an_earlier_release_gets_its_tables_and_the_note(
    tenancy: Tenancy, reopened: Callable[[str], Any]
) -> None:
    slug = unique_slug("tm")
    _, app, case_id, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=10)
    execute(app, f"DROP TABLE {{p}}{TABLES_MADE}")  # as an earlier release left it
    execute(app, f"DROP TABLE {{p}}{HEADS}")

    before = app.case(case_id, ACTOR).version
    other = reopened(slug)
    assert has_table(other, HEADS)
    assert tables_made(other.recorder) == table_fingerprint(other.recorder)
    other.record(case_id, "notitie", ACTOR, on=date.today(), kind="contact", text="t")
    assert other.case(case_id, ACTOR).version == before + 1


def test_a_store_noted_by_another_release_gets_its_tables_made_again(
    tenancy: Tenancy, reopened: Callable[[str], Any]
) -> None:
    slug = unique_slug("tm")
    _, app, _, _ = tenant_with_case(tenancy, slug, ACTOR, sick_days=10)
    execute(app, f"UPDATE {{p}}{TABLES_MADE} SET fingerprint = 'another release'")
    execute(app, f"DROP TABLE {{p}}{HEADS}")

    other = reopened(slug)
    assert has_table(other, HEADS)
    assert tables_made(other.recorder) == table_fingerprint(other.recorder)
