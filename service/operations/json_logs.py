"""One JSON object a line, for every log of a Spoorlog process: the app's, gunicorn's, the rest.

Each line carries the time, level, logger and message, and where known the
request id, tenant and acting key — never an employee's name, a path with
ids, or any case content. gunicorn's access log keeps to the same rule: the
method, status, size and duration, and the request id that joins it to the
app's own line (which names the route).
"""

from __future__ import annotations

import json
import logging
import os
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger

LEVEL = os.environ.get("SPOORLOG_LOG_LEVEL", "INFO").upper()


class JsonFormatter(logging.Formatter):
    FIELDS = (
        "request_id",
        "tenant",
        "actor",
        "method",
        "route",
        "status",
        "bytes",
        "duration_ms",
    )

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging() -> None:
    """The app's own loggers (``spoorlog.*``), wherever the app runs."""
    root = logging.getLogger("spoorlog")
    root.handlers[:] = [json_handler()]
    root.setLevel(LEVEL)
    root.propagate = False


def configure_process_logging() -> None:
    """A process of our own (gunicorn, the projection runner): every logger, and Python's
    warnings, as JSON lines on standard error."""
    configure_logging()
    logging.root.handlers[:] = [json_handler()]
    logging.root.setLevel(LEVEL)
    logging.captureWarnings(True)


class GunicornJsonLogger(Logger):
    """gunicorn's error and access logs through :class:`JsonFormatter`."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())
        configure_process_logging()

    def access(self, resp: Any, req: Any, environ: Any, request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        self.access_log.info(
            "access",
            extra={
                "request_id": headers.get("x-request-id"),
                "method": req.method,
                "status": resp.status_code,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 2),
            },
        )
