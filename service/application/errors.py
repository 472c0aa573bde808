"""What the service layer raises; the HTTP layer turns each into a problem response."""

from __future__ import annotations

from service.persistence.recorders import IdempotentResponse


class NotFound(Exception):
    """404: absent, or not visible to this key (existence is never revealed)."""


class Forbidden(Exception):
    """403: a valid key whose role or scope does not allow this."""


class Conflict(Exception):
    """409: the resource exists already, or the race could not be won in time."""


class PreconditionFailed(Exception):
    """412: If-Match named a version the case has moved on from."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the case is at version {current_version}")
        self.current_version = current_version


class ProjectionBehind(Exception):
    """503: a read model has not caught up with the position the client asked for."""


class IdempotencyMismatch(Exception):
    """422: an Idempotency-Key reused with a different request."""


class Replay(Exception):
    """The request was answered before under this Idempotency-Key: here is that answer."""

    def __init__(self, response: IdempotentResponse, position: int) -> None:
        super().__init__(response.key)
        self.response = response
        self.position = position
