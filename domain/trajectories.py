"""The bureau's own work: spoor-2 and spoor-3 trajectories folded from a case's facts.

A trajectory starts with a ``traject_start`` and runs until its
``traject_einde``; every activity, resistance signal, report and interruption
in between belongs to it (one trajectory runs at a time). UWV judges spoor 2 by
its quality — timely, aimed at suitable work, intensive, guided, reported — so
what is folded here is the proof that it was real (Werkwijzer Poortwachter;
art. 7:658a BW; for spoor 3, art. 82 WIA).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.facts import Fact, in_legal_order

TRAJECTORY_TYPES = (
    "traject_start",
    "traject_activiteit",
    "weerstand",
    "traject_rapportage",
    "traject_onderbreking",
    "traject_einde",
)
REPORT_DAYS = 42
"""A progress report to employer and employee every 42 days while it runs (Spoorlog's own
signal of a guided, reported trajectory; Werkwijzer Poortwachter)."""
ACTIVITY_MEDIUM_DAYS = 28
ACTIVITY_HIGH_DAYS = 56
"""A stretch without any activity: a Spoorlog signal (medium after 28 days, high after 56)."""


@dataclass
class Trajectory:
    number: int
    start: Fact
    activities: list[Fact] = field(default_factory=list)
    resistance: list[Fact] = field(default_factory=list)
    reports: list[Fact] = field(default_factory=list)
    interruptions: list[Fact] = field(default_factory=list)
    end: Fact | None = None

    @property
    def track(self) -> int:
        return int(self.start.data.get("track", 2))

    @property
    def started_on(self) -> date:
        return self.start.occurred_on

    @property
    def ended_on(self) -> date | None:
        return self.end.occurred_on if self.end else None

    def runs_on(self, day: date) -> bool:
        """Started on or before ``day`` and not ended before it (the end day still counts)."""
        return self.started_on <= day and (self.end is None or day <= self.end.occurred_on)

    def interrupted_on(self, day: date) -> Fact | None:
        """The interruption in force on ``day``: until its ``until``, or, without one,
        until the next activity or report after it."""
        for pause in reversed(self.interruptions):
            if pause.occurred_on > day:
                continue
            until = pause.date_field("until")
            if until is not None:
                return pause if day <= until else None
            resumed = [
                f for f in [*self.activities, *self.reports] if f.occurred_on > pause.occurred_on
            ]
            return None if resumed and resumed[0].occurred_on <= day else pause
        return None

    def status_on(self, day: date) -> str:
        if self.end is not None and self.end.occurred_on <= day:
            return "ended"
        return "interrupted" if self.interrupted_on(day) else "running"

    def counts(self) -> dict[str, int]:
        return dict(Counter(str(f.data.get("kind")) for f in self.activities))

    @property
    def last_activity_on(self) -> date | None:
        return max((f.occurred_on for f in self.activities), default=None)

    def paused_days(self, first: date, until: date) -> int:
        """Days in [first, until) that an interruption with an end date covers."""
        days = 0
        for pause in self.interruptions:
            end = pause.date_field("until")
            if end is None:
                continue
            overlap = (min(end, until - timedelta(days=1)) - max(pause.occurred_on, first)).days
            days += max(0, overlap + 1)
        return days

    def activity_due(self) -> date:
        """When the next activity is expected at the latest before it counts as a gap:
        28 days after the last activity (or the start), moved by a dated interruption."""
        anchor = self.last_activity_on or self.started_on
        later = anchor + timedelta(days=ACTIVITY_MEDIUM_DAYS)
        return later + timedelta(days=self.paused_days(anchor, later))

    def report_anchors(self) -> list[Fact]:
        return [r for r in self.reports if r.data.get("kind") in ("voortgang", "eind", "start")]


def trajectories(facts: list[Fact]) -> list[Trajectory]:
    """The case's trajectories in the order they started, each with what belongs to it."""
    found: list[Trajectory] = []
    for fact in in_legal_order(facts, *TRAJECTORY_TYPES):
        if fact.type == "traject_start":
            found.append(Trajectory(len(found) + 1, fact))
            continue
        current = next((t for t in reversed(found) if t.started_on <= fact.occurred_on), None)
        if current is None:
            continue
        if fact.type == "traject_activiteit":
            current.activities.append(fact)
        elif fact.type == "weerstand":
            current.resistance.append(fact)
        elif fact.type == "traject_rapportage":
            current.reports.append(fact)
        elif fact.type == "traject_onderbreking":
            current.interruptions.append(fact)
        elif fact.type == "traject_einde" and current.end is None:
            current.end = fact
    return found
