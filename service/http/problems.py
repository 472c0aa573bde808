"""RFC 9457 problem responses for everything that goes wrong, 500 included."""

from __future__ import annotations

import logging
import math
import sqlite3
from typing import Any

import psycopg
from eventsourcing.persistence import PersistenceError
from flask import Flask, Response, current_app, json
from werkzeug.exceptions import HTTPException

from domain.errors import DomainError
from service.application.errors import (
    Conflict,
    Forbidden,
    IdempotencyMismatch,
    NotFound,
    PreconditionFailed,
    ProjectionBehind,
    Replay,
)
from service.http.conventions import with_position
from service.persistence.stores import store_unavailable

log = logging.getLogger("spoorlog.http")
PROBLEM_TYPE = "https://spoorlog.nl/problems/"


class Unauthorized(Exception):
    """401: no key, or one that is unknown or revoked."""


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + (slug or str(status)),
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    response.headers.update(headers or {})
    return response


def _field_errors(data: Any) -> dict[str, Any] | None:
    """webargs nests messages by location ({"json": {...}}); clients want the fields."""
    messages = (data or {}).get("messages") or (data or {}).get("errors")
    if not isinstance(messages, dict):
        return None
    flat: dict[str, Any] = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def retry_after(store_timeout: float) -> str:
    """Seconds a client should wait before retrying after the store was unavailable."""
    return str(max(1, math.ceil(store_timeout)))


def store_unavailable_problem(store_timeout: float) -> Response:
    return problem(
        503,
        "Service Unavailable",
        "The store is unavailable; retry after the time in Retry-After. Retry a write "
        "with the same Idempotency-Key, so that it is recorded once.",
        slug="store-unavailable",
        headers={"Retry-After": retry_after(store_timeout)},
    )


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_problem(error: HTTPException) -> Response:
        code = error.code or 500
        errors = _field_errors(getattr(error, "data", None))
        detail = "The request is not valid." if errors else error.description
        return problem(code, error.name, detail, errors=errors)

    @app.errorhandler(DomainError)
    def domain_problem(error: DomainError) -> Response:
        errors = {error.field: [error.message]} if error.field else None
        return problem(422, "Rule violated", error.message, slug="rule", errors=errors)

    @app.errorhandler(Unauthorized)
    def unauthorized(error: Unauthorized) -> Response:
        return problem(
            401,
            "Unauthorized",
            str(error) or "A valid API key is required.",
            headers={"WWW-Authenticate": 'Bearer realm="spoorlog"'},
        )

    @app.errorhandler(Forbidden)
    def forbidden(error: Forbidden) -> Response:
        return problem(403, "Forbidden", str(error) or "This key may not do that.")

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> Response:
        return problem(404, "Not Found", "No such resource.")

    @app.errorhandler(Conflict)
    def conflict(error: Conflict) -> Response:
        return problem(409, "Conflict", str(error))

    @app.errorhandler(PreconditionFailed)
    def precondition_failed(error: PreconditionFailed) -> Response:
        return problem(
            412,
            "Precondition Failed",
            f"The case has moved on: it is at version {error.current_version}.",
            headers={"ETag": f'"{error.current_version}"'},
        )

    @app.errorhandler(ProjectionBehind)
    def projection_behind(error: ProjectionBehind) -> Response:
        return problem(
            503,
            "Service Unavailable",
            f"The {error} read model has not caught up yet; retry shortly.",
            slug="projection-behind",
            headers={"Retry-After": "1"},
        )

    @app.errorhandler(IdempotencyMismatch)
    def idempotency_mismatch(error: IdempotencyMismatch) -> Response:
        return problem(
            422,
            "Idempotency-Key reused",
            "This Idempotency-Key was used before with a different request.",
            slug="idempotency-key-reused",
        )

    @app.errorhandler(Replay)
    def replay(replayed: Replay) -> Response:
        stored = replayed.response
        body = with_position(stored.body, replayed.position)
        response = Response(json.dumps(body), status=stored.status, mimetype="application/json")
        response.headers.update(stored.headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response

    @app.errorhandler(PersistenceError)
    @app.errorhandler(psycopg.Error)
    @app.errorhandler(sqlite3.Error)
    def store_error(error: Exception) -> Response:
        """503 when the store is down, full, locked or too slow; anything else is a bug."""
        if not store_unavailable(error):
            return bug(error)
        log.warning("store unavailable: %s: %s", type(error).__name__, error)
        return store_unavailable_problem(current_app.extensions["spoorlog"].settings.store_timeout)

    @app.errorhandler(Exception)
    def bug(error: Exception) -> Response:
        log.exception("unhandled error")
        return problem(500, "Internal Server Error", "This is a bug in Spoorlog; it was logged.")
