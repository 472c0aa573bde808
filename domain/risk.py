"""The loonsanctie risk of a case, with its reasons in plain Dutch.

Status of an obligation: ``high`` when a core step of the
reintegration file is overdue or met late, or two or more evaluations were
missed; ``medium`` for one missed evaluation or any action recorded late;
``low`` otherwise. UWV tests these steps when it judges the
re-integratieverslag (art. 65 WIA; Beleidsregels beoordelingskader
poortwachter) and imposes a loonsanctie under art. 25 lid 9 WIA.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.facts import Fact, in_legal_order, legal_date
from domain.obligations import INCOMPLETE, MET_LATE, OVERDUE, Obligation
from domain.reintegration import ReintegrationResult
from domain.steps.catalogue import step_of
from domain.trajectories import ACTIVITY_HIGH_DAYS, ACTIVITY_MEDIUM_DAYS

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)

CORE_STEPS = (
    "probleemanalyse",
    "plan_van_aanpak",
    "eerstejaarsevaluatie",
    "spoor_2",
    "actueel_oordeel",
    "eindevaluatie",
    "reintegratieverslag",
    "advies_opvolging",
)
"""A late or missing one of these is a loonsanctie reason in itself (Beleidsregels
beoordelingskader poortwachter; an advice not followed without a recorded reason too)."""
PRACTICE_STEPS = ("arbeidsdeskundig_onderzoek", "traject_voortgang")
"""Expected by UWV practice, not by a statutory date: late or missing is medium."""
PART_LABELS = {
    "probleemanalyse": "probleemanalyse",
    "plan_van_aanpak": "plan van aanpak",
    "eerstejaarsevaluatie": "eerstejaarsevaluatie",
    "actueel_oordeel": "actueel oordeel van de bedrijfsarts (hooguit 91 dagen oud)",
    "eindevaluatie": "eindevaluatie met de mening van de werknemer",
    "kopie_werknemer": "datum waarop de werknemer een kopie kreeg",
}
"""The parts of an RIV as a Dutch reader names them (Werkwijzer Poortwachter)."""


@dataclass(frozen=True)
class Risk:
    level: str
    reasons: list[str]


def loonsanctie_risk(
    obligations: list[Obligation],
    recorded_late: list[Fact],
    result: ReintegrationResult | None = None,
    standing: Standing | None = None,
) -> Risk:
    """The risk as judged from obligations already judged on a day.

    UWV asks first whether the result is satisfactory: if it is, it does not
    test the efforts further (Werkwijzer Poortwachter), and only the RIV itself,
    an administrative requirement, can still make the risk high.
    """
    return _judged(obligations, recorded_late, result, standing, explain=True)


def loonsanctie_level(
    obligations: list[Obligation],
    recorded_late: list[Fact],
    result: ReintegrationResult | None = None,
    standing: Standing | None = None,
) -> str:
    """:func:`loonsanctie_risk`'s level alone, its reasons left unwritten (an outlook
    judges a case on many days)."""
    return _judged(obligations, recorded_late, result, standing, explain=False).level


def _judged(
    obligations: list[Obligation],
    recorded_late: list[Fact],
    result: ReintegrationResult | None,
    standing: Standing | None,
    *,
    explain: bool,
) -> Risk:
    reasons: list[str] = []

    def say(reason: Callable[..., str], *about: Any) -> None:
        if explain:
            reasons.append(reason(*about))

    if result is not None and result.satisfactory:
        riv = [o for o in obligations if o.code == "reintegratieverslag" and _failing(o)]
        level = HIGH if riv else MEDIUM if standing and standing.sanctions else LOW
        say(_satisfactory, result)
        for obligation in riv:
            say(_reason, obligation)
        if explain:
            reasons.extend([*_recorded(standing), *_fines(obligations)])
        return Risk(level, reasons)
    level = LOW
    for obligation in obligations:
        if obligation.code in CORE_STEPS and obligation.status in (OVERDUE, MET_LATE):
            level = HIGH
            say(_late, obligation)
        elif obligation.code in PRACTICE_STEPS and obligation.status in (OVERDUE, MET_LATE):
            level = _at_least(level, MEDIUM)
            say(_late, obligation)
        elif obligation.code == "traject_activiteit" and obligation.status == OVERDUE:
            severe = obligation.overdue_days > ACTIVITY_HIGH_DAYS - ACTIVITY_MEDIUM_DAYS
            level = _at_least(level, HIGH if severe else MEDIUM)
            say(_idle, obligation)
        elif obligation.status == INCOMPLETE:
            level = HIGH
            say(_incomplete, obligation)
    missed = [o for o in obligations if o.code == "evaluatie" and o.status == OVERDUE]
    if missed:
        level = _at_least(level, HIGH if len(missed) >= 2 else MEDIUM)
        say(_missed_evaluations, missed)
    for fact in recorded_late:
        level = _at_least(level, MEDIUM)
        say(_recorded_late, fact)
    if standing is not None and standing.sanctions:
        level = _at_least(level, MEDIUM)
    if explain:
        reasons.extend([*_recorded(standing), *_fines(obligations)])
    return Risk(level, reasons)


def _recorded(standing: Standing | None) -> list[str]:
    return [*standing.refusal, *standing.sanctions] if standing else []


def _fines(obligations: list[Obligation]) -> list[str]:
    """A late report to UWV costs a fine, not a loonsanctie: shown, level unchanged."""
    return [
        _late(o) + " Dit levert een boete op, geen loonsanctie."
        for o in obligations
        if o.code == "ziekmelding_uwv" and o.status in (OVERDUE, MET_LATE)
    ]


def _at_least(level: str, floor: str) -> str:
    return max(level, floor, key=LEVELS.index)


def _days(first: date, later: date) -> str:
    days = (later - first).days
    return f"{days} dag" if days == 1 else f"{days} dagen"


def _late(obligation: Obligation) -> str:
    step = obligation.kind
    if obligation.status == MET_LATE:
        assert obligation.met_on is not None
        return (
            f"{step.label} {_days(obligation.due_on, obligation.met_on)} te laat {step.done} "
            f"(uiterlijk {obligation.due_on}, {step.done} {obligation.met_on})."
        )
    return (
        f"{step.label} niet tijdig {step.done}: "
        f"uiterlijk {obligation.due_on}, nog niet {step.done}."
    )


@dataclass(frozen=True)
class Standing:
    """Reasons that follow from what was recorded, whatever the day: read once per case."""

    sanctions: tuple[str, ...] = ()
    refusal: tuple[str, ...] = ()


def standing(facts: list[Fact]) -> Standing:
    """A loonsanctie imposed (art. 25 lid 9 WIA), and a wage stopped for not cooperating."""
    kinds = ("loonsanctie", "loonstop", "loonopschorting", "loonbetaling_hervat")
    recorded = in_legal_order(facts, *kinds)
    if not recorded:
        return Standing()
    sanctions = tuple(
        f"Loonsanctie opgelegd door UWV op {fact.occurred_on}: "
        f"{fact.data.get('weeks')} weken (art. 25 lid 9 WIA)."
        for fact in recorded
        if fact.type == "loonsanctie"
    )
    return Standing(sanctions, tuple(_refusal(recorded)))


def _refusal(facts: list[Fact]) -> list[str]:
    """A wage stopped or suspended for not cooperating (7:629 lid 3 and 6 BW) is evidence
    of a deugdelijke grond: shown while it lasts, without raising the level."""
    stopped: Fact | None = None
    for fact in in_legal_order(facts, "loonstop", "loonopschorting", "loonbetaling_hervat"):
        stopped = None if fact.type == "loonbetaling_hervat" else fact
    if stopped is None:
        return []
    kind = "loonstop" if stopped.type == "loonstop" else "loonopschorting"
    since = stopped.data.get("from") or stopped.occurred_on
    return [
        f"Werknemer werkt niet mee: {kind} sinds {since}. Dit is een deugdelijke grond "
        "voor wat niet lukte, mits schriftelijk vastgelegd."
    ]


def _idle(obligation: Obligation) -> str:
    since = obligation.due_on - timedelta(days=ACTIVITY_MEDIUM_DAYS)
    return (
        f"Spoorlog-signaal: traject zonder activiteit sinds {since}; UWV kan een traject "
        "zonder zichtbare inspanning onvoldoende achten."
    )


def _failing(obligation: Obligation) -> bool:
    return obligation.status in (OVERDUE, MET_LATE, INCOMPLETE)


def _reason(obligation: Obligation) -> str:
    return _incomplete(obligation) if obligation.status == INCOMPLETE else _late(obligation)


def _satisfactory(result: ReintegrationResult) -> str:
    return (
        f"Bevredigend re-integratieresultaat sinds {result.since} (65 %-regel): UWV toetst "
        "de inspanningen dan in de regel niet verder."
    )


def _incomplete(obligation: Obligation) -> str:
    missing = [PART_LABELS.get(part, part) for part in obligation.missing]
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " en " + missing[-1]
    verb = "ontbreekt" if len(missing) == 1 else "ontbreken"
    return (
        f"{obligation.kind.label} onvolledig (opgesteld {obligation.met_on}): {verb} "
        f"{listed}. Een onvolledig verslag is een administratieve loonsanctie (art. 25 lid 3 WIA)."
    )


def _missed_evaluations(missed: list[Obligation]) -> str:
    dates = [str(o.due_on) for o in missed]
    listed = dates[0] if len(dates) == 1 else ", ".join(dates[:-1]) + " en " + dates[-1]
    count = "1 evaluatie" if len(missed) == 1 else f"{len(missed)} evaluaties"
    return f"{count} gemist (uiterlijk {listed})."


def _recorded_late(fact: Fact) -> str:
    recorded_on = legal_date(fact.recorded_at)
    label = step_of(fact).label
    return (
        f"{label} pas {_days(fact.occurred_on, recorded_on)} na dato vastgelegd "
        f"(gebeurd {fact.occurred_on}, vastgelegd {recorded_on}); "
        "UWV weegt later vastgelegd bewijs lichter."
    )
