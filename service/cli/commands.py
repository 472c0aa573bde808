"""``spoorlog``: serve the API, manage tenants and keys, seed a demo (README, Configuration)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from service.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return Settings.from_env(data_dir=Path(data_dir) if data_dir else None)


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2))


def serve(args: argparse.Namespace) -> int:
    """Run the API under gunicorn, so several workers serve one store safely."""
    from gunicorn.app.base import BaseApplication

    from service.operations import gunicorn_config

    if args.data_dir:
        os.environ["SPOORLOG_DATA_DIR"] = args.data_dir
    # gunicorn's workers share their metrics through files in one directory
    metrics_dir = os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp("-spoorlog-metrics")
    )
    if args.demo:
        demo(args)
    runner = None
    if not args.no_projections:  # the one-command start keeps its read models current
        runner = subprocess.Popen([sys.executable, "-m", "service.cli", "projections", "run"])
    options = {
        name: getattr(gunicorn_config, name)
        for name in dir(gunicorn_config)
        if not name.startswith("_") and name != "os"
    }
    options["bind"] = f"{args.host}:{args.port}"
    if args.workers:
        options["workers"] = args.workers

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from service.http.app import create_app

            return create_app()

    try:
        Server().run()
    finally:
        if runner is not None:
            runner.terminate()
            runner.wait(timeout=30)
        if metrics_dir.endswith("-spoorlog-metrics"):
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def projections_run(args: argparse.Namespace) -> int:
    """Keep every tenant's read models current until stopped (SIGTERM/SIGINT)."""
    import signal
    import threading

    from service.application.tenancy import Tenancy
    from service.operations.projection_runner import ProjectionRunner

    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    runner = ProjectionRunner(
        Tenancy(_settings(args)), workers=args.workers, batch_size=args.batch_size
    )
    with runner:
        stopped.wait()
    return 0


def projections_rebuild(args: argparse.Namespace) -> int:
    """Rebuild read models into fresh tables; the old ones answer until the new are ready."""
    from projections import projection
    from projections.progress import ProgressReport
    from service.application.tenancy import Tenancy
    from service.operations.projection_runner import PROJECTIONS, ReadModels

    tenancy = Tenancy(_settings(args))
    read_models = ReadModels(tenancy)
    for slug in [args.tenant] if args.tenant else tenancy.control.tenants():
        tenancy.control.tenant(slug)  # an unknown tenant is an error, not an empty rebuild
        for kind in PROJECTIONS:
            report = ProgressReport(f"{slug} {kind.name}")
            done = projection.rebuild(read_models.store(slug), kind, progress=report)
            report.finish(done)
    return 0


def tenant_create(args: argparse.Namespace) -> int:
    from service.application.tenancy import Tenancy

    tenancy = Tenancy(_settings(args))
    tenant, admin_key = tenancy.create_tenant(args.slug, args.name, by="cli")
    _print({"slug": tenant.slug, "name": tenant.name, "admin_key": admin_key})
    return 0


def key_create(args: argparse.Namespace) -> int:
    from service.application.tenancy import Tenancy
    from service.http.representations import key_json

    tenancy = Tenancy(_settings(args))
    key, plain = tenancy.control.issue_key(
        args.tenant,
        name=args.name or args.role,
        role=args.role,
        employer_ids=args.employer_id or None,
        by="cli",
    )
    _print(key_json(key, plain))
    return 0


def demo(args: argparse.Namespace) -> int:
    from service.cli.demo import seed

    seed(
        _settings(args),
        host=f"http://{getattr(args, 'host', '127.0.0.1')}:{getattr(args, 'port', 8000)}",
    )
    return 0


def parser() -> argparse.ArgumentParser:
    from service.cli import proof_commands

    main_parser = argparse.ArgumentParser(prog="spoorlog", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the API (gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", help="embedded store directory (default ./data)")
    p.add_argument("--workers", type=int, help="gunicorn worker processes")
    p.add_argument("--demo", action="store_true", help="seed the demo tenant first")
    p.add_argument(
        "--no-projections",
        action="store_true",
        help="do not start the projection runner (run `spoorlog projections run` apart)",
    )
    p.set_defaults(run=serve)

    tenant = commands.add_parser("tenant", help="tenants").add_subparsers(
        dest="action", required=True
    )
    p = tenant.add_parser("create", help="register a tenant and print its admin key")
    p.add_argument("slug")
    p.add_argument("--name", required=True)
    p.add_argument("--data-dir")
    p.set_defaults(run=tenant_create)

    key = commands.add_parser("key", help="API keys").add_subparsers(dest="action", required=True)
    p = key.add_parser("create", help="issue an API key and print it (once)")
    p.add_argument("--tenant", required=True)
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "casemanager", "employer", "auditor", "integration"],
    )
    p.add_argument("--name")
    p.add_argument("--employer-id", action="append", help="scope to this employer (repeatable)")
    p.add_argument("--data-dir")
    p.set_defaults(run=key_create)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    p = projections.add_parser("run", help="keep every tenant's read models current")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--data-dir")
    p.set_defaults(run=projections_run)
    p = projections.add_parser("rebuild", help="rebuild read models from the events")
    p.add_argument("--tenant", help="only this tenant (default: all)")
    p.add_argument("--data-dir")
    p.set_defaults(run=projections_rebuild)

    proof_commands.register(commands)

    p = commands.add_parser("demo", help="seed a demo tenant and print a key and example requests")
    p.add_argument("--data-dir")
    p.set_defaults(run=demo)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    from domain.errors import DomainError
    from service.application.errors import Conflict, NotFound
    from service.persistence.stores import StoreUnavailable, store_unavailable

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (DomainError, Conflict, NotFound) as error:
        print(f"spoorlog: {type(error).__name__}: {str(error) or 'not found'}", file=sys.stderr)
        return 2
    except Exception as error:
        # A store that is down, unreachable or misnamed is a message, not a traceback.
        if not store_unavailable(error):
            raise
        reason = error if isinstance(error, StoreUnavailable) else f"store unavailable: {error}"
        print(f"spoorlog: {reason}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
