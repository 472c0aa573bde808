"""The audit trail's sentences: what each event says, in the users' Dutch.

One or two plain sentences per event type, written when the event is
recorded and judged with what the case knew then: for a legal step, which
obligation it fulfils and whether on time ("Plan van aanpak opgesteld door
J. Smit op 2026-02-20 (week 7), tijdig: uiterlijk 2026-03-01."). A labour
lawyer attaches the trail to a bezwaar, so the texts never guess: only what
the event and the rules of POORTWACHTER.md say.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from domain.calendar import sick_days, week_of_day
from domain.case import Fact, event_class_of, legal_date, sick_periods_of
from domain.obligations import MET, MET_LATE, Obligation

ADVICE = {
    "eigen_werk": "eigen werk",
    "aangepast_werk": "aangepast werk",
    "ander_werk_intern": "ander werk bij de eigen werkgever",
    "spoor_2": "spoor 2, werk bij een andere werkgever",
}
WORK = {"eigen": "eigen werk", "aangepast": "aangepast werk", "ander_intern": "ander werk intern"}
TENZIJ = {
    "prospect_internal_return": "uitzicht op structurele terugkeer in de eigen organisatie",
    "no_capacity": "geen benutbare mogelijkheden",
    "aow_within_year": "AOW-leeftijd binnen een jaar na de wachttijd",
}
CLOSING = {
    "herstel": "volledig hersteld",
    "uit_dienst": "uit dienst",
    "wia": "WIA-beslissing",
    "iva": "IVA toegekend",
    "overlijden": "overlijden",
    "overig": "overige reden",
}


def summary_nl(fact: Fact, facts: list[Fact], obligations: list[Obligation]) -> str:
    """The trail's sentence for ``fact``, given the case's facts and obligations at that time."""
    on = fact.occurred_on
    when = f"op {on} (week {_week(facts, on)})"
    data = fact.data
    proof = next((o for o in obligations if fact.event_id in o.event_ids), None)
    timing = _timing(proof)
    text = _SENTENCES[fact.type](fact, data, when, timing, facts)
    if proof is not None and proof.recorded_late:
        recorded = legal_date(fact.recorded_at)
        text += f" Pas vastgelegd op {recorded}, {(recorded - on).days} dagen later."
    return text


def _week(facts: list[Fact], on: date) -> int:
    return week_of_day(sick_days(sick_periods_of(facts), on))


def _timing(proof: Obligation | None) -> str:
    if proof is None:
        return ""
    if proof.status == MET:
        return f", tijdig: uiterlijk {proof.due_on}"
    if proof.status == MET_LATE and proof.met_on is not None:
        late = (proof.met_on - proof.due_on).days
        return f", {late} {'dag' if late == 1 else 'dagen'} te laat: uiterlijk {proof.due_on}"
    if proof.ground:
        return f", vrijstelling ({proof.ground})"
    return ""


Sentence = Callable[[Fact, dict[str, Any], str, str, list[Fact]], str]


def _ziekmelding(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    if fact.version > 1:
        return (
            f"Hernieuwde ziekmelding: opnieuw ziek vanaf {data['first_sick_day']}, binnen 28 "
            "dagen na herstel, dus de zaak loopt door (samentelregel, art. 7:629 lid 10 BW)."
        )
    text = (
        f"Ziekmelding: eerste ziektedag {data['first_sick_day']}, gemeld op {data['reported_on']}."
    )
    if data.get("expected_duration_weeks") is not None:
        text += f" Verwachte duur {data['expected_duration_weeks']} weken."
    return text


class _Fields(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "(onbekend)"


def _template(text: str) -> Sentence:
    """A sentence from the event's fields, ``{when}`` and ``{timing}``."""

    def sentence(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
        return text.format_map(_Fields(data, when=when, timing=timing))

    return sentence


def _evaluatie(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    participants = ", ".join(data.get("participants") or []) or "de betrokkenen"
    return f"Evaluatie gehouden {when} met {participants}{timing}."


def _bijstelling(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    return f"Plan van aanpak bijgesteld {when}{timing}. Reden: {data.get('reason')}."


def _onderzoek(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    advice = ADVICE.get(str(data.get("advice")), str(data.get("advice")))
    return f"Arbeidsdeskundig onderzoek {when}; advies: {advice}."


def _eerstejaars(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    if data.get("spoor_2_needed"):
        outcome = "spoor 2 is nodig"
    elif data.get("tenzij_ground"):
        ground = str(data["tenzij_ground"])
        outcome = f"geen spoor 2, tenzij-grond: {TENZIJ.get(ground, ground)}"
    else:
        outcome = "spoor 2 niet nodig geacht"
    return f"Eerstejaarsevaluatie gehouden {when}{timing}; {outcome}."


def _werkhervatting(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    work = WORK.get(str(data.get("work")), str(data.get("work")))
    return (
        f"Werk hervat {when}: {work}, {_number(data.get('hours_per_week'))} uur per week, "
        f"loonwaarde {_number(data.get('wage_value_percentage'))} %."
    )


def _plaatsing(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    kind = "vast" if data.get("permanent") else "tijdelijk"
    return (
        f"Geplaatst {when} in spoor {data.get('track')} als {data.get('position')} bij "
        f"{data.get('employer_name')} ({kind}), {_number(data.get('hours_per_week'))} uur per "
        f"week, loonwaarde {_number(data.get('wage_value_percentage'))} %."
    )


def _herstel(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    percentage = _number(data.get("percentage"))
    if float(data.get("percentage", 0)) >= 100:
        return (
            f"Volledig hersteld gemeld per {fact.occurred_on}; verplichtingen die later "
            "zouden vervallen, gelden niet meer."
        )
    return f"Gedeeltelijk herstel gemeld {when}: {percentage} %. De wachttijd loopt door."


def _weeks(kind: str, law: str) -> Sentence:
    def sentence(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
        return f"{kind} van {data.get('weeks')} weken ({law}), vastgelegd {when}."

    return sentence


def _notitie(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    return f"Notitie ({data.get('kind')}) {when}."


def _document(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    return (
        f"Document '{data.get('title')}' toegevoegd {when} ({data.get('media_type')}, "
        f"{data.get('size')} bytes, SHA-256 {data.get('sha256')})."
    )


def _correctie(fact: Fact, data: dict[str, Any], when: str, timing: str, facts: list[Fact]) -> str:
    target = next((f for f in facts if f.event_id == data.get("event_id")), None)
    what = (
        f"{event_class_of(target).label} (versie {target.version})" if target else "een gebeurtenis"
    )
    changed = ", ".join(sorted((data.get("replacement") or {}).keys())) or "geen velden"
    return (
        f"Correctie van {what} {when}. Reden: {data.get('reason')}. Gewijzigd: {changed}; "
        "de oorspronkelijke vastlegging blijft bewaard."
    )


def _afsluiting(fact: Fact, data: dict[str, Any], when: str, timing: str, _: list[Fact]) -> str:
    reason = CLOSING.get(str(data.get("reason")), str(data.get("reason")))
    return f"Zaak afgesloten {when}: {reason}."


def _number(value: Any) -> str:
    number = float(value or 0)
    return str(int(number)) if number == int(number) else f"{number:g}".replace(".", ",")


_SENTENCES: dict[str, Sentence] = {
    "ziekmelding": _ziekmelding,
    "melding_arbodienst": _template("Ziekte gemeld bij arbodienst {arbodienst} {when}{timing}."),
    "probleemanalyse": _template(
        "Probleemanalyse opgesteld door bedrijfsarts {bedrijfsarts} {when}{timing}."
    ),
    "plan_van_aanpak": _template("Plan van aanpak opgesteld door {casemanager} {when}{timing}."),
    "ziekmelding_uwv": _template("42e-weeksmelding aan UWV gedaan {when}{timing}."),
    "deskundigenoordeel_aanvraag": _template("Deskundigenoordeel aangevraagd bij UWV {when}."),
    "deskundigenoordeel": _template("Deskundigenoordeel van UWV ontvangen {when}: {outcome}."),
    "actueel_oordeel": _template("Actueel oordeel van de bedrijfsarts opgesteld {when}{timing}."),
    "eindevaluatie": _template(
        "Eindevaluatie gehouden {when}{timing}; de mening van de werknemer is vastgelegd."
    ),
    "reintegratieverslag": _template("Re-integratieverslag opgesteld {when}{timing}."),
    "wia_aanvraag": _template("WIA-aanvraag ingediend {when}{timing}."),
    "bekortingsverzoek": _template("Bekortingsverzoek ingediend bij UWV {when}."),
    "bijstelling": _bijstelling,
    "evaluatie": _evaluatie,
    "arbeidsdeskundig_onderzoek": _onderzoek,
    "eerstejaarsevaluatie": _eerstejaars,
    "spoor_2_start": _template("Spoor 2 gestart {when} bij {provider}, coach {coach}{timing}."),
    "werkhervatting": _werkhervatting,
    "plaatsing": _plaatsing,
    "herstelmelding": _herstel,
    "verlenging_loondoorbetaling": _weeks("Loondoorbetaling vrijwillig verlengd", "art. 24 WIA"),
    "loonsanctie": _weeks("Loonsanctie opgelegd door UWV", "art. 25 lid 9 WIA"),
    "notitie": _notitie,
    "document": _document,
    "correctie": _correctie,
    "afsluiting": _afsluiting,
}
