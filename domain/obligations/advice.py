"""What UWV tests beyond the statutory dates: expert advice sought, and advice followed.

A bureau is judged on whether it had the arbeidsdeskundige look at return in
the own organisation, and on whether it followed each expert's advice or
recorded why not (UWV's RIV test: were the efforts sufficient).
"""

from __future__ import annotations

from datetime import date, timedelta

from domain.facts import Fact, in_legal_order
from domain.obligations.kinds import NOT_APPLICABLE, Obligation

AD_ONDERZOEK_WEEK = 52
"""An arbeidsdeskundig onderzoek by the end of week 52 (practice: the eerstejaarsevaluatie
should rest on it; Werkwijzer Poortwachter). No statutory date."""
FOLLOW_UP_DAYS = 42
"""An expert advice is followed within 42 sick days (practice; 7:658a lid 3 BW)."""
FOLLOW_UP_REVISED_ANALYSIS_DAYS = 14
"""A bijgestelde probleemanalyse within 14 sick days, like the first one (Regeling art. 4)."""
DESKUNDIGENOORDEEL_DAYS = 42
"""UWV answers a request for a deskundigenoordeel within about 6 weeks (informational)."""
WORK_ADVICE = frozenset({"eigen_werk", "aangepast_werk", "ander_werk_intern"})


class AdviceRules:
    """Mixed into the rules of one case (``domain.obligations.rules``)."""

    def _arbeidsdeskundig_onderzoek(self) -> Obligation:
        """An arbeidsdeskundig onderzoek by the end of week 52 (practice; a frequent reason for
        a loonsanctie when missing). Not applicable once the employee is back in the own
        work at full wage value before that date."""
        due = self._week(AD_ONDERZOEK_WEEK)
        report = self._first("arbeidsdeskundig_onderzoek")
        back = [
            f
            for f in self._all("werkhervatting")
            if f.data.get("work") == "eigen"
            and float(f.data.get("wage_value_percentage", 0)) >= 100
            and f.occurred_on <= due
        ]
        if report is None and back:
            return Obligation("arbeidsdeskundig_onderzoek", due, NOT_APPLICABLE)
        return self._single("arbeidsdeskundig_onderzoek", due, report)

    def _advice_follow_ups(self) -> list[Obligation]:
        """One ``advies_opvolging`` per expert advice (7:658a lid 3 BW; Beleidsregels
        beoordelingskader poortwachter: follow the advice or record why not).

        Advice: an arbeidsdeskundig onderzoek, a deskundigenoordeel with an advice
        (not ``geen``), and every probleemanalyse after the first. Met by the first
        bijstelling on or after it (a reasoned deviation included), a spoor-2 start
        for advice spoor 2, a werkhervatting for advice of work within the
        organisation. Due 14 sick days after a bijgestelde probleemanalyse, 42
        after any other advice; none falls after einde wachttijd.
        """
        advices = [
            *self._all("arbeidsdeskundig_onderzoek"),
            *[
                f
                for f in self._all("deskundigenoordeel")
                if f.data.get("advice") not in (None, "geen")
            ],
            *self._all("probleemanalyse")[1:],
        ]
        follow_ups = []
        for occurrence, advice in enumerate(in_legal_order(advices), start=1):
            revised = advice.type == "probleemanalyse"
            days = FOLLOW_UP_REVISED_ANALYSIS_DAYS if revised else FOLLOW_UP_DAYS
            due = self._later(advice.occurred_on, days)
            if due > self.einde_wachttijd:
                continue
            found = self._single(
                "advies_opvolging", due, self._follow_up(advice), occurrence=occurrence
            )
            follow_ups.append(found)
        return follow_ups

    def _follow_up(self, advice: Fact) -> Fact | None:
        said = advice.data.get("advice")
        kinds = ["bijstelling"]
        if said == "spoor_2":
            kinds.append("spoor_2_start")
        elif said in WORK_ADVICE:
            kinds.append("werkhervatting")
        return next(
            (f for f in in_legal_order(self.facts, *kinds) if f.occurred_on >= advice.occurred_on),
            None,
        )

    def _deskundigenoordelen(self) -> list[Obligation]:
        """Each request for a deskundigenoordeel is answered by UWV in about 6 weeks; the
        bureau records the outcome (art. 7:629a BW). Informational: no risk."""
        requests = self._all("deskundigenoordeel_aanvraag")
        answers = self._all("deskundigenoordeel")
        found = []
        for occurrence, request in enumerate(requests, start=1):
            answer = next((a for a in answers if a.occurred_on >= request.occurred_on), None)
            due: date = request.occurred_on + timedelta(days=DESKUNDIGENOORDEEL_DAYS)
            found.append(self._single("deskundigenoordeel", due, answer, occurrence=occurrence))
        return found
