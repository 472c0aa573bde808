"""Spoorlog's own signals on a trajectory the bureau runs, and spoor 3.

UWV judges spoor 2 by its quality — timely, aimed at suitable work, intensive
enough, guided, reported — not by counts (Werkwijzer Poortwachter). So these
are Spoorlog's signals, worded as such: a progress report every 42 days while
a trajectory runs, an activity at least every 28 days, and contact with the
employee at least every 42 days. Spoor 3: an eigenrisicodrager WGA keeps the
duty to reintegrate a WGA beneficiary after the waiting period (art. 82 WIA).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.facts import Fact
from domain.obligations.kinds import OVERDUE, Obligation
from domain.trajectories import REPORT_DAYS, Trajectory, trajectories

CONTACT_DAYS = 42
"""Contact with the employee at least every 6 weeks (practice: "uit beeld" is a signal the
bureaus name; Werkwijzer Poortwachter: regular contact)."""
MEETINGS = frozenset(
    {"evaluatie", "eerstejaarsevaluatie", "eindevaluatie", "traject_activiteit", "weerstand"}
)
"""Steps in which the employee takes part: each is contact too."""
SPOOR_3_YEARS = 10
"""The eigenrisicodrager WGA carries the WGA for at most 10 years (arboned.nl; uwv.nl)."""
SPOOR_3_CODES = frozenset(
    {
        "evaluatie",
        "traject_voortgang",
        "traject_activiteit",
        "contact",
        "passend_werk_eigen_bedrijf",
    }
)
"""What goes on in spoor 3 after einde wachttijd."""


class TrajectoryRules:
    """Mixed into the rules of one case (``domain.obligations.rules``)."""

    def _trajectory_obligations(self) -> list[Obligation]:
        found: list[Obligation] = []
        for trajectory in trajectories(self.facts):
            if trajectory.end is not None:
                found.extend(self._reports(trajectory, trajectory.end.occurred_on))
                continue
            found.extend(self._reports(trajectory, None))
            found.append(self._single("traject_activiteit", trajectory.activity_due(), None))
        return found

    def _reports(self, trajectory: Trajectory, ended: date | None) -> list[Obligation]:
        """A progress report 42 days after the start or the previous report, a dated
        interruption moving it; one met late within the next 42 days (like evaluations)."""
        settled: list[Obligation] = []
        anchor = trajectory.started_on
        reports = [r for r in trajectory.report_anchors() if r.occurred_on > anchor]
        occurrence = 1
        while True:
            due = self._report_due(trajectory, anchor)
            if ended is not None and due > ended:
                return settled
            later = [r for r in reports if r.occurred_on > anchor]
            if not later:
                settled.append(self._single("traject_voortgang", due, None, occurrence=occurrence))
                return settled
            report = later[0]
            if report.occurred_on <= due + timedelta(days=REPORT_DAYS):
                settled.append(
                    self._single("traject_voortgang", due, report, occurrence=occurrence)
                )
                anchor = report.occurred_on
            else:
                settled.append(Obligation("traject_voortgang", due, OVERDUE, occurrence=occurrence))
                anchor = due
            occurrence += 1

    def _report_due(self, trajectory: Trajectory, anchor: date) -> date:
        later = anchor + timedelta(days=REPORT_DAYS)
        return later + timedelta(days=trajectory.paused_days(anchor, later))

    def _contact(self) -> Obligation:
        """Contact with the employee at least every 42 sick days — a contact or gesprek
        notitie, an evaluation meeting or any trajectory activity: informational, no risk."""
        contacts = [
            f
            for f in self.facts
            if (f.type == "notitie" and f.data.get("kind") in ("contact", "gesprek"))
            or f.type in MEETINGS
        ]
        last = max((f.occurred_on for f in contacts), default=self.facts[0].occurred_on)
        return self._single("contact", self._later(last, CONTACT_DAYS), None)

    def _spoor_3_until(self) -> date | None:
        """Spoor 3 runs from the WGA's start while the employer is eigenrisicodrager WGA, up
        to 10 years less a verlenging's weeks, or the AOW date, whichever comes first."""
        if not self.regime.eigenrisicodrager_wga:
            return None
        decisions: list[Fact] = [
            f for f in self._all("wia_besluit") if f.data.get("outcome") == "wga"
        ]
        if not decisions:
            return None
        start = decisions[-1].date_field("from") or decisions[-1].occurred_on
        end = _years_later(start, SPOOR_3_YEARS) - timedelta(weeks=self.verlenging_weeks)
        aow = self.aow
        return min(end, aow - timedelta(days=1)) if aow else end


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
