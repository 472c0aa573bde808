"""Rebuild progress: a bar with events/s on a terminal, plain lines otherwise.

Quarantined records are named as they happen (position and error class, no
content) and counted in the final line, so a rebuild that passed a record it
could not process completes and says so.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from projections.store import Quarantined


class ProgressReport:
    def __init__(self, label: str, stream: TextIO | None = None, every: float = 1.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0
        self.quarantine_count = 0

    def quarantined(self, record: Quarantined) -> None:
        self.quarantine_count += 1
        start = "\n" if self.tty else ""
        self.stream.write(
            f"{start}{self.label}: quarantined position {record.position} ({record.error_class})\n"
        )
        self.stream.flush()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < (0.1 if self.tty else self.every) and done < total:
            return
        self._last = now
        rate = done / max(now - self.started, 1e-9)
        if self.tty:
            filled = int(30 * done / max(total, 1))
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{total} events {rate:,.0f} events/s")
        else:
            self.stream.write(f"{self.label}: {done}/{total} events, {rate:,.0f} events/s\n")
        self.stream.flush()

    def finish(self, done: int) -> float:
        seconds = time.monotonic() - self.started
        end = "\n" if self.tty else ""
        rate = done / max(seconds, 1e-9)
        passed = f", {self.quarantine_count} quarantined" if self.quarantine_count else ""
        self.stream.write(
            f"{end}{self.label}: {done} events in {seconds:.2f} s ({rate:,.0f} events/s){passed}\n"
        )
        self.stream.flush()
        return rate
