"""Special regimes: vangnet, leaving employment while sick, and the AOW.

Each changes when the employer must report the sickness to UWV, or where
the Poortwachter duties end (uwv.nl; 7:629 BW; art. 38 ZW).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.aow import aow_date
from domain.obligations.kinds import Obligation
from domain.working_days import first_working_day_after, is_working_day

ORGAANDONATIE_WORKING_DAYS = 4
"""Vangnet for orgaandonatie: report to UWV within 4 working days (poortwachtersloket.nl)."""
EARLY_PREGNANCY_DAY = 4
"""Pregnancy sickness in the flexibilisation period or after the leave: by sick day 4."""
VANGNET_WEEK = 6
"""Vangnet for zwangerschap and no-riskpolis: report within 6 weeks (uwv.nl)."""
EXIT_REPORT_DAYS_ERD_ZW = 42
"""An eigenrisicodrager ZW reports a sick ex-employee within 6 weeks of leaving (uwv.nl)."""
AOW_WAGE_WEEKS = 13
"""Sick before the AOW date: wages for at most 13 weeks after it (7:629 lid 2 BW)."""


class RegimeRules:
    """Mixed into the rules of one case (``domain.obligations.rules``)."""

    def _ziekmelding_uwv(self) -> Obligation:
        """The report to UWV: the first working day after week 42 (art. 38 ZW), earlier in
        the vangnet (its Ziektewet starts at UWV: the 42nd-week report is then not separately
        required), and on the last working day when the employee leaves while sick (uwv.nl).
        A miss costs a fine, not a loonsanctie; it is flagged all the same.
        """
        due = self._vangnet_report_due() or first_working_day_after(self._week(42))
        exit_ = self._first("uitdiensttreding")
        if exit_ is not None:
            last_day = exit_.date_field("last_working_day") or exit_.occurred_on
            if self.regime.eigenrisicodrager_zw:
                due = last_day + timedelta(days=EXIT_REPORT_DAYS_ERD_ZW)
            else:
                due = last_day
            reports = [f for f in self._all("ziekmelding_uwv") if f.occurred_on >= last_day]
            return self._single("ziekmelding_uwv", due, reports[0] if reports else None)
        return self._single("ziekmelding_uwv", due, self._first("ziekmelding_uwv"))

    def _vangnet_report_due(self) -> date | None:
        opening = self.facts[0].data
        if not opening.get("vangnet"):
            return None
        reason = opening.get("vangnet_reason")
        first = self.periods[0].first
        if reason == "orgaandonatie":
            day, counted = first, 1 if is_working_day(first) else 0
            while counted < ORGAANDONATIE_WORKING_DAYS:
                day = first_working_day_after(day)
                counted += 1
            return day
        if reason == "zwangerschap" and opening.get("zwangerschap_timing") in (
            "flexibilisering",
            "na_verlof",
        ):
            return first + timedelta(days=EARLY_PREGNANCY_DAY - 1)
        if reason in ("zwangerschap", "no_riskpolis"):
            return self._week(VANGNET_WEEK)
        return None  # overig: the 42nd-week rule

    @property
    def aow(self) -> date | None:
        return aow_date(self.date_of_birth)

    def _aow_end(self, end: date) -> date:
        """Sick before the AOW date: the waiting period ends at most 13 weeks after it."""
        aow = self.aow
        if aow is not None and self.periods[0].first < aow:
            return min(end, aow + timedelta(weeks=AOW_WAGE_WEEKS) - timedelta(days=1))
        return end

    def _after_aow(self, due: date) -> bool:
        """Due on or after the AOW date: no WIA then, so no duty that prepares it; only the
        offer of suitable work in the own organisation remains (7:629 lid 2 BW; art. 64 WIA)."""
        return self.aow is not None and due >= self.aow
