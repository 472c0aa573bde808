"""Metrics, readiness and structured logs: what operations needs, no personal data.

Logs are one JSON object per line with the request id, tenant and acting key
— never an employee's name, a path with ids, or any case content. Metrics
are Prometheus text; under gunicorn the workers share them through
``PROMETHEUS_MULTIPROC_DIR`` (set by ``spoorlog serve``).
"""

from __future__ import annotations

import logging
import math
import os
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from service.application.tenancy import Tenancy
from service.operations.json_logs import JsonFormatter as JsonFormatter  # re-exported
from service.operations.json_logs import configure_logging as configure_logging
from service.operations.metrics import LATENCY, REQUESTS
from service.operations.projection_runner import PROJECTIONS, ReadModels

log = logging.getLogger("spoorlog.http")


QUARANTINE_LISTED = 10
"""Quarantined records /readyz lists per tenant (newest first); the counts are complete."""


def tenant_status(read_models: ReadModels, slug: str, max_lag: int) -> dict[str, Any]:
    """One tenant's read models: lag and quarantined records per projection.

    A tenant is ready when every projection is within ``max_lag`` events; a
    quarantined record does not make it unready (its projection moved past it),
    but is listed so operations can repair or replay it. Read from the store
    without opening the tenant (its newest position, then one query for every
    build's position): a probe over a thousand tenants must not open them all.
    """
    stores = read_models.tenancy.stores
    try:
        head = stores.head(slug) or 0
        builds = stores.builds(slug)
        projections: dict[str, dict[str, int]] = {}
        listed: list[dict[str, Any]] = []
        for kind in PROJECTIONS:
            ready = [b for b in builds if b.projection == kind.name and b.ready]
            active = ready[-1] if ready else None  # the build queries read
            behind = max(0, head - (active.position if active else 0))
            quarantined = active.quarantined if active else 0
            projections[kind.name] = {"lag": behind, "quarantined": quarantined}
            if active and quarantined:  # rare: only then is the tenant opened
                store = read_models.store(slug)
                listed += [q.as_dict() for q in store.quarantined(active.build, QUARANTINE_LISTED)]
    except Exception as error:  # this tenant's store; the others may well answer
        return {"ready": False, "error": f"store unreachable: {type(error).__name__}"}
    listed.sort(key=lambda q: q["position"], reverse=True)
    return {
        "ready": all(p["lag"] <= max_lag for p in projections.values()),
        "projections": projections,
        "quarantined": listed[:QUARANTINE_LISTED],
    }


def tenant_statuses(tenancy: Tenancy, read_models: ReadModels, max_lag: int) -> dict[str, Any]:
    """Every tenant's status; raises only when the tenant list itself cannot be read."""
    return {slug: tenant_status(read_models, slug, max_lag) for slug in tenancy.slugs()}


class LagCollector:
    """Projection lag and quarantined records, measured when Prometheus scrapes."""

    def __init__(self, tenancy: Tenancy, read_models: ReadModels, max_lag: int = 1000) -> None:
        self.tenancy = tenancy
        self.read_models = read_models
        self.max_lag = max_lag

    def collect(self) -> Any:
        lag = GaugeMetricFamily(
            "spoorlog_projection_lag_events",
            "Largest projection lag over tenants",
            labels=["projection"],
        )
        quarantined = GaugeMetricFamily(
            "spoorlog_projection_quarantined",
            "Records a tenant's projection could not process and passed (active build)",
            labels=["tenant", "projection"],
        )
        not_ready = GaugeMetricFamily(
            "spoorlog_tenants_not_ready",
            "Tenants whose read models lag beyond the limit or whose store does not answer",
        )
        worst: dict[str, int] = {}
        unready = 0
        for slug, status in tenant_statuses(self.tenancy, self.read_models, self.max_lag).items():
            unready += not status["ready"]
            for name, found in status.get("projections", {}).items():
                worst[name] = max(worst.get(name, 0), found["lag"])
                quarantined.add_metric([slug, name], found["quarantined"])
        for name, behind in worst.items():
            lag.add_metric([name], behind)
        not_ready.add_metric([], unready)
        yield lag
        yield quarantined
        yield not_ready


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
        scrape.register(LagCollector(tenancy, read_models, max_lag))
        body = generate_latest(registry) + generate_latest(scrape)
        return Response(body, mimetype=CONTENT_TYPE_LATEST)

    @app.get("/readyz")
    def readyz() -> Response:
        """Ready: this process can serve — its control plane answers. Each tenant's
        read models are reported in ``tenants`` (lag and quarantined records per
        projection); one tenant lagging does not take the process out of the load
        balancer, or every tenant would drop out with it."""
        from service.http.conventions import answer
        from service.http.problems import problem

        try:
            tenants = tenant_statuses(tenancy, read_models, max_lag)
        except Exception as error:  # the control plane: nothing can be served
            return problem(
                503,
                "Service Unavailable",
                f"store unreachable: {type(error).__name__}",
                slug="store-unavailable",
                headers={"Retry-After": str(max(1, math.ceil(tenancy.settings.store_timeout)))},
            )
        lagging = [
            f"{name} of {slug} ({found['lag']} events)"
            for slug, status in tenants.items()
            for name, found in status.get("projections", {}).items()
            if found["lag"] > max_lag
        ]
        return answer(
            {
                "status": "ready",
                "max_lag": max_lag,
                "tenants_not_ready": sorted(s for s, t in tenants.items() if not t["ready"]),
                "lagging": lagging[:10],
                "tenants": tenants,
            }
        )
