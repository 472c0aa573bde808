"""The instant an event is recorded: the wall clock, or a past one a seeder replays.

Recording instants are the system's own; no API client ever sets one. Only code
that builds a history on purpose (the demo's seeder, which records each step at
the time it would have been recorded) runs under :func:`recording_clock`. The
clock lives in a context variable, so it reaches only the thread or task that
set it, never a request served beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from eventsourcing.domain import datetime_now_with_tzinfo

_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("recording_clock", default=None)


def recording_instant() -> datetime:
    """Now, as the event library tells it; or the seeder's clock while one runs."""
    clock = _clock.get()
    return clock() if clock is not None else datetime_now_with_tzinfo()


@contextmanager
def recording_clock(clock: Callable[[], datetime]) -> Iterator[None]:
    """Record every event within the block at the instant ``clock`` tells (seeders only)."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)
