"""Obligation-engine benchmarks over HTTP against `spoorlog serve` (gunicorn).

Run: .venv/bin/python -m tests.benchmarks.bench_obligations [--store sqlite|postgres]
     [--cases 10000] [--requests 500]

- The worklist of a tenant with ``--cases`` open cases (default 10,000), next
  to the anchor: the same rows read straight from the read-model store by the
  same SQL, in this process, in the same run.
- The obligations of one case with 300 events, next to the anchors: reading
  the case's 300 stored events raw from the recorder (and decoding and
  folding them into the aggregate, without the cache) in this process, and
  ``GET /healthz`` over the same HTTP client (what any request costs).

Targets (issue 4): worklist p99 < 50 ms, obligations p99 < 20 ms.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import psycopg
import requests

from domain.access import Actor
from domain.case import Case
from domain.facts import legal_date
from projections import projection
from projections.case_list import CaseList
from projections.worklist import Worklist
from service.application.tenancy import Tenancy
from service.operations.projection_runner import ReadModels
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments
from tests.served import free_port, start_server, stop_server

ACTOR = Actor("bench", "casemanager")
TODAY = date.today()


def seed(app: object, employers: list[str], cases: int) -> None:
    """Open cases at every stage: some on time, some neglected, spread over two years."""
    rng = random.Random(42)
    for n in range(cases):
        first = TODAY - timedelta(days=rng.randrange(1, 700))
        case = Case.open_with_ziekmelding(
            by=ACTOR,
            employer_id=rng.choice(employers),
            employee={"name": f"Fictief {n}", "personnel_number": f"P-{n}"},
            first_sick_day=first,
            reported_on=first,
        )
        age = (TODAY - first).days
        if age > 5 and rng.random() < 0.8:
            case.melding_arbodienst(on=first + timedelta(days=3), by=ACTOR, arbodienst="Arbo")
        if age > 40 and rng.random() < 0.7:
            case.probleemanalyse(on=first + timedelta(days=38), by=ACTOR, bedrijfsarts="Dr. F")
            if age > 55 and rng.random() < 0.8:
                plan = first + timedelta(days=50)
                case.plan_van_aanpak(
                    on=plan, by=ACTOR, casemanager="J. Smit", goal="Eigen werk", agreements=[]
                )
                evaluation = plan + timedelta(days=40)
                while evaluation < TODAY and rng.random() < 0.7:
                    case.evaluatie(on=evaluation, by=ACTOR, participants=["wg"], summary="ok")
                    evaluation += timedelta(days=rng.choice((35, 42, 50)))
        app.save(case)  # type: ignore[attr-defined]


def long_case(app: object, employer: str, events: int) -> UUID:
    first = TODAY - timedelta(days=700)
    case = Case.open_with_ziekmelding(
        by=ACTOR,
        employer_id=employer,
        employee={"name": "Fictief Lang"},
        first_sick_day=first,
        reported_on=first,
    )
    case.probleemanalyse(on=first + timedelta(days=30), by=ACTOR, bedrijfsarts="Dr. F")
    case.plan_van_aanpak(
        on=first + timedelta(days=40), by=ACTOR, casemanager="J. Smit", goal="g", agreements=[]
    )
    day = first + timedelta(days=41)
    while case.version < events:
        if (day - first).days % 40 == 0:
            case.evaluatie(on=day, by=ACTOR, participants=["wg"], summary="voortgang")
        else:
            case.notitie(on=day, by=ACTOR, kind="contact", text="Telefonisch contact")
        day += timedelta(days=2)
    app.save(case)  # type: ignore[attr-defined]
    return case.id


def timings(call: Callable[[int], object], count: int) -> list[float]:
    for n in range(10):  # warm up connections and caches
        call(n)
    spent = []
    for n in range(count):
        started = time.perf_counter()
        call(n)
        spent.append(time.perf_counter() - started)
    return sorted(spent)


def summary(spent: list[float]) -> tuple[float, float]:
    p99 = spent[min(len(spent) - 1, int(0.99 * len(spent)))]
    return statistics.median(spent) * 1000, p99 * 1000


def report(label: str, spent: list[float], anchor: list[float] | None = None) -> None:
    p50, p99 = summary(spent)
    line = f"{label:<44} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms"
    if anchor is not None:
        a50, a99 = summary(anchor)
        line += f"   ratio to anchor: p50 {p50 / a50:5.1f}x, p99 {p99 / a99:5.1f}x"
    print(line)


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    slug, key, app, first = bench_tenant(tenancy, ACTOR)
    employers = [first] + [
        str(
            app.register_employer(
                ACTOR,
                name=f"Werkgever {n}",
                kvk_number=None,
                eigenrisicodrager_zw=False,
                eigenrisicodrager_wga=False,
            ).aggregate.id
        )
        for n in range(1, 20)
    ]
    print(f"store: {args.store}; seeding {args.cases} open cases …", flush=True)
    started = time.perf_counter()
    seed(app, employers, args.cases)
    case_id = long_case(app, employers[0], 300)
    events = app.recorder.max_notification_id()
    print(f"seeded {events} events in {time.perf_counter() - started:.0f} s", flush=True)

    store = ReadModels(tenancy).store(slug)
    for kind in (CaseList, Worklist):
        started = time.perf_counter()
        applied = projection.run(store, kind)
        seconds = time.perf_counter() - started
        print(
            f"built {kind.name}: {applied} events in {seconds:.1f} s ({applied / seconds:,.0f}/s)"
        )
    if settings.database_url:  # steady state: what autovacuum would have done by now
        with psycopg.connect(settings.database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    worklist = Worklist(store, projection.active_build(store, Worklist) or "")
    rows = store.read(lambda s: s.fetchall(f"SELECT COUNT(*) FROM {worklist.table('items')}"))
    print(f"worklist rows stored: {rows[0][0]}")

    port = free_port()
    server = start_server(settings, port)
    base = f"http://127.0.0.1:{port}"
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    try:
        today = legal_date(datetime.now(UTC))

        def horizon(n: int) -> date:
            return today + timedelta(days=n % 60)

        def raw_worklist(n: int) -> object:
            return store.read(
                lambda s: worklist.page(
                    s,
                    today=today,
                    due_before=horizon(n),
                    after=None,
                    limit=100,
                    employer_id=employers[n % 20] if n % 4 == 0 else None,
                )
            )

        def http_worklist(n: int) -> object:
            params = {"due_before": horizon(n).isoformat()}
            if n % 4 == 0:
                params["employer_id"] = employers[n % 20]
            answer = http.get(f"{base}/v1/worklist", params=params, timeout=10)
            assert answer.status_code == 200 and len(answer.json()["items"]) > 0, answer.text
            return answer

        print(f"\nworklist, 100 items a page, {args.requests} requests, due_before today+0..59:")
        anchor = timings(raw_worklist, args.requests)
        report("anchor  same SQL on the read-model store", anchor)
        report("result  GET /v1/worklist over HTTP", timings(http_worklist, args.requests), anchor)

        print(f"\nobligations of one case with 300 events, {args.requests} requests:")
        raw = timings(lambda n: app.recorder.select_events(case_id), args.requests)
        report("anchor  raw read of its 300 stored events", raw)
        folded = timings(lambda n: app.repository.get(case_id, version=300), args.requests)
        report("anchor  read, decode and fold (no cache)", folded, raw)
        floor = timings(lambda n: http.get(f"{base}/healthz", timeout=10), args.requests)
        report("anchor  GET /healthz (the HTTP floor)", floor)

        def http_obligations(n: int) -> object:
            answer = http.get(f"{base}/v1/cases/{case_id}/obligations", timeout=10)
            assert answer.status_code == 200, answer.text
            return answer

        spent = timings(http_obligations, args.requests)
        report("result  GET /v1/cases/{id}/obligations", spent, raw)
        report("        … against the HTTP floor", spent, floor)
    finally:
        stop_server(server)
        if settings.database_url:
            tenancy.stores.drop(slug)
        tenancy.close()


if __name__ == "__main__":
    main()
