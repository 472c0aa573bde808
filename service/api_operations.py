"""Liveness and readiness, for the load balancer and the orchestrator."""

from __future__ import annotations

from flask import Blueprint, Response

from service import auth
from service.conventions import answer
from service.problems import problem

blp = Blueprint("operations", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    """The process is up."""
    return answer({"status": "ok"})


@blp.get("/readyz")
def readyz() -> Response:
    """The control plane's store answers; without it no request can be authenticated."""
    try:
        auth.tenancy().control.recorder.max_notification_id()
    except Exception as error:  # any store failure means: not ready
        return problem(503, "Service Unavailable", f"store unreachable: {type(error).__name__}")
    return answer({"status": "ready"})
