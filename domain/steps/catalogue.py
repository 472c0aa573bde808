"""Every Poortwachter step, declared once: fields, rules, label, sentence and legal source.

The Case aggregate makes an event class and a verb of each declaration; the
HTTP layer makes its request schema (and so the OpenAPI document); the audit
trail speaks its sentence; a correctie runs its checks on the corrected
values. To add a step, declare it in the module of its phase and list it in
``STEPS`` below (and add an obligation rule in ``domain/obligations/`` when it
meets one).
"""

from __future__ import annotations

from typing import Any

from domain.steps.dossier import CORRECTIE, DOCUMENT, NOTITIE
from domain.steps.first_year import (
    ARBEIDSDESKUNDIG_ONDERZOEK,
    BIJSTELLING,
    DESKUNDIGENOORDEEL,
    DESKUNDIGENOORDEEL_AANVRAAG,
    EERSTEJAARSEVALUATIE,
    EVALUATIE,
    MELDING_ARBODIENST,
    PLAN_VAN_AANPAK,
    PROBLEEMANALYSE,
    ZIEKMELDING_UWV,
)
from domain.steps.privacy import LEGAL_HOLD, LEGAL_HOLD_OPGEHEVEN, WISSING
from domain.steps.regimes import UITDIENSTTREDING, VERLOF
from domain.steps.sanctions import LOONBETALING_HERVAT, LOONOPSCHORTING, LOONSTOP, WAARSCHUWING
from domain.steps.sickness import AFSLUITING, HERNIEUWDE_ZIEKMELDING, HERSTELMELDING, ZIEKMELDING
from domain.steps.step import Step
from domain.steps.trajectory import (
    TRAJECT_ACTIVITEIT,
    TRAJECT_EINDE,
    TRAJECT_ONDERBREKING,
    TRAJECT_RAPPORTAGE,
    TRAJECT_START,
    WEERSTAND,
)
from domain.steps.wia import (
    ACTUEEL_OORDEEL,
    BEKORTINGSBESLUIT,
    BEKORTINGSVERZOEK,
    EINDEVALUATIE,
    LOONSANCTIE,
    LOONSANCTIE_EINDE,
    REINTEGRATIEVERSLAG,
    VERLENGING_LOONDOORBETALING,
    WIA_AANVRAAG,
    WIA_BESLUIT,
)
from domain.steps.work import PLAATSING, SPOOR_2_START, WERKHERVATTING

__all__ = ["COMMANDS", "CORRECTIE", "STEPS", "ZIEKMELDING", "step_of"]

STEPS: tuple[Step, ...] = (
    ZIEKMELDING,
    HERNIEUWDE_ZIEKMELDING,
    MELDING_ARBODIENST,
    PROBLEEMANALYSE,
    PLAN_VAN_AANPAK,
    BIJSTELLING,
    EVALUATIE,
    ARBEIDSDESKUNDIG_ONDERZOEK,
    ZIEKMELDING_UWV,
    EERSTEJAARSEVALUATIE,
    SPOOR_2_START,
    TRAJECT_START,
    TRAJECT_ACTIVITEIT,
    WEERSTAND,
    TRAJECT_RAPPORTAGE,
    TRAJECT_ONDERBREKING,
    TRAJECT_EINDE,
    DESKUNDIGENOORDEEL_AANVRAAG,
    DESKUNDIGENOORDEEL,
    WERKHERVATTING,
    PLAATSING,
    HERSTELMELDING,
    VERLOF,
    WAARSCHUWING,
    LOONOPSCHORTING,
    LOONSTOP,
    LOONBETALING_HERVAT,
    ACTUEEL_OORDEEL,
    EINDEVALUATIE,
    REINTEGRATIEVERSLAG,
    WIA_AANVRAAG,
    VERLENGING_LOONDOORBETALING,
    LOONSANCTIE,
    BEKORTINGSVERZOEK,
    BEKORTINGSBESLUIT,
    LOONSANCTIE_EINDE,
    WIA_BESLUIT,
    UITDIENSTTREDING,
    NOTITIE,
    DOCUMENT,
    CORRECTIE,
    AFSLUITING,
    LEGAL_HOLD,
    LEGAL_HOLD_OPGEHEVEN,
    WISSING,
)
"""Every step, in the order of a case."""

COMMANDS: dict[str, Step] = {s.path: s for s in STEPS if s.path}
"""The steps a client records on a case, by API path."""


def step_of(fact: Any) -> Step:
    """The step a fact records: the opening ziekmelding is version 1, a relapse later."""
    if fact.version == 1:
        return ZIEKMELDING
    if fact.type == "ziekmelding":
        return HERNIEUWDE_ZIEKMELDING
    return next(s for s in STEPS if s.name == fact.type)
