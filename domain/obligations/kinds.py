"""What an obligation is: its kinds, its statuses, and how a pending one stands on a day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

OPEN = "open"
OVERDUE = "overdue"
MET = "met"
MET_LATE = "met_late"
NOT_APPLICABLE = "not_applicable"
WAIVED = "waived"
INCOMPLETE = "incomplete"
"""Recorded without every part UWV requires: ``missing`` names them (the RIV)."""
PENDING = "pending"
"""Not met and not settled: open or overdue, depending on the day it is judged on."""

STATUSES = (OPEN, OVERDUE, MET, MET_LATE, NOT_APPLICABLE, WAIVED, INCOMPLETE)


@dataclass(frozen=True)
class ObligationKind:
    """One kind of obligation: its code in the API and how a casemanager says it."""

    code: str
    label: str
    done: str
    """The past participle for texts: "Plan van aanpak ... opgesteld"."""
    source: str


KINDS: dict[str, ObligationKind] = {
    kind.code: kind
    for kind in (
        ObligationKind(
            "melding_arbodienst", "Melding bij de arbodienst", "gedaan", "art. 7:658a BW"
        ),
        ObligationKind(
            "probleemanalyse", "Probleemanalyse", "opgesteld", "Regeling procesgang art. 2"
        ),
        ObligationKind(
            "plan_van_aanpak", "Plan van aanpak", "opgesteld", "Regeling procesgang art. 4"
        ),
        ObligationKind("evaluatie", "Evaluatie", "gehouden", "Regeling procesgang art. 5"),
        ObligationKind("ziekmelding_uwv", "Ziekmelding bij UWV", "gedaan", "art. 38 ZW"),
        ObligationKind(
            "eerstejaarsevaluatie", "Eerstejaarsevaluatie", "gehouden", "Regeling art. 6"
        ),
        ObligationKind(
            "arbeidsdeskundig_onderzoek",
            "Arbeidsdeskundig onderzoek (praktijk, geen wettelijke termijn)",
            "gedaan",
            "Werkwijzer Poortwachter (praktijk)",
        ),
        ObligationKind(
            "advies_opvolging",
            "Advies",
            "opgevolgd",
            "art. 7:658a lid 3 BW; Beleidsregels beoordelingskader poortwachter",
        ),
        ObligationKind("spoor_2", "Spoor 2", "gestart", "art. 7:658a lid 1 BW"),
        ObligationKind(
            "traject_voortgang",
            "Voortgangsrapportage van het traject",
            "uitgebracht",
            "Werkwijzer Poortwachter (Spoorlog-signaal)",
        ),
        ObligationKind(
            "traject_activiteit",
            "Activiteit in het traject",
            "gedaan",
            "Werkwijzer Poortwachter (Spoorlog-signaal)",
        ),
        ObligationKind(
            "contact",
            "Contact met de werknemer",
            "gehad",
            "Werkwijzer Poortwachter (informatief)",
        ),
        ObligationKind(
            "deskundigenoordeel",
            "Deskundigenoordeel van UWV",
            "vastgelegd",
            "art. 7:629a BW (informatief)",
        ),
        ObligationKind(
            "actueel_oordeel", "Actueel oordeel", "opgesteld", "Regeling procesgang art. 7"
        ),
        ObligationKind("eindevaluatie", "Eindevaluatie", "gehouden", "Regeling procesgang art. 7"),
        ObligationKind("reintegratieverslag", "Re-integratieverslag", "opgesteld", "art. 65 WIA"),
        ObligationKind("wia_aanvraag", "WIA-aanvraag", "ingediend", "art. 64 WIA"),
        ObligationKind("einde_wachttijd", "Einde wachttijd", "bereikt", "art. 23, 24, 25 WIA"),
        ObligationKind(
            "passend_werk_eigen_bedrijf",
            "Passend werk aanbieden in de eigen organisatie",
            "aangeboden",
            "art. 7:658a lid 1 BW (zolang het dienstverband duurt)",
        ),
        ObligationKind(
            "bewaartermijn_eindigt",
            "Bewaartermijn eindigt: persoonsgegevens worden gewist",
            "gewist",
            "art. 5 lid 1 sub e AVG; AP beleidsregels De zieke werknemer",
        ),
    )
}

RETENTION_ENDS = "bewaartermijn_eindigt"
"""Not a step of the Poortwachter schedule: the worklist's notice that an ended case's
bewaartermijn ends, due the day the retention run may erase it (``domain.retention``), so
the bureau can still place a legal hold."""
MILESTONES = frozenset({"einde_wachttijd"})
"""Dates to know, not things to do: never overdue, never on the worklist."""
INFORMATIONAL = frozenset({"passend_werk_eigen_bedrijf"})
"""Duties without a date: always open while they last, never overdue, never a risk."""


@dataclass(frozen=True)
class Obligation:
    """One obligation of a case and what the file proves about it."""

    code: str
    due_on: date
    status: str
    met_on: date | None = None
    recorded_at: datetime | None = None
    event_ids: tuple[str, ...] = ()
    occurrence: int | None = None
    recorded_late: bool = False
    early: bool = False
    """Met before its window opened (an eerstejaarsevaluatie before week 46)."""
    ground: str | None = None
    """The recorded reason an obligation is waived."""
    listed_from: date | None = None
    """For a later evaluation that nothing has met yet: it is listed once the day
    is after this date (the previous occurrence's due date)."""
    waived_until: date | None = None
    """Waived by a prognosis only up to this day; due after it if it did not come true."""
    missing: tuple[str, ...] = ()
    """For ``incomplete``: the parts UWV requires that the file lacks (part codes)."""
    overdue_days: int = 0
    """For ``overdue``: how many days past its due date on the day judged."""

    @property
    def kind(self) -> ObligationKind:
        return KINDS[self.code]

    def judged_on(self, today: date) -> Obligation:
        """A pending obligation as it stands on ``today``; settled ones stay as they are."""
        if self.status != PENDING:
            return self
        if self.waived_until is not None:
            if today <= self.waived_until:
                return replace(self, status=WAIVED)
            # The prognosis did not come true: nothing proves this obligation any more.
            unproven = replace(self, met_on=None, recorded_at=None, event_ids=(), ground=None)
            return replace(unproven, recorded_late=False, waived_until=None).judged_on(today)
        if self.code in INFORMATIONAL:
            return replace(self, status=OPEN)
        if self.code in MILESTONES:
            if today > self.due_on:
                return replace(self, status=MET, met_on=self.due_on)
            return replace(self, status=OPEN)
        if today > self.due_on:
            return replace(self, status=OVERDUE, overdue_days=(today - self.due_on).days)
        return replace(self, status=OPEN)
