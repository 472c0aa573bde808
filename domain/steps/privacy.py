"""Records about keeping the file: a legal hold, its lifting, and the erasure after the term.

The AVG keeps personal data no longer than needed (art. 5 lid 1 sub e AVG);
the AP's beleidsregels "De zieke werknemer" set how long a verzuim file is
needed. A legal hold stops erasure while a dispute or claim needs the file
(art. 17 lid 3 sub e AVG: data needed for a legal claim). The erasure itself
is recorded like every step — who, when, why — and never says what it erased.

These records are made by the bureau's admin on a closed case too, so they
have no API path of their own among the steps (their endpoints live with the
retention views) and carry no free note: their reason stays readable after
the erasure, so it must hold no personal data.
"""

from __future__ import annotations

from typing import Any

from domain.errors import DomainError
from domain.facts import Fact, in_legal_order
from domain.steps.fields import Internal, Text
from domain.steps.step import Proposed, Step, template

REASON_NOTE = (
    "Why, for the audit record. It stays readable after the erasure: no personal and "
    "no medical data."
)


def legal_hold_of(facts: list[Fact]) -> Fact | None:
    """The legal hold in force: the last one placed, unless lifted after it."""
    current = None
    for fact in in_legal_order(facts, "legal_hold", "legal_hold_opgeheven"):
        current = fact if fact.type == "legal_hold" else None
    return current


def erasure_of(facts: list[Fact]) -> Fact | None:
    """The erasure of the case's personal data, once recorded (it happens once)."""
    return next((f for f in facts if f.type == "wissing"), None)


def never_corrected(proposed: Proposed) -> None:
    """These records are not corrected: a hold is lifted and placed anew, an erasure stands
    (a correctie could otherwise reopen what the record closed)."""
    if proposed.correcting:
        raise DomainError("a legal hold, its lifting and an erasure are never corrected")


def not_held_yet(proposed: Proposed) -> None:
    """One hold at a time: a second would make lifting ambiguous."""
    held = legal_hold_of(proposed.case.facts)
    if held is not None:
        raise DomainError(f"a legal hold is already set since {held.occurred_on}")


def held(proposed: Proposed) -> None:
    """Only a hold that is set can be lifted."""
    if legal_hold_of(proposed.case.facts) is None:
        raise DomainError("no legal hold is set on this case")


def not_erased(proposed: Proposed) -> None:
    """After the erasure there is no personal data left to hold or erase."""
    erased = erasure_of(proposed.case.facts)
    if erased is not None:
        raise DomainError(f"the case's personal data was erased on {erased.occurred_on}")


def _reason(required: bool = True) -> Text:
    return Text("reason", "reden", required=required, max_length=1000, description=REASON_NOTE)


LEGAL_HOLD = Step(
    name="legal_hold",
    event="LegalHold",
    label="Legal hold",
    path=None,
    doc="A legal hold: the file is kept past its retention term while a dispute needs it.",
    fields=(_reason(),),
    rules=(never_corrected, not_erased, not_held_yet),
    sentence=template(
        "Legal hold gezet {when}: het dossier wordt niet gewist zolang de hold staat. "
        "Reden: {reason}."
    ),
    source="art. 17 lid 3 sub e AVG",
    note=False,
)


LEGAL_HOLD_OPGEHEVEN = Step(
    name="legal_hold_opgeheven",
    event="LegalHoldOpgeheven",
    label="Legal hold opgeheven",
    path=None,
    doc="The legal hold is lifted: the retention term applies again.",
    fields=(_reason(required=False),),
    rules=(never_corrected, held),
    sentence=template("Legal hold opgeheven {when}. Reden: {reason}."),
    source="art. 5 lid 1 sub e AVG",
    note=False,
)


def _wissing(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    return (
        f"Persoonsgegevens gewist {when}: de bewaartermijn van {shown['term_years']} jaar na "
        f"het einde van de zaak op {shown['ended_on']} liep tot en met {shown['kept_until']}. "
        f"Reden: {shown['reason']}. De vastleggingen en hun hashes blijven bestaan."
    )


WISSING = Step(
    name="wissing",
    event="Wissing",
    label="Wissing persoonsgegevens",
    path=None,
    doc="The employee's personal data is erased after the retention term; the proof stays.",
    fields=(
        _reason(),
        Internal("ended_on", "einde zaak"),
        Internal("kept_until", "bewaard tot en met"),
        Internal("term_years", "bewaartermijn in jaren"),
    ),
    rules=(never_corrected, not_erased),
    sentence=_wissing,
    source="art. 5 lid 1 sub e en art. 17 AVG; AP beleidsregels De zieke werknemer",
    note=False,
)
