"""Liveness, for the load balancer (readiness and metrics: service.operations.observability)."""

from __future__ import annotations

from flask import Blueprint, Response

from service.http.conventions import answer

blp = Blueprint("operations", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    """The process is up."""
    return answer({"status": "ok"})
