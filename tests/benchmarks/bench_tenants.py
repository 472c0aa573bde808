"""What many tenants cost: the idle projection runner, memory, lag and API throughput.

Run: .venv/bin/python -m tests.benchmarks.bench_tenants [--store sqlite|postgres]
     [--tenants 1,200,1000] [--idle-seconds 10] [--rate 20] [--seconds 10]
     [--clients 16] [--http-seconds 10]

For each tenant count (tenants are added to the ones already seeded), the
real runner (``spoorlog projections run``) is started as a process of its
own on the store and, once every tenant's read models have caught up:

- idle: the runner's CPU (cores, from /proc) over ``--idle-seconds`` without
  a command, once its once-only work after catching up is done, and its
  resident memory;
- lag: ``--rate`` commands a second for ``--seconds`` to tenants picked at
  random, each timed from its commit until the case list has applied it;
- API: ``spoorlog serve --no-projections`` (its default two gunicorn workers)
  beside the runner, ``--clients`` HTTP clients posting a notitie to a case
  of a tenant picked at random: events a second over ``--cold-seconds``
  right after the start (most requests open a tenant for the first time in
  their worker), then, once every client has read a case of every tenant,
  over ``--http-seconds`` (a server that has run a while), with the API
  workers' and the runner's CPU per event, and the largest worker's
  resident memory after.

Progress is read from the store as the probes read it, without opening a
tenant in this process. The anchor of every figure is the same figure at
the first tenant count, in the same run; the load average is printed beside.
Goals (issue 14): idle CPU at 1,000 tenants below 0.05 cores, runner and
worker RSS within 1.3x of one tenant, throughput at least 0.9x of one
tenant, lag p99 below 0.5 s.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import requests

from domain.access import Actor
from projections.case_list import CaseList
from service.application.tenancy import Tenancy
from service.operations.projection_runner import PROJECTIONS
from tests.api.payloads import step_body
from tests.benchmarks.setup import bench_settings, in_threads, store_arguments
from tests.seeding import tenant_with_case
from tests.served import cli_env, free_port, start_server, stop_server

ACTOR = Actor("bench", "casemanager")
TICKS = os.sysconf("SC_CLK_TCK")


class Seeded:
    """A tenant of the benchmark: its admin key and its cases."""

    def __init__(self, tenancy: Tenancy, slug: str, cases: int) -> None:
        """The tenant with one employer and ``cases`` cases of two events, and a notitie
        on the first."""
        self.key, app, first, start = tenant_with_case(tenancy, slug, ACTOR, sick_days=30)
        employer = app.case(first, ACTOR).employer_id
        self.cases = [first] + [
            str(
                app.open_case(
                    ACTOR,
                    employer_id=employer,
                    employee={"name": "Fictief"},
                    first_sick_day=start,
                    reported_on=start,
                ).aggregate.id
            )
            for _ in range(cases - 1)
        ]
        app.record(first, "notitie", ACTOR, on=date.today(), kind="contact", text="t")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settle(pid: int, limit: float = 120) -> float:
    """Wait until the runner's once-only work after catching up (signing every tenant's
    first head) is done: two seconds below 0.05 cores. Returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        before = cpu_seconds(pid)
        time.sleep(2)
        if (cpu_seconds(pid) - before) / 2 < 0.05:
            break
    return time.perf_counter() - started


class Positions:
    """Each tenant's read models as the probes read them: from the store, not opening it."""

    def __init__(self, tenancy: Tenancy) -> None:
        self.stores = tenancy.stores

    def of(self, slug: str, projection: str = CaseList.name) -> int:
        """The position of the projection's build that queries read (0: none yet)."""
        ready = [b for b in self.stores.builds(slug) if b.projection == projection and b.ready]
        return ready[-1].position if ready else 0

    def caught_up(self, slug: str) -> bool:
        head = self.stores.head(slug) or 0
        return all(self.of(slug, kind.name) >= head for kind in PROJECTIONS)


def wait_caught_up(positions: Positions, slugs: list[str]) -> float:
    started = time.perf_counter()
    pending = set(slugs)
    deadline = started + 600
    while pending:
        pending = {slug for slug in pending if not positions.caught_up(slug)}
        if pending and time.perf_counter() > deadline:
            raise TimeoutError(f"{len(pending)} tenants did not catch up")
        time.sleep(0.2 if pending else 0)
    return time.perf_counter() - started


def lag(
    tenancy: Tenancy,
    positions: Positions,
    tenants: dict[str, Seeded],
    rate: float,
    seconds: float,
) -> tuple[list[float], int]:
    """Seconds from each command's commit until the case list applied it; and how many
    commands were sent."""
    rng = random.Random(7)
    written: list[tuple[str, int, float]] = []
    applied: dict[int, float] = {}
    done = threading.Event()

    def watch() -> None:
        deadline = None
        while True:
            if done.is_set():
                deadline = deadline or time.perf_counter() + 30
                if len(applied) == len(written) or time.perf_counter() > deadline:
                    return
            for index, (slug, position, _) in enumerate(list(written)):
                if index not in applied and positions.of(slug) >= position:
                    applied[index] = time.perf_counter()
            time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    slugs = list(tenants)
    end = time.perf_counter() + seconds
    sent = 0
    while time.perf_counter() < end:
        slug = rng.choice(slugs)
        recorded = tenancy.tenant(slug).record(
            tenants[slug].cases[0], "notitie", ACTOR, on=date.today(), kind="contact", text="t"
        )
        written.append((slug, recorded.positions[-1], time.perf_counter()))
        sent += 1
        time.sleep(max(0.0, 1 / rate))
    done.set()
    watcher.join()
    return [applied[i] - at for i, (_, _, at) in enumerate(written) if i in applied], sent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in found]


def throughput(
    base: str, tenants: dict[str, Seeded], clients: int, seconds: float
) -> tuple[float, dict[int, int]]:
    """Notitie events a second that ``clients`` HTTP clients get recorded, each posting to a
    case of a tenant picked at random (client n to the tenant's case n, so that clients of
    one tenant do not contend for one case); and the answers by status."""
    slugs = list(tenants)
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    rngs = [random.Random(index) for index in range(clients)]
    sessions = [requests.Session() for _ in range(clients)]
    body = step_body("notitie")

    def post(index: int) -> None:
        tenant = tenants[rngs[index].choice(slugs)]
        case = tenant.cases[index % len(tenant.cases)]
        answer = sessions[index].post(
            f"{base}/v1/cases/{case}/notitie",
            json=body,
            headers={"Authorization": f"Bearer {tenant.key}"},
            timeout=60,
        )
        with lock:
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    _, took = in_threads(clients, seconds, post)
    return statuses.get(201, 0) / took, statuses


def visit_every_tenant(base: str, tenants: dict[str, Seeded], clients: int) -> float:
    """Every client reads a case of every tenant once, so that each worker has opened every
    tenant, as a server that has run a while has: a worker's first opening of a tenant
    makes sure of its tables (some twenty statements), later ones do not. Seconds taken."""
    started = time.perf_counter()

    def client(index: int) -> None:
        http = requests.Session()
        order = list(tenants.values())
        random.Random(index).shuffle(order)
        for tenant in order:
            answer = http.get(
                f"{base}/v1/cases/{tenant.cases[0]}",
                headers={"Authorization": f"Bearer {tenant.key}"},
                timeout=60,
            )
            assert answer.status_code == 200, answer.text

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--tenants", default="1,200,1000")
    parser.add_argument("--idle-seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--http-seconds", type=float, default=10)
    parser.add_argument("--cold-seconds", type=float, default=5)
    args = parser.parse_args()

    os.environ["SPOORLOG_LOG_LEVEL"] = "WARNING"  # the processes started: no line a request
    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    positions = Positions(tenancy)
    prefix = f"bt{os.getpid()}"
    tenants: dict[str, Seeded] = {}
    anchor: dict[str, float] = {}
    try:
        for count in [int(n) for n in args.tenants.split(",")]:
            started = time.perf_counter()
            while len(tenants) < count:
                slug = f"{prefix}-{len(tenants)}"
                # the first tenant has a case per client, so that one tenant's clients do
                # not all contend for one case; the others one case each
                tenants[slug] = Seeded(tenancy, slug, args.clients if not tenants else 1)
            seeded = time.perf_counter() - started
            print(f"\n{args.store}: {count} tenants (seeded in {seeded:.0f} s)", flush=True)
            runner = subprocess.Popen(
                [sys.executable, "-m", "service.cli", "projections", "run"], env=cli_env(settings)
            )
            try:
                took = wait_caught_up(positions, list(tenants))
                print(f"  caught up in {took:.1f} s", flush=True)
                settled = settle(runner.pid)
                print(f"  settled in {settled:.0f} s (first heads signed)", flush=True)
                before = cpu_seconds(runner.pid)
                time.sleep(args.idle_seconds)
                figures = {
                    "idle cores": (cpu_seconds(runner.pid) - before) / args.idle_seconds,
                    "runner RSS MB": rss_mb(runner.pid),
                }
                load = os.getloadavg()[0]
                lags, sent = lag(tenancy, positions, tenants, args.rate, args.seconds)
                figures["lag p50 s"] = statistics.median(lags) if lags else float("nan")
                figures["lag p99 s"] = percentile(lags, 0.99) if lags else float("nan")
                print(f"  commands sent {sent}, lag measured for {len(lags)}", flush=True)
                server = start_server(settings, port := free_port(), "--no-projections")
                try:
                    base = f"http://127.0.0.1:{port}"
                    cold, _ = throughput(base, tenants, args.clients, args.cold_seconds)
                    figures[f"API events/s {args.clients} cl, cold"] = cold
                    visited = visit_every_tenant(base, tenants, args.clients)
                    print(f"  every tenant read by every client in {visited:.0f} s", flush=True)
                    pids = [runner.pid, *children(server.pid)]
                    used = [cpu_seconds(pid) for pid in pids]
                    events, statuses = throughput(base, tenants, args.clients, args.http_seconds)
                    used = [cpu_seconds(p) - u for p, u in zip(pids, used, strict=True)]
                    recorded = events * args.http_seconds
                    figures[f"API events/s {args.clients} cl"] = events
                    figures["API workers CPU ms/event"] = 1000 * sum(used[1:]) / recorded
                    figures["runner CPU ms/event"] = 1000 * used[0] / recorded
                    figures["API worker RSS MB"] = max(rss_mb(w) for w in children(server.pid))
                    print(f"  API answers {statuses}", flush=True)
                finally:
                    stop_server(server)
                figures["runner RSS MB after"] = rss_mb(runner.pid)
            finally:
                runner.terminate()
                runner.wait(timeout=30)
            print(f"  load average (1 min) {load:.2f} idle, {os.getloadavg()[0]:.2f} after")
            for name, value in figures.items():
                base_value = anchor.setdefault(name, value)
                ratio = value / base_value if base_value else float("nan")
                print(
                    f"  {name:<24} {value:9.3f}   anchor (first count) {base_value:9.3f}   "
                    f"ratio {ratio:6.2f}",
                    flush=True,
                )
    finally:
        if settings.database_url:
            for slug in tenants:
                tenancy.stores.drop(slug)
            with tenancy.stores.shared.transaction(commit=True) as curs:  # type: ignore[attr-defined]
                curs.execute(f'DROP SCHEMA IF EXISTS "{settings.control_schema}" CASCADE')
        tenancy.close()


if __name__ == "__main__":
    main()
