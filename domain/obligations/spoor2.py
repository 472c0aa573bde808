"""Spoor 2: work with another employer when return within the own one fails.

Due within 6 weeks of the eerstejaarsevaluatie or of an advice for it, at the
latest by the end of week 58 (art. 7:658a lid 1 BW; Werkwijzer Poortwachter).
Only a satisfactory result or a *tenzij* ground recorded with its evidence
waives it, and each ground only as far as the Werkwijzer allows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from domain.aow import aow_date
from domain.facts import Fact, in_legal_order
from domain.obligations.kinds import NOT_APPLICABLE, PENDING, WAIVED, Obligation

SPOOR_2_WEEK = 58
SPOOR_2_AFTER_ADVICE_DAYS = 42
"""Spoor 2 within 6 weeks of the eerstejaarsevaluatie or an advice for it (Werkwijzer)."""
PROSPECT_DAYS = 91
"""A prospect of structural return within the own organisation waives spoor 2 for about
3 months (Werkwijzer Poortwachter: "binnen afzienbare tijd")."""
AFTER_PROSPECT_DAYS = 14
"""No structural return by the end of the prospect: spoor 2 due 14 days later (practice)."""
AFTER_GBM_DAYS = 42
"""A gbm judgment ended by a new assessment: spoor 2 due 6 weeks after it (practice)."""
INTERNAL_WORK = frozenset({"eigen", "aangepast", "ander_intern"})


class Spoor2Rules:
    """Mixed into the rules of one case (``domain.obligations.rules``)."""

    def _spoor_2(self) -> Obligation:
        """Spoor 2 by week 58, sooner after the eerstejaarsevaluatie or an AD advice of spoor 2
        (art. 7:658a lid 1 BW). A satisfactory result waives it (``bevredigend_resultaat``),
        as does a recorded tenzij ground within its limits (Werkwijzer Poortwachter)."""
        due = self._week(SPOOR_2_WEEK)
        evaluation = self._first("eerstejaarsevaluatie")
        if evaluation is not None:
            due = min(due, self._later(evaluation.occurred_on, SPOOR_2_AFTER_ADVICE_DAYS))
        advice = next(
            (
                f
                for f in self._all("arbeidsdeskundig_onderzoek")
                if f.data.get("advice") == "spoor_2"
            ),
            None,
        )
        if advice is not None:
            due = min(due, self._later(advice.occurred_on, SPOOR_2_AFTER_ADVICE_DAYS))
        start = self._first("spoor_2_start")
        if start is not None:
            return self._single("spoor_2", due, start)
        result = self.reintegration
        if result.satisfactory:
            return Obligation(
                "spoor_2",
                due,
                WAIVED,
                met_on=result.since,
                event_ids=result.event_ids,
                ground="bevredigend_resultaat",
            )
        grounds = [
            f
            for f in in_legal_order([*self._all("eerstejaarsevaluatie"), *self._all("bijstelling")])
            if f.data.get("tenzij_ground")
        ]
        if grounds:
            return self._tenzij(grounds[-1], due)
        return self._single("spoor_2", due, None)

    def _tenzij(self, ground: Fact, due: date) -> Obligation:
        """How far a tenzij ground waives spoor 2 (Werkwijzer Poortwachter)."""
        name = str(ground.data["tenzij_ground"])
        waived = self._waived("spoor_2", due, ground, name)
        if name == "prospect_internal_return":
            until = self._later(ground.occurred_on, PROSPECT_DAYS - 1)
            if self._structural_return(ground.occurred_on, until):
                return waived
            later = max(due, self._later(until, AFTER_PROSPECT_DAYS))
            return self._waived_until(waived, later, until)
        if name == "gbm":
            assessed = [
                f
                for f in in_legal_order(self.facts, "probleemanalyse", "actueel_oordeel")
                if f.occurred_on > ground.occurred_on
            ]
            if not assessed:
                return waived
            ended = assessed[0].occurred_on
            later = max(due, self._later(ended, AFTER_GBM_DAYS))
            return self._waived_until(waived, later, ended)
        if name == "aow_within_year" and not self._aow_within_a_year(ground):
            return self._single("spoor_2", due, None)
        return waived

    def _waived_until(self, waived: Obligation, due: date, until: date) -> Obligation:
        """Waived up to ``until``, due on ``due`` after that — if still applicable then."""
        if not self._applicable("spoor_2", due):
            return replace(waived, status=NOT_APPLICABLE, due_on=due)
        return replace(waived, status=PENDING, due_on=due, waived_until=until)

    def _structural_return(self, since: date, until: date) -> bool:
        return any(
            f.data.get("structural") and f.data.get("work") in INTERNAL_WORK
            for f in self._all("werkhervatting")
            if since <= f.occurred_on <= until
        )

    def _aow_within_a_year(self, ground: Fact) -> bool:
        """AOW within a year after einde wachttijd, and the employee agrees (Werkwijzer)."""
        aow = aow_date(self.date_of_birth)
        return bool(
            aow is not None
            and aow <= self.einde_wachttijd + timedelta(days=365)
            and ground.data.get("employee_agrees")
        )
