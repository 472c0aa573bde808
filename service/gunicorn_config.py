"""Gunicorn settings, shared by ``spoorlog serve`` and ``deploy/gunicorn.conf.py``.

Threads in a few processes: each process has one bounded connection pool
shared by all tenants, so the PostgreSQL connection count is
``workers * SPOORLOG_POOL_MAX`` at most, whatever the number of tenants.
"""

import os

bind = os.environ.get("SPOORLOG_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SPOORLOG_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("SPOORLOG_THREADS", "8"))
timeout = 60
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("SPOORLOG_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("SPOORLOG_LOG_LEVEL", "info")
