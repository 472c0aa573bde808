"""``spoorlog``: serve the API, manage tenants and keys, seed a demo (docs/operations.md)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from service.config import Settings

if TYPE_CHECKING:
    from service.application.tenancy import Tenancy
    from service.application.tenant_application import TenantApplication


DATA_DIR_HELP = "embedded store directory (default $SPOORLOG_DATA_DIR or ./data)"


class CommandError(Exception):
    """What a command cannot do, said in one line; ``main`` prints it and exits 2."""


def _settings(args: argparse.Namespace) -> Settings:
    data_dir = getattr(args, "data_dir", None)
    return Settings.from_env(data_dir=Path(data_dir) if data_dir else None)


def store_description(settings: Settings) -> str:
    """Where the command looked: the data directory, or the database and its server."""
    if not settings.uses_postgres:
        return f"the data directory {settings.data_dir.resolve()}"
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(settings.database_url or "")
    where = f"{params.get('host', 'localhost')}:{params.get('port', '5432')}"
    return f"the database {params.get('dbname', 'postgres')} at {where}"


def _store_exists(settings: Settings, store: str) -> bool:
    """Whether ``store`` (a tenant's slug, or the control plane) exists, creating nothing."""
    from service.persistence.stores import CONTROL, EmbeddedStores, PostgresStores, schema_name

    if not settings.uses_postgres:
        files = EmbeddedStores.__new__(EmbeddedStores)  # its file names, without mkdir
        files.root = settings.data_dir
        return files.path(store).exists()
    schema = settings.control_schema if store == CONTROL else schema_name(store)
    stores = PostgresStores(settings)  # its pool only: bounded in time, names a failure
    try:
        with stores.shared.transaction(commit=False) as curs:
            curs.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,)
            )
            return curs.fetchone() is not None
    finally:
        stores.close()


def _print(value: Any) -> None:
    print(json.dumps(value, indent=2))


def open_tenancy(settings: Settings) -> Tenancy:
    """The existing stores, for a command that must not create one (a typo in a path must
    not leave an empty store behind)."""
    from service.application.tenancy import Tenancy
    from service.persistence.stores import CONTROL

    if not _store_exists(settings, CONTROL):
        raise CommandError(f"no Spoorlog store in {store_description(settings)}")
    return Tenancy(settings)


def open_tenant(settings: Settings, slug: str) -> tuple[Tenancy, TenantApplication]:
    """An existing tenant's Application; a missing store or tenant is a ``CommandError``
    naming the tenant and where it was looked for. Creates nothing."""
    tenancy = open_tenancy(settings)
    return tenancy, known_tenant(tenancy, slug)


def known_tenant(tenancy: Tenancy, slug: str) -> TenantApplication:
    """The tenant's Application in stores already open, if it exists; else ``CommandError``."""
    from service.application.errors import NotFound

    settings = tenancy.settings
    try:
        tenancy.control.tenant(slug)
    except NotFound:
        raise CommandError(f"no tenant {slug} in {store_description(settings)}") from None
    if not _store_exists(settings, slug):
        raise CommandError(
            f"tenant {slug} is registered but its store is missing in {store_description(settings)}"
        )
    return tenancy.tenant(slug)


def serve(args: argparse.Namespace) -> int:
    """Run the API under gunicorn, so several workers serve one store safely."""
    from gunicorn.app.base import BaseApplication

    from service.operations import gunicorn_config

    _port_free(args.host, args.port)  # before the demo prints a key for a server never started
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
                if key in self.cfg.settings:  # as gunicorn reads a config file
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


def _port_free(host: str, port: int) -> None:
    """Refuse at once when the address is taken, rather than after seeding the demo."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"cannot serve on {host}:{port}: {error.strerror or error} "
                "(the port is in use: stop the other server or choose --port)"
            ) from None


def projections_run(args: argparse.Namespace) -> int:
    """Keep every tenant's read models current until stopped (SIGTERM/SIGINT)."""
    import signal
    import threading

    from service.application.tenancy import Tenancy
    from service.operations.json_logs import configure_process_logging
    from service.operations.projection_runner import ProjectionRunner
    from service.proof import signing

    configure_process_logging()
    signing.check_key_file()
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())
    runner = ProjectionRunner(  # elect: of several nodes' runners, one works at a time
        Tenancy(_settings(args)), workers=args.workers, batch_size=args.batch_size, elect=True
    )
    with runner:
        stopped.wait()
    return 0


def projections_rebuild(args: argparse.Namespace) -> int:
    """Rebuild read models into fresh tables; the old ones answer until the new are ready."""
    from projections import projection
    from projections.progress import ProgressReport
    from service.operations.projection_runner import PROJECTIONS, ReadModels

    tenancy = open_tenancy(_settings(args))
    read_models = ReadModels(tenancy)
    for slug in [args.tenant] if args.tenant else tenancy.control.tenants():
        known_tenant(tenancy, slug)  # an unknown tenant is an error, not an empty rebuild
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
    from service.http.representations import key_json

    tenancy, _ = open_tenant(_settings(args), args.tenant)
    key, plain = tenancy.control.issue_key(
        args.tenant,
        name=args.name or args.role,
        role=args.role,
        employer_ids=args.employer_id or None,
        by="cli",
    )
    _print(key_json(key, plain))
    return 0


def backup(args: argparse.Namespace) -> int:
    """Write one tenant's whole store and control-plane records to a file."""
    from service.operations.backup import backup as write_backup

    tenancy, _ = open_tenant(_settings(args), args.tenant)
    manifest = write_backup(tenancy, args.tenant, Path(args.output))
    _print({"output": args.output, **manifest.as_json()})
    return 0


def restore(args: argparse.Namespace) -> int:
    """Put a backed-up tenant into a store that does not hold it yet."""
    from service.operations.backup import restore as read_backup

    manifest = read_backup(_settings(args), Path(args.input), args.tenant)
    _print({"restored": manifest.tenant, **manifest.as_json()})
    return 0


def demo(args: argparse.Namespace) -> int:
    from service.cli.demo import seed

    seed(
        _settings(args),
        host=f"http://{getattr(args, 'host', '127.0.0.1')}:{getattr(args, 'port', 8000)}",
    )
    return 0


def parser() -> argparse.ArgumentParser:
    from service.cli import proof_commands, retention_commands

    main_parser = argparse.ArgumentParser(prog="spoorlog", description=__doc__)
    commands = main_parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the API (gunicorn)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.add_argument(
        "--workers", type=int, help="gunicorn worker processes (default $SPOORLOG_WORKERS or 2)"
    )
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
    p.add_argument("slug", help="the tenant's short name: a-z, 0-9 and -, 2-39 characters")
    p.add_argument("--name", required=True, help="the bureau's name")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=tenant_create)

    key = commands.add_parser("key", help="API keys").add_subparsers(dest="action", required=True)
    p = key.add_parser("create", help="issue an API key and print it (once)")
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument(
        "--role",
        required=True,
        choices=["admin", "casemanager", "employer", "auditor", "integration"],
        help="what the key may do",
    )
    p.add_argument("--name", help="a name to recognise the key by (default: the role)")
    p.add_argument("--employer-id", action="append", help="scope to this employer (repeatable)")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=key_create)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    p = projections.add_parser("run", help="keep every tenant's read models current")
    p.add_argument("--workers", type=int, default=2, help="threads sharing the tenants (default 2)")
    p.add_argument(
        "--batch-size", type=int, default=500, help="events per transaction (default 500)"
    )
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=projections_run)
    p = projections.add_parser("rebuild", help="rebuild read models from the events")
    p.add_argument("--tenant", help="only this tenant (default: all)")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=projections_rebuild)

    proof_commands.register(commands)
    retention_commands.register(commands)

    p = commands.add_parser("backup", help="write one tenant's store to a file")
    p.add_argument("--tenant", required=True, help="the tenant's slug")
    p.add_argument("--output", required=True, help="the file to write (mode 0600)")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=backup)
    p = commands.add_parser("restore", help="restore a tenant's backup into a store without it")
    p.add_argument("--input", required=True, help="a file written by spoorlog backup")
    p.add_argument("--tenant", help="refuse unless the file holds this tenant")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=restore)

    p = commands.add_parser("demo", help="seed a demo tenant and print a key and example requests")
    p.add_argument("--data-dir", help=DATA_DIR_HELP)
    p.set_defaults(run=demo)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    from domain.errors import DomainError
    from service.application.errors import Conflict, NotFound
    from service.operations.backup import BackupError
    from service.persistence.stores import StoreUnavailable, store_unavailable
    from service.proof.signing import SigningKeyError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (CommandError, BackupError, DomainError, Conflict, SigningKeyError) as error:
        print(f"spoorlog: {error}", file=sys.stderr)
        return 2
    except NotFound as error:
        print(f"spoorlog: not found: {error or 'no such record'}", file=sys.stderr)
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
