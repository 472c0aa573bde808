"""Audit-trail benchmarks over HTTP against `spoorlog serve` (gunicorn).

Run: .venv/bin/python -m tests.benchmarks.bench_audit [--store sqlite|postgres]
     [--cases 1000] [--requests 500]

- The audit trail (JSON) of a case with 300 events, next to the anchor: the
  same 300 rows read from the read-model store in this process, in the same
  run. Target (issue 5): p99 < 20 ms.
- Rebuilding the audit-trail projection, and exporting the tenant (JSON
  Lines with the tenant chain and a fresh checkpoint), next to reading (and
  decoding) the same events from the recorder.
"""

from __future__ import annotations

import time

import requests

from projections import projection
from projections.audit_trail import AuditTrail
from service.application.tenancy import Tenancy
from service.operations.projection_runner import ReadModels
from service.proof.checkpoints import export
from tests.benchmarks.bench_obligations import ACTOR, long_case, report, seed, timings
from tests.benchmarks.bench_projections import raw_read
from tests.benchmarks.setup import bench_settings, bench_tenant, store_arguments
from tests.served import free_port, start_server, stop_server


def main() -> None:
    parser = store_arguments(__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--serve-options", default="", help="extra options for spoorlog serve")
    args = parser.parse_args()

    settings = bench_settings(args)
    tenancy = Tenancy(settings)
    slug, key, app, employer = bench_tenant(tenancy, ACTOR)
    print(f"store: {args.store}; seeding {args.cases} cases and one of 300 events …", flush=True)
    seed(app, [employer], args.cases)
    case_id = long_case(app, employer, 300)

    store = ReadModels(tenancy).store(slug)
    count, seconds = raw_read(store, decode=True)
    print(f"anchor  read + decode {count} events:   {count / seconds:,.0f} events/s")
    started = time.perf_counter()
    built = projection.run(store, AuditTrail)
    rate = built / (time.perf_counter() - started)
    print(
        f"result  audit_trail build:            {rate:,.0f} events/s "
        f"(ratio {rate / (count / seconds):.3f})"
    )
    trail = AuditTrail(store, projection.active_build(store, AuditTrail) or "")
    raw_count, raw_seconds = raw_read(store, decode=False)
    started = time.perf_counter()
    exported = sum(1 for line in export(app, slug) if not line.startswith('{"checkpoint"'))
    export_rate = exported / (time.perf_counter() - started)
    print(f"anchor  raw read {raw_count} events:       {raw_count / raw_seconds:,.0f} events/s")
    print(
        f"result  export (JSON Lines, chained): {export_rate:,.0f} events/s "
        f"(ratio {export_rate / (raw_count / raw_seconds):.3f} to raw, "
        f"{export_rate / (count / seconds):.3f} to read + decode)"
    )

    port = free_port()
    server = start_server(settings, port, *args.serve_options.split())
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {key}"
    try:
        print(f"\naudit trail of one case with 300 events, {args.requests} requests:")
        anchor = timings(
            lambda n: store.read(lambda s: trail.entries(s, str(case_id), None)), args.requests
        )
        report("anchor  its 300 rows read in-process", anchor)

        def http_trail(n: int) -> object:
            answer = http.get(f"http://127.0.0.1:{port}/v1/cases/{case_id}/audit-trail", timeout=10)
            assert answer.status_code == 200 and len(answer.json()["entries"]) == 300, answer.text
            return answer

        report("result  GET /v1/cases/{id}/audit-trail", timings(http_trail, args.requests), anchor)
    finally:
        stop_server(server)
        if settings.database_url:
            tenancy.stores.drop(slug)
        tenancy.close()


if __name__ == "__main__":
    main()
