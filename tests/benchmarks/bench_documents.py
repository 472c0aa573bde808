"""The dossier as PDF (and HTML) against the JSON trail of the same case, over HTTP.

Run: .venv/bin/python -m tests.benchmarks.bench_documents [--store sqlite|postgres]
     [--events 300 2000] [--requests 20]

For each case length: the anchor is GET /v1/cases/{id}/audit-trail as JSON,
the result the same trail as the "Verantwoording re-integratiedossier" PDF
(and HTML), both served by `spoorlog serve` (gunicorn) in the same run.
Targets (issue 14): the PDF of a 2,000-event case under 1 s and at most 60 times
its JSON trail; a 300-event case under 1 s.

On a machine shared with other work the wall-clock figures swell with its load
(printed beside them, from os.getloadavg); the CPU seconds of the same
requests served in this process (Flask's test client), the best of a few, say
what the rendering itself costs, and are held to the same targets.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import requests

from domain.case import Case
from projections import projection
from projections.audit_trail import AuditTrail
from service.application.tenancy import Tenancy
from service.http.app import create_app
from service.operations.projection_runner import ReadModels
from tests.benchmarks.bench_obligations import ACTOR, TODAY, report, summary, timings
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments
from tests.served import free_port, start_server, stop_server


def long_file(app: object, employer: str, events: int) -> UUID:
    """A case of ``events`` events over 690 days: a plan, evaluations every 42 days, and
    contact notes in between (several a day on a long case), one corrected."""
    first = TODAY - timedelta(days=700)
    case = Case.open_with_ziekmelding(
        by=ACTOR,
        employer_id=employer,
        employee={"name": "Fictief Lang", "personnel_number": "P-2000"},
        first_sick_day=first,
        reported_on=first,
    )
    case.probleemanalyse(on=first + timedelta(days=30), by=ACTOR, bedrijfsarts="Dr. F")
    case.plan_van_aanpak(
        on=first + timedelta(days=40), by=ACTOR, casemanager="J. Smit", goal="g", agreements=[]
    )
    plan = case.facts[-1].event_id
    case.correctie(
        on=first + timedelta(days=41), by=ACTOR, event_id=plan, reason="Naam",
        replacement={"casemanager": "K. de Vries"},
    )  # fmt: skip
    spread = (events - case.version) / 640
    for n in range(events - case.version):
        day = first + timedelta(days=50 + int(n / spread))
        if n % 12 == 0:
            case.evaluatie(on=day, by=ACTOR, participants=["wg", "wn"], summary="voortgang")
        else:
            case.notitie(on=day, by=ACTOR, kind="contact", text="Telefonisch contact")
    app.save(case)  # type: ignore[attr-defined]
    return case.id


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--events", type=int, nargs="+", default=[300, 2000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--serve-options", default="", help="extra options for spoorlog serve")
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    slug, key, app, employer = bench_tenant(tenancy, ACTOR)
    print(f"store: {args.store}; seeding cases of {args.events} events …", flush=True)
    cases = {events: long_file(app, employer, events) for events in args.events}
    projection.run(ReadModels(tenancy).store(slug), AuditTrail)

    port = free_port()
    server = start_server(settings, port, *args.serve_options.split())
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    try:
        for events, case_id in cases.items():
            url = f"http://127.0.0.1:{port}/v1/cases/{case_id}/audit-trail"

            def fetch(accept: str, n: int, url: str = url, events: int = events) -> object:
                answer = http.get(url, headers={"Accept": accept}, timeout=60)
                assert answer.status_code == 200, answer.text[:300]
                if accept == "application/json":
                    assert len(answer.json()["entries"]) == events
                return answer

            print(f"\ncase of {events} events, {args.requests} requests each; {load()}:")
            anchor = timings(lambda n: fetch("application/json", n), args.requests)
            report("anchor  JSON trail", anchor)
            pdf = timings(lambda n: fetch("application/pdf", n), args.requests)
            report("result  PDF dossier", pdf, anchor)
            report("result  HTML dossier", timings(lambda n: fetch("text/html", n), 5), anchor)
            p50 = summary(pdf)[0]
            print(f"        PDF p50 {p50:.0f} ms: {verdict(p50 / 1000)} the 1 s target; {load()}")
            in_process(settings, tenancy, key, case_id)
    finally:
        stop_server(server)
        if settings.database_url:
            tenancy.stores.drop(slug)
        tenancy.close()


def in_process(settings: object, tenancy: Tenancy, key: str, case_id: UUID) -> None:
    """The same requests served in this process: CPU seconds, best of five."""
    client = create_app(settings, tenancy).test_client()  # type: ignore[arg-type]
    url = f"/v1/cases/{case_id}/audit-trail"

    def served(accept: str) -> Callable[[], object]:
        headers = {"Authorization": f"Bearer {key}", "Accept": accept}
        return lambda: client.get(url, headers=headers)

    anchor = cpu_seconds(served("application/json"))
    print(f"anchor  JSON trail, in process           {anchor * 1000:7.1f} ms CPU")
    for name, accept in (("PDF", "application/pdf"), ("HTML", "text/html")):
        spent = cpu_seconds(served(accept))
        print(
            f"result  {name} dossier, in process  {spent * 1000:11.1f} ms CPU"
            f"   ratio to anchor {spent / anchor:5.1f}x",
            flush=True,
        )
        if name == "PDF":
            ratio = "within" if spent / anchor <= 60 else "OVER"
            print(
                f"        PDF {spent * 1000:.0f} ms CPU: {verdict(spent)} the 1 s target, "
                f"{ratio} 60x its JSON trail; {load()}",
                flush=True,
            )


def verdict(seconds: float) -> str:
    return "under" if seconds < 1 else "OVER"


def load() -> str:
    """The machine's load average, to read a wall-clock figure by."""
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def cpu_seconds(call: Callable[[], object], times: int = 5) -> float:
    call()  # warm up: fonts parsed, caches filled
    spent = []
    for _ in range(times):
        started = time.process_time()
        call()
        spent.append(time.process_time() - started)
    return min(spent)


if __name__ == "__main__":
    main()
