"""Merkle log benchmarks: a tree head over a large tenant, and one case's proof over HTTP.

Run: .venv/bin/python -m tests.benchmarks.bench_proof [--store sqlite|postgres]
     [--events 100000] [--requests 200]

Seeds a tenant of ``--events`` events straight through the application (cases
of about 40 events, saved many at a time), with one case of 300 events whose
events are spread over the whole log, as a long case's are.

- Tree head from scratch (every leaf hashed and stored, the root signed),
  against the anchor: reading the same feed rows raw from the recorder.
- The next tree head after one more event (the steady state of the runner).
- GET /v1/cases/{id}/proof of the 300-event case against `spoorlog serve`,
  against the anchor: reading that case's 300 rows from the store in-process.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import requests

from domain.case import Case
from service.application.tenancy import Tenancy
from service.proof.checkpoints import make_checkpoint
from service.proof.verify_export import verify_export
from tests.benchmarks.bench_obligations import ACTOR, TODAY, report, timings
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments
from tests.served import free_port, start_server, stop_server

LONG_CASE = 300
CASE_EVENTS = 40


def seed(app: Any, employer: str, events: int) -> str:
    """``events`` events; the long case gets one of them in every batch saved."""
    first = TODAY - timedelta(days=700)
    long = Case.open_with_ziekmelding(
        by=ACTOR,
        employer_id=employer,
        employee={"name": "Fictief Lang", "personnel_number": "P-300"},
        first_sick_day=first,
        reported_on=first,
    )
    per_batch = max(CASE_EVENTS, events // LONG_CASE)
    seeded, n = 1, 0
    while seeded < events:
        batch: list[Case] = []
        while seeded < events and sum(c.version for c in batch) < per_batch:
            n += 1
            case = Case.open_with_ziekmelding(
                by=ACTOR,
                employer_id=employer,
                employee={"name": f"Fictief {n}", "personnel_number": f"P-{n}"},
                first_sick_day=first,
                reported_on=first,
            )
            day = first + timedelta(days=1)
            while case.version < CASE_EVENTS and seeded + case.version < events:
                case.notitie(on=day, by=ACTOR, kind="contact", text="Telefonisch contact")
                day += timedelta(days=1)
            seeded += case.version
            batch.append(case)
        if long.version < LONG_CASE and seeded < events:
            if long.version > 1:
                on = first + timedelta(days=long.version)
                long.notitie(on=on, by=ACTOR, kind="contact", text="Voortgang")
            seeded += 1
            batch.append(long)
        app.save(*batch)
    while long.version < LONG_CASE:  # a small run: the long case still gets its 300
        long.notitie(on=first + timedelta(days=long.version), by=ACTOR, kind="contact", text="x")
    app.save(long)
    return str(long.id)


def raw_feed(app: Any) -> tuple[int, float]:
    started = time.perf_counter()
    after, count = 0, 0
    while page := app.recorder.select_notifications(after, 500, inclusive_of_start=False):
        count += len(page)
        after = page[-1].id
    return count, time.perf_counter() - started


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    slug, key, app, employer = bench_tenant(tenancy, ACTOR)
    print(f"store: {args.store}; seeding {args.events:,} events …", flush=True)
    started = time.perf_counter()
    case_id = seed(app, employer, args.events)
    total = app.recorder.max_notification_id()
    print(f"seeded {total:,} events in {time.perf_counter() - started:.0f} s", flush=True)

    count, seconds = raw_feed(app)
    anchor_rate = count / seconds
    print(f"anchor  raw feed read, {count:,} rows:       {anchor_rate:>10,.0f} events/s")
    started = time.perf_counter()
    head = make_checkpoint(app, slug)
    spent = time.perf_counter() - started
    assert head is not None and head.tree_size == total
    rate = total / spent
    print(
        f"result  tree head from scratch:            {rate:>10,.0f} events/s "
        f"({spent:.1f} s; ratio to raw read {rate / anchor_rate:.3f})"
    )
    other = Case.open_with_ziekmelding(
        by=ACTOR,
        employer_id=employer,
        employee={"name": "Fictief Later", "personnel_number": "P-X"},
        first_sick_day=TODAY,
        reported_on=TODAY,
    )
    next_heads = []
    for n in range(20):
        other.notitie(on=TODAY, by=ACTOR, kind="contact", text=f"Nog een {n}")
        app.save(other)
        started = time.perf_counter()
        make_checkpoint(app, slug)
        next_heads.append(time.perf_counter() - started)
    report("result  next tree head after one event", sorted(next_heads))

    port = free_port()
    server = start_server(settings, port, "--no-projections")
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    try:
        case = app.repository.get(uuid.UUID(case_id))
        events = case.version
        print(f"\nproof of a case of {events} events, log of {total:,}, {args.requests} requests:")
        anchor = timings(lambda n: app.recorder.select_events(case.id), args.requests)
        report(f"anchor  its {events} rows read in-process", anchor)

        def http_proof(n: int) -> object:
            answer = http.get(f"http://127.0.0.1:{port}/v1/cases/{case_id}/proof", timeout=30)
            assert answer.status_code == 200, answer.text
            return answer

        report("result  GET /v1/cases/{id}/proof", timings(http_proof, args.requests), anchor)
        lines = http_proof(0).text.splitlines(keepends=True)  # type: ignore[attr-defined]
        checked = verify_export(lines)
        assert checked.valid, checked.problems[:5]
        path = json.loads(lines[0])["inclusion"]["path"]
        size = len(http_proof(0).content)  # type: ignore[attr-defined]
        print(f"        {size / 1024:.0f} KiB, {len(path)} hashes on each inclusion path")
    finally:
        stop_server(server)
        if settings.database_url:
            tenancy.stores.drop(slug)
        tenancy.close()


if __name__ == "__main__":
    main()
