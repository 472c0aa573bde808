"""Metrics, readiness and structured logs: what operations needs, no personal data.

Logs are one JSON object per line with the request id, tenant and acting key
— never an employee's name, a path with ids, or any case content. Metrics
are Prometheus text; under gunicorn the workers share them through
``PROMETHEUS_MULTIPROC_DIR`` (set by ``spoorlog serve``).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from projections.projection import active_build
from projections.runner import PROJECTIONS, ReadModels
from service.metrics import LATENCY, REQUESTS
from service.tenancy import Tenancy

log = logging.getLogger("spoorlog.http")


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "tenant", "actor", "method", "route", "status", "duration_ms")

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


def configure_logging() -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("spoorlog")
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("SPOORLOG_LOG_LEVEL", "INFO").upper())
    root.propagate = False


def projection_lag(tenancy: Tenancy, read_models: ReadModels) -> list[dict[str, Any]]:
    """Events each tenant's projections still have to apply."""
    lags = []
    for slug in tenancy.control.tenants():
        store = read_models.store(slug)
        head = store.head()
        for kind in PROJECTIONS:
            build = active_build(store, kind)
            behind = head - (store.position(build) if build else 0)
            lags.append({"tenant": slug, "projection": kind.name, "lag": behind})
    return lags


class LagCollector:
    """Projection lag, measured when Prometheus scrapes."""

    def __init__(self, tenancy: Tenancy, read_models: ReadModels) -> None:
        self.tenancy = tenancy
        self.read_models = read_models

    def collect(self) -> Any:
        gauge = GaugeMetricFamily(
            "spoorlog_projection_lag_events",
            "Largest projection lag over tenants",
            labels=["projection"],
        )
        worst: dict[str, int] = {}
        for lag in projection_lag(self.tenancy, self.read_models):
            worst[lag["projection"]] = max(worst.get(lag["projection"], 0), lag["lag"])
        for name, lag in worst.items():
            gauge.add_metric([name], lag)
        yield gauge


def register(app: Flask, tenancy: Tenancy, read_models: ReadModels, max_lag: int) -> None:
    @app.before_request
    def start() -> None:
        g.started = time.perf_counter()
        g.request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex

    @app.after_request
    def finish(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "unmatched"
        seconds = time.perf_counter() - g.get("started", time.perf_counter())
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(request.method, route).observe(seconds)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        actor = g.get("actor")
        log.info(
            "request",
            extra={
                "request_id": g.get("request_id"),
                "tenant": g.get("tenant_slug"),
                "actor": actor.id if actor else None,
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 2),
            },
        )
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            multiprocess.MultiProcessCollector(registry)
        else:
            from prometheus_client import REGISTRY

            registry = REGISTRY
        scrape = CollectorRegistry()
        scrape.register(LagCollector(tenancy, read_models))
        body = generate_latest(registry) + generate_latest(scrape)
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    @app.get("/readyz")
    def readyz() -> Response:
        """Ready: the stores answer and every projection is within ``max_lag`` events."""
        from service.conventions import answer
        from service.problems import problem

        try:
            lagging = [lag for lag in projection_lag(tenancy, read_models) if lag["lag"] > max_lag]
        except Exception as error:  # any store failure means: not ready
            return problem(503, "Service Unavailable", f"store unreachable: {type(error).__name__}")
        if lagging:
            names = ", ".join(
                f"{lag['projection']} of {lag['tenant']} ({lag['lag']} events)"
                for lag in lagging[:10]
            )
            response = problem(503, "Service Unavailable", f"projections lag: {names}")
            return response
        return answer({"status": "ready", "max_lag": max_lag})
