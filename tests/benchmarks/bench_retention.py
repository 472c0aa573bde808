"""Retention run benchmark: erasing due cases, against deleting key rows from a table.

Run: .venv/bin/python -m tests.benchmarks.bench_retention [--store sqlite|postgres]
     [--cases 10000] [--rounds 10]

Seeds ``--cases`` cases that ended in 2019 (their two-year term long over),
each with its own data key in the store's key table (``case_keys``), then
runs the retention run over them: per case, load it, judge its term, and
record the erasure with the key destroyed in the same transaction (on
SQLite with secure_delete, and a truncating WAL checkpoint after). It prints
cases/s. The anchor, in the same run and the same store: a copy of the key
table taken before the run, its rows deleted raw — one transaction per row,
in ``--rounds`` turns with the run, and all in one statement.
"""

from __future__ import annotations

import os
import time
from datetime import date
from typing import Any

from domain.access import Actor
from domain.case import Case
from service.application import retention
from service.application.tenancy import Tenancy
from service.application.tenant_application import TenantApplication
from service.persistence.personal_data import KEYS
from service.persistence.stores import schema_name
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments

ACTOR = Actor("bench", "admin")
FIRST, RECOVERED = date(2019, 1, 7), date(2019, 3, 4)
BATCH = 500


def seed(tenancy: Tenancy, cases: int) -> tuple[str, TenantApplication]:
    slug, _, app, employer_id = bench_tenant(tenancy, ACTOR)
    batch = []
    for n in range(cases):
        case = Case.open_with_ziekmelding(
            by=ACTOR,
            employer_id=employer_id,
            employee={"name": f"Fictief {n}", "personnel_number": f"B-{n}"},
            first_sick_day=FIRST,
            reported_on=FIRST,
        )
        case.herstelmelding(on=RECOVERED, by=ACTOR, percentage=100)
        case.afsluiting(on=RECOVERED, by=ACTOR, reason="herstel")
        batch.append(case)
        if len(batch) == BATCH:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    return slug, app


class KeyTable:
    """A copy of the tenant's key table (``case_keys``) in its own store, to delete from."""

    def __init__(self, app: TenantApplication, slug: str, postgres: bool, name: str) -> None:
        self.datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
        schema = f"{schema_name(slug)}." if postgres else ""
        self.table = f"{schema}{name}"
        self.mark = "%s" if postgres else "?"
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"CREATE TABLE {self.table} AS SELECT * FROM {schema}{KEYS}")
            cursor.execute(f"SELECT count(*) AS n FROM {self.table}")
            row = cursor.fetchone()
        self.rows = int(row["n"] if isinstance(row, dict) else row[0])

    def delete_each(self, case_ids: list[str]) -> float:
        """One transaction per row; seconds."""
        started = time.perf_counter()
        for case_id in case_ids:
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(f"DELETE FROM {self.table} WHERE case_id = {self.mark}", (case_id,))
        return time.perf_counter() - started

    def delete_all(self) -> float:
        """Every row in one statement; seconds."""
        started = time.perf_counter()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
        return time.perf_counter() - started


class InTurns:
    """The per-row anchor in turns with the run: after each of its ``rounds`` parts (heard
    through the run's progress), as many key rows deleted raw, so the shared machine's
    changing load weighs on both alike. ``seconds``: the anchor's time alone."""

    def __init__(self, table: KeyTable, case_ids: list[str], rounds: int) -> None:
        self.table, self.case_ids = table, case_ids
        self.every = max(1, len(case_ids) // rounds)
        self.deleted = 0
        self.seconds = 0.0

    def __call__(self, done: int, total: int) -> None:
        if done % self.every == 0 or done == total:
            self.seconds += self.table.delete_each(self.case_ids[self.deleted : done])
            self.deleted = done


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10, help="turns of run and anchor")
    args = parser.parse_args()
    tenancy = Tenancy(bench_settings(args))
    try:
        started = time.perf_counter()
        slug, app = seed(tenancy, args.cases)
        print(f"seeded {args.cases} ended cases in {time.perf_counter() - started:.1f} s")
        case_ids = [case_id for case_id, _ in app.case_ids()]
        postgres = args.store == "postgres"
        each_copy = KeyTable(app, slug, postgres, f"bench_{KEYS}_each")
        bulk_copy = KeyTable(app, slug, postgres, f"bench_{KEYS}_bulk")
        assert each_copy.rows == bulk_copy.rows == args.cases  # one key per case

        anchor = InTurns(each_copy, case_ids, args.rounds)
        started = time.perf_counter()
        report = retention.run(app, dry_run=False, progress=anchor)
        seconds = time.perf_counter() - started - anchor.seconds
        assert len(report.erased) == args.cases, report
        assert app.case_keys.key(case_ids[-1]) is None
        run_rate = args.cases / seconds
        print(
            f"retention run: {args.cases} cases erased in {seconds:.2f} s ({run_rate:,.0f} cases/s)"
        )

        each = anchor.seconds
        each_rate = args.cases / each
        bulk = bulk_copy.delete_all()
        print(
            f"raw delete of the key rows, one transaction each: {each:.2f} s "
            f"({each_rate:,.0f} rows/s); in one statement: {bulk * 1000:.1f} ms "
            f"({args.cases / bulk:,.0f} rows/s)"
        )
        print(
            f"ratio: the run at {run_rate / each_rate:.2f}x the per-row delete, "
            f"{run_rate / (args.cases / bulk):.4f}x the one-statement delete "
            f"(load average {os.getloadavg()[0]:.2f})"
        )

        started = time.perf_counter()
        again = retention.run(app, dry_run=False)
        print(
            f"rerun: {again.looked_at} cases looked at, {len(again.erased)} erased, "
            f"{time.perf_counter() - started:.2f} s"
        )
    finally:
        tenancy.close()


if __name__ == "__main__":
    main()
