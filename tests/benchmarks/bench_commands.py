"""The command path against the eventsourcing library's own application and recorder.

Run: .venv/bin/python -m tests.benchmarks.bench_commands [--store sqlite|postgres]
     [--seconds 5] [--clients 1,16] [--rounds 4]

- anchor: a plain ``eventsourcing`` Application on the same kind of store
  (its own SQLite file, or its own schema) with the same aggregate cache,
  saving one event per call to an aggregate of its own, from 1 and 16 threads;
- result: ``TenantApplication.record(case, "notitie", …)`` — the notitie
  command as the API runs it, without HTTP — from as many threads, one case
  each, while the real projection runner (``spoorlog projections run``) keeps
  the read models current in a process of its own, as in production.

Anchor and result take turns, ``--rounds`` times each within ``--seconds`` per
figure, so a change in the shared machine's load weighs on both alike; each
figure is the events of all its rounds over their time.

Goal (issue 14): the command path at ≥ 0.5x the anchor at 1 and 16 clients.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.access import Actor
from service.application.tenancy import Tenancy
from tests.benchmarks.setup import bench_settings, bench_tenant, in_threads, store_arguments
from tests.served import cli_env

ACTOR = Actor("bench", "casemanager")


class Counter(Aggregate):
    """The anchor's aggregate: one small event per call."""

    def __init__(self) -> None:
        self.count = 0

    @event("Noted")
    def note(self, text: str) -> None:
        self.count += 1


def rates(
    clients: int,
    seconds: float,
    rounds: int,
    anchor: Callable[[int], Any],
    result: Callable[[int], Any],
) -> tuple[float, float]:
    """Events a second of the anchor and of the result, measured in alternating rounds."""
    totals = {anchor: [0, 0.0], result: [0, 0.0]}
    for _ in range(rounds):
        for call, total in totals.items():
            count, elapsed = in_threads(clients, seconds / rounds, call)
            total[0] += count
            total[1] += elapsed
    return totals[anchor][0] / totals[anchor][1], totals[result][0] / totals[result][1]


def library_application(args: Any, settings: Any) -> tuple[Application[Any], Callable[[], None]]:
    if args.store == "postgres":
        schema = f"bench_lib_{uuid.uuid4().hex[:6]}"
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": "postgres",
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": "5432",
            "POSTGRES_USER": "postgres",
            "POSTGRES_PASSWORD": "",
            "POSTGRES_SCHEMA": schema,
            "POSTGRES_POOL_SIZE": "16",
            "CREATE_TABLE": "y",
            "AGGREGATE_CACHE_MAXSIZE": "1000",
        }
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')

        def drop() -> None:
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

        return Application(env=env), drop
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(settings.data_dir / "library.sqlite"),
        "AGGREGATE_CACHE_MAXSIZE": "1000",
    }
    return Application(env=env), lambda: None


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", default="1,16")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    settings = bench_settings(args)
    clients = [int(n) for n in args.clients.split(",")]

    library, drop_library = library_application(args, settings)
    counters = [Counter() for _ in range(max(clients))]
    library.save(*counters)

    tenancy = Tenancy(settings)
    slug, _, app, employer = bench_tenant(tenancy, ACTOR)
    start = date.today() - timedelta(days=30)
    cases = [
        app.open_case(
            ACTOR,
            employer_id=employer,
            employee={"name": f"Fictief {n}"},
            first_sick_day=start,
            reported_on=start,
        ).aggregate.id
        for n in range(max(clients))
    ]
    runner = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "projections", "run"], env=cli_env(settings)
    )

    def library_note(index: int) -> None:
        counter = library.repository.get(counters[index].id)
        counter.note(text="Telefonisch contact")
        library.save(counter)

    def notitie(index: int) -> None:
        app.record(
            cases[index], "notitie", ACTOR, on=date.today(), kind="contact", text="Telefonisch"
        )

    try:
        time.sleep(2)  # the runner's first catch-up, out of the measured window
        print(
            f"store: {args.store}, {args.seconds:.0f} s per figure in {args.rounds} rounds "
            "taking turns, runner process beside"
        )
        for count in clients:
            anchor, result = rates(count, args.seconds, args.rounds, library_note, notitie)
            print(
                f"{count:>2} clients  anchor library save {anchor:7,.0f} events/s   "
                f"result notitie command {result:7,.0f} events/s   ratio {result / anchor:.2f}   "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    finally:
        runner.terminate()
        runner.wait(timeout=30)
        if settings.database_url:
            tenancy.stores.drop(slug)
        tenancy.close()
        library.close()
        drop_library()


if __name__ == "__main__":
    main()
