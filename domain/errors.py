"""The one way the domain says "no"."""

from __future__ import annotations


class DomainError(Exception):
    """A command that is well-formed but breaks a rule of the case.

    The HTTP layer answers it with 422; nothing is recorded. ``field`` names
    the input that broke the rule, so clients can point at it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
