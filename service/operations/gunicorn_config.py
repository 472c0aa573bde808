"""Gunicorn settings, shared by ``spoorlog serve`` and ``deploy/gunicorn.conf.py``.

Threads in a few processes: each process has one bounded connection pool
shared by all tenants, so the PostgreSQL connection count is
``workers * SPOORLOG_POOL_MAX`` at most, whatever the number of tenants.
"""

import os
import shutil
import tempfile

bind = os.environ.get("SPOORLOG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SPOORLOG_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SPOORLOG_THREADS", "8"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("SPOORLOG_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
logger_class = "service.operations.json_logs.GunicornJsonLogger"  # JSON lines, as the app's
control_socket_disable = True  # gunicorn 24+: no socket in $HOME, none shared by two servers
loglevel = os.environ.get("SPOORLOG_LOG_LEVEL", "info")


def post_worker_init(worker: object) -> None:
    """Move everything loaded at start-up out of the garbage collector's sight.

    A full collection otherwise walks every module, schema and route object
    each time it runs, which showed as 20-30 ms spikes at the p99 of large
    answers such as a 300-entry audit trail.
    """
    import gc

    gc.freeze()


_made_metrics_dir: list[str] = []


def on_starting(server: object) -> None:
    """The directory the workers share their metrics through, empty at start (files of an
    earlier run would count twice); a private one when ``PROMETHEUS_MULTIPROC_DIR`` is unset."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        directory = tempfile.mkdtemp(prefix="spoorlog-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory  # the workers inherit it
        _made_metrics_dir.append(directory)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.unlink(os.path.join(directory, name))


def on_exit(server: object) -> None:
    for directory in _made_metrics_dir:
        shutil.rmtree(directory, ignore_errors=True)


def child_exit(server: object, worker: object) -> None:
    """A worker that is gone no longer reports its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
