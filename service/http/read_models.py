"""Reading projections from the API: the active build, and read-after-write waits."""

from __future__ import annotations

import time

from flask import current_app

from projections.projection import Projection, active_build
from projections.store import ReadModelStore
from service.application.errors import ProjectionBehind
from service.http import auth
from service.http.conventions import invalid
from service.operations.projection_runner import ReadModels

READ_AFTER_WRITE_WAIT = 2.0
"""How long a list request with ?min_position= waits for the projection (seconds)."""


def read_models() -> ReadModels:
    return current_app.extensions["spoorlog.read_models"]


def store() -> ReadModelStore:
    return read_models().store(auth.tenant_slug())


def caught_up(kind: type[Projection], min_position: int | None) -> Projection:
    """The projection's active build, once it has applied ``min_position`` (bounded wait)."""
    read_store = store()
    deadline = time.monotonic() + READ_AFTER_WRITE_WAIT
    head_checked = False
    while True:
        build = active_build(read_store, kind)
        if build is not None and (
            min_position is None or read_store.position(build) >= min_position
        ):
            return kind(read_store, build)
        if min_position is not None and not head_checked:
            head_checked = True
            head = auth.tenant().recorder.max_notification_id() or 0
            if min_position > head:
                raise invalid(
                    {
                        "min_position": [
                            f"The tenant's feed ends at position {head}; no command "
                            "answered a later one."
                        ]
                    }
                )
        if time.monotonic() > deadline:
            raise ProjectionBehind(kind.name)
        time.sleep(0.02)
