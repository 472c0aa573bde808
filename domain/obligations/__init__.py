"""The Poortwachter obligations of a case: their kinds (``kinds``) and the rules that
settle them from a case's facts (``rules``)."""

from domain.obligations.kinds import (
    INCOMPLETE,
    KINDS,
    MET,
    MET_LATE,
    MILESTONES,
    NOT_APPLICABLE,
    OPEN,
    OVERDUE,
    PENDING,
    STATUSES,
    WAIVED,
    Obligation,
    ObligationKind,
)
from domain.obligations.rules import Schedule, recorded_late, schedule

__all__ = [
    "INCOMPLETE",
    "KINDS",
    "MET",
    "MET_LATE",
    "MILESTONES",
    "NOT_APPLICABLE",
    "OPEN",
    "OVERDUE",
    "PENDING",
    "STATUSES",
    "WAIVED",
    "Obligation",
    "ObligationKind",
    "Schedule",
    "recorded_late",
    "schedule",
]
