"""The closed word lists of the law and of UWV practice, each one enum.

The value is what the API and the events carry; the label is how a Dutch
reader of the dossier says it. Schemas, rules and trail sentences all use
these enums, so a word is added or renamed in one place.
"""

from __future__ import annotations

from enum import StrEnum


class Vocabulary(StrEnum):
    """An enum whose members carry a Dutch label beside their API value."""

    label: str

    def __new__(cls, value: str, label: str) -> Vocabulary:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Advice(Vocabulary):
    """The arbeidsdeskundige's advice on where the employee can work (Werkwijzer Poortwachter)."""

    EIGEN_WERK = "eigen_werk", "eigen werk"
    AANGEPAST_WERK = "aangepast_werk", "aangepast werk"
    ANDER_WERK_INTERN = "ander_werk_intern", "ander werk bij de eigen werkgever"
    SPOOR_2 = "spoor_2", "spoor 2, werk bij een andere werkgever"


class Work(Vocabulary):
    """The kind of work resumed within the own organisation (spoor 1)."""

    EIGEN = "eigen", "eigen werk"
    AANGEPAST = "aangepast", "aangepast werk"
    ANDER_INTERN = "ander_intern", "ander werk intern"


class TenzijGround(Vocabulary):
    """Why spoor 2 need not start after the eerstejaarsevaluatie (Werkwijzer Poortwachter)."""

    PROSPECT_INTERNAL_RETURN = (
        "prospect_internal_return",
        "uitzicht op structurele terugkeer in de eigen organisatie",
    )
    NO_CAPACITY = "no_capacity", "geen benutbare mogelijkheden"
    AOW_WITHIN_YEAR = "aow_within_year", "AOW-leeftijd binnen een jaar na de wachttijd"


class ClosingReason(Vocabulary):
    """Why a case is closed."""

    HERSTEL = "herstel", "volledig hersteld"
    UIT_DIENST = "uit_dienst", "uit dienst"
    WIA = "wia", "WIA-beslissing"
    IVA = "iva", "IVA toegekend"
    OVERLIJDEN = "overlijden", "overlijden"
    OVERIG = "overig", "overige reden"


class NotitieKind(Vocabulary):
    """What a note records."""

    CONTACT = "contact", "contact"
    GESPREK = "gesprek", "gesprek"
    OVERIG = "overig", "overig"
