"""The re-integratieverslag as UWV tests it: complete, and with current parts.

An RIV meets its obligation only when the file holds every part UWV requires
on the day it was made (Werkwijzer Poortwachter §3.2); an incomplete RIV is an
administrative loonsanctie (art. 25 lid 3 WIA). An actueel oordeel or
eindevaluatie made before week 79 cannot be current at the end of the
waiting period: it is shown ``early`` and does not meet its row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.facts import Fact
from domain.obligations.kinds import INCOMPLETE, WAIVED, Obligation

RIV_WEEK = 91
"""The RIV and its parts by week 91, 13 weeks before the end of the waiting period
(art. 65 WIA; Regeling procesgang art. 7); a verlenging moves them (art. 24, 25 lid 4 WIA)."""
EARLY_BEFORE_WEEK = 79
"""An actueel oordeel or eindevaluatie before week 79 cannot be current at the end."""
ACTUEEL_OORDEEL_MAX_AGE = 91
"""UWV expects the actueel oordeel made shortly before the WIA application (practice: at
most 91 days old when the RIV is made)."""
PARTS = (
    "probleemanalyse",
    "plan_van_aanpak",
    "eerstejaarsevaluatie",
    "actueel_oordeel",
    "eindevaluatie",
    "kopie_werknemer",
)
"""What an RIV must hold, by part code (the codes ``missing`` names)."""


class RivRules:
    """Mixed into the rules of one case (``domain.obligations.rules``)."""

    def _riv_parts(self) -> list[Obligation]:
        """Actueel oordeel, eindevaluatie and a complete RIV by week 91, moved by a
        verlenging (art. 65, 24 WIA; Regeling procesgang art. 7)."""
        due = self._week(RIV_WEEK + self.verlenging_weeks)
        return [
            self._current("actueel_oordeel", due),
            self._current("eindevaluatie", due),
            self._reintegratieverslag(due),
        ]

    def _current(self, code: str, due: date) -> Obligation:
        """Met by the first one made in week 79 or later; earlier ones are ``early``."""
        made = self._all(code)
        current = [f for f in made if f.occurred_on > self._early_until()]
        found = self._single(code, due, current[0] if current else None)
        return replace(found, early=True) if made and not current else found

    def _early_until(self) -> date:
        """The last day an actueel oordeel or eindevaluatie is too early to be current:
        week 78, moved by a verlenging like the RIV itself (art. 25 lid 4 WIA)."""
        return self._week(EARLY_BEFORE_WEEK - 1 + self.verlenging_weeks)

    def _reintegratieverslag(self, due: date) -> Obligation:
        """The first complete RIV meets it (met late after the due date); while only
        incomplete ones are recorded it is ``incomplete`` with what is ``missing``
        (art. 25 lid 3 WIA: an administrative loonsanctie)."""
        made = self._all("reintegratieverslag")
        extensions = self._all("verlenging_loondoorbetaling")
        if extensions:
            # An RIV made before a verlenging is supplemented by the new deadline
            # (art. 25 lid 4 WIA): only one made since the verlenging meets it.
            made = [r for r in made if r.occurred_on >= extensions[-1].occurred_on]
        for riv in made:
            if not self._missing_from(riv):
                return self._single("reintegratieverslag", due, riv)
        if not made:
            return self._single("reintegratieverslag", due, None)
        latest = made[-1]
        return Obligation(
            "reintegratieverslag",
            due,
            INCOMPLETE,
            met_on=latest.occurred_on,
            recorded_at=latest.recorded_at,
            event_ids=(latest.event_id,),
            recorded_late=self._recorded_late(latest),
            missing=self._missing_from(latest),
        )

    def _missing_from(self, riv: Fact) -> tuple[str, ...]:
        """The parts the file lacked on the day ``riv`` was made."""
        on = riv.occurred_on
        before = [f for f in self.facts if f.occurred_on <= on]
        missing = []
        if not any(f.type == "probleemanalyse" for f in before):
            missing.append("probleemanalyse")
        has_plan = any(f.type == "plan_van_aanpak" for f in before)
        if not has_plan and self._plan_van_aanpak().status != WAIVED:
            missing.append("plan_van_aanpak")
        if on > self._week(52) and not any(f.type == "eerstejaarsevaluatie" for f in before):
            missing.append("eerstejaarsevaluatie")
        oordelen = [f.occurred_on for f in before if f.type == "actueel_oordeel"]
        if not oordelen or (on - max(oordelen)).days > ACTUEEL_OORDEEL_MAX_AGE:
            missing.append("actueel_oordeel")
        heard = [
            f
            for f in before
            if f.type == "eindevaluatie"
            and f.occurred_on > self._early_until()
            and (f.data.get("employee_opinion") or f.data.get("employee_declined"))
        ]
        if not heard:
            missing.append("eindevaluatie")
        if not riv.data.get("copy_to_employee_on"):
            missing.append("kopie_werknemer")
        return tuple(missing)
