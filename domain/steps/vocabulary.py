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


class DeskundigenoordeelAdvice(Vocabulary):
    """UWV's advice in a deskundigenoordeel: the Advice words, or none (art. 7:629a BW)."""

    EIGEN_WERK = "eigen_werk", "eigen werk"
    AANGEPAST_WERK = "aangepast_werk", "aangepast werk"
    ANDER_WERK_INTERN = "ander_werk_intern", "ander werk bij de eigen werkgever"
    SPOOR_2 = "spoor_2", "spoor 2, werk bij een andere werkgever"
    GEEN = "geen", "geen advies over passend werk"


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
    GBM = "gbm", "geen benutbare mogelijkheden (tijdelijk oordeel bedrijfsarts)"
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


class VangnetReason(Vocabulary):
    """Which vangnet regime of the Ziektewet applies (art. 29, 29a, 29b ZW)."""

    ZWANGERSCHAP = "zwangerschap", "ziekte door zwangerschap of bevalling (art. 29a ZW)"
    ORGAANDONATIE = "orgaandonatie", "orgaandonatie"
    NO_RISKPOLIS = "no_riskpolis", "no-riskpolis (art. 29b ZW)"
    OVERIG = "overig", "andere vangnetgrond"


class ZwangerschapTiming(Vocabulary):
    """When, around the pregnancy leave, a pregnancy-related sickness began (art. 29a ZW)."""

    VOOR_VERLOF = "voor_verlof", "ziek vóór het zwangerschapsverlof"
    FLEXIBILISERING = "flexibilisering", "ziek in de flexibiliseringsperiode vóór het verlof"
    NA_VERLOF = "na_verlof", "ziek na het bevallingsverlof"


class LeaveKind(Vocabulary):
    """A leave under the Wet arbeid en zorg (art. 3:1 Wazo)."""

    ZWANGERSCHAP = "zwangerschap", "zwangerschapsverlof"
    BEVALLING = "bevalling", "bevallingsverlof"


class LoonstopGround(Vocabulary):
    """The grounds of art. 7:629 lid 3 BW on which no wage is owed during sickness."""

    A = (
        "a",
        (
            "de ongeschiktheid is opzettelijk veroorzaakt of volgt uit een gebrek waarover bij de "
            "aanstellingskeuring valse informatie is gegeven"
        ),
    )
    B = "b", "de werknemer belemmert of vertraagt zijn genezing"
    C = "c", "de werknemer verricht geen passende arbeid, hoewel hij daartoe in staat is"
    D = (
        "d",
        (
            "de werknemer weigert zonder deugdelijke grond mee te werken aan redelijke "
            "voorschriften of maatregelen om passende arbeid te verrichten"
        ),
    )
    E = (
        "e",
        (
            "de werknemer weigert zonder deugdelijke grond mee te werken aan het opstellen, "
            "evalueren of bijstellen van het plan van aanpak"
        ),
    )
    F = "f", "de werknemer laat zonder deugdelijke grond na tijdig een WIA-uitkering aan te vragen"


class WiaOutcome(Vocabulary):
    """UWV's decision on the WIA application (art. 4, 5, 47 en 54 WIA)."""

    GEEN = "geen", "geen WIA-uitkering"
    WGA = "wga", "WGA"
    IVA = "iva", "IVA"


class ActivityKind(Vocabulary):
    """What the bureau did in a spoor-2 or spoor-3 trajectory (Werkwijzer Poortwachter)."""

    COACHGESPREK = "coachgesprek", "coachgesprek"
    ASSESSMENT = "assessment", "assessment"
    SOLLICITATIE = "sollicitatie", "sollicitatie"
    NETWERKGESPREK = "netwerkgesprek", "netwerkgesprek"
    VACATURE = "vacature", "vacature onderzocht"
    SCHOLING = "scholing", "scholing"
    PROEFPLAATSING = "proefplaatsing", "proefplaatsing"
    WERKERVARING = "werkervaring", "werkervaringsplaats"
    OVERIG = "overig", "overige activiteit"


class ResistanceSignal(Vocabulary):
    """What holds the employee back in a trajectory: a signal the coach picks up (practice)."""

    ANGST_ONTSLAG = "angst_ontslag", "angst voor ontslag"
    TIJDSDRUK = "tijdsdruk", "tijdsdruk"
    UIT_BEELD = "uit_beeld", "uit beeld geraakt"
    ONZEKERHEID = "onzekerheid", "onzekerheid over geld en toekomst"
    OVERIG = "overig", "ander signaal"


class TrajectReportKind(Vocabulary):
    """A trajectory report to employer and employee (Werkwijzer Poortwachter)."""

    START = "start", "startrapportage"
    VOORTGANG = "voortgang", "voortgangsrapportage"
    EIND = "eind", "eindrapportage"


class TrajectEndReason(Vocabulary):
    """Why a spoor-2 or spoor-3 trajectory ends."""

    PLAATSING = "plaatsing", "plaatsing in passend werk"
    GEEN_RESULTAAT = "geen_resultaat", "geen resultaat"
    HERSTEL = "herstel", "herstel"
    UIT_DIENST = "uit_dienst", "uit dienst"
    OVERIG = "overig", "overige reden"
