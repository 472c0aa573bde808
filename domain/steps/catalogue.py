"""Every Poortwachter step, declared once: fields, rules, label, sentence and legal source.

The Case aggregate makes an event class and a verb of each declaration; the
HTTP layer makes its request schema (and so the OpenAPI document); the audit
trail speaks its sentence; a correctie runs its checks on the corrected
values. To add a step, add a declaration here (and an obligation rule in
``domain/obligations.py`` when it meets one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import SAMENTEL_DAYS
from domain.errors import DomainError
from domain.steps.fields import (
    NO_MEDICAL,
    Choice,
    Day,
    EventRef,
    Flag,
    Internal,
    Number,
    Person,
    Text,
    Texts,
    Values,
    Whole,
)
from domain.steps.step import Proposed, Step, template
from domain.steps.vocabulary import Advice, ClosingReason, NotitieKind, TenzijGround, Work

# --- fields several steps share ---------------------------------------------------


def free_text(name: str, label: str, *, required: bool = True, description: str = "") -> Text:
    return Text(
        name,
        label,
        required=required,
        max_length=4000,
        free=True,
        description=f"{description} {NO_MEDICAL}".strip(),
    )


HOURS = Number("hours_per_week", "uren per week", maximum=168, unit=" uur per week")
WAGE_VALUE = Number("wage_value_percentage", "loonwaarde", maximum=100, unit=" %")


# --- rules ------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def opening_dates(proposed: Proposed) -> None:
    """The sick report cannot lie in the future nor before the sickness began (7:629 BW)."""
    first = _date(proposed.values.get("first_sick_day"))
    reported = _date(proposed.values.get("reported_on"))
    if first is not None and first > proposed.today:
        raise DomainError("first_sick_day lies in the future", "first_sick_day")
    if first is not None and reported is not None and reported < first:
        raise DomainError("reported_on lies before first_sick_day", "reported_on")
    if reported is not None and reported > proposed.today:
        raise DomainError("reported_on lies in the future", "reported_on")
    if proposed.correcting and first is not None:
        later = [f.occurred_on for f in proposed.case.facts[1:]]
        if later and first > min(later):
            raise DomainError(
                f"first_sick_day {first} lies after a recorded step ({min(later)})",
                "first_sick_day",
            )


def relapse_within_28_days(proposed: Proposed) -> None:
    """A relapse under 28 days after full recovery continues the case (7:629 lid 10 BW)."""
    first = _date(proposed.values["first_sick_day"])
    assert first is not None
    if first > proposed.on:
        raise DomainError("first_sick_day lies after the report", "first_sick_day")
    if proposed.correcting:
        return  # the recovery it follows was judged when the relapse was recorded
    recovered_on = proposed.case.recovered_on
    if recovered_on is None:
        raise DomainError(
            "the employee has not fully recovered; a relapse needs a herstelmelding first",
            "first_sick_day",
        )
    if first < recovered_on:
        raise DomainError("first_sick_day lies before the recovery", "first_sick_day")
    gap = (first - recovered_on).days
    if gap >= SAMENTEL_DAYS:
        raise DomainError(
            f"{gap} days after full recovery is {SAMENTEL_DAYS} days or more: "
            "the samentelregel (art. 7:629 lid 10 BW) does not apply, open a new case",
            "first_sick_day",
        )


def names_a_casemanager(proposed: Proposed) -> None:
    """A plan van aanpak names the casemanager (Regeling procesgang art. 4)."""
    if not str(proposed.values.get("casemanager") or "").strip():
        raise DomainError(
            "a plan van aanpak names a casemanager (Regeling procesgang art. 4)", "casemanager"
        )


def tenzij_only_without_spoor_2(proposed: Proposed) -> None:
    """A tenzij ground is the reason not to start spoor 2 (Werkwijzer Poortwachter)."""
    if proposed.values.get("spoor_2_needed") and proposed.values.get("tenzij_ground"):
        raise DomainError(
            "a tenzij ground is a reason not to start spoor 2; drop it or spoor_2_needed",
            "tenzij_ground",
        )


def not_recovered_twice(proposed: Proposed) -> None:
    """Full recovery ends the sickness once; a relapse comes first (7:629 BW)."""
    if proposed.correcting:
        return
    if proposed.values["percentage"] >= 100 and proposed.case.recovered_on is not None:
        raise DomainError("the employee is already fully recovered", "percentage")


# --- sentences that need more than a template ----------------------------------------


def _opening(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    first, reported = shown["first_sick_day"], shown["reported_on"]
    text = f"Ziekmelding: eerste ziektedag {first}, gemeld op {reported}."
    if fact.data.get("expected_duration_weeks") is not None:
        text += f" Verwachte duur {shown['expected_duration_weeks']} weken."
    return text


def _evaluatie(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    participants = ", ".join(fact.data.get("participants") or []) or "de betrokkenen"
    return f"Evaluatie gehouden {when} met {participants}{timing}."


def _eerstejaars(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    if fact.data.get("spoor_2_needed"):
        outcome = "spoor 2 is nodig"
    elif fact.data.get("tenzij_ground"):
        outcome = f"geen spoor 2, tenzij-grond: {shown['tenzij_ground']}"
    else:
        outcome = "spoor 2 niet nodig geacht"
    return f"Eerstejaarsevaluatie gehouden {when}{timing}; {outcome}."


def _plaatsing(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    kind = "vast" if fact.data.get("permanent") else "tijdelijk"
    return (
        f"Geplaatst {when} in spoor {shown['track']} als {shown['position']} bij "
        f"{shown['employer_name']} ({kind}), {shown['hours_per_week']}, loonwaarde "
        f"{shown['wage_value_percentage']}."
    )


def _herstel(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    if float(fact.data.get("percentage", 0)) >= 100:
        return (
            f"Volledig hersteld gemeld per {fact.occurred_on}; verplichtingen die later "
            "zouden vervallen, gelden niet meer."
        )
    return f"Gedeeltelijk herstel gemeld {when}: {shown['percentage']}. De wachttijd loopt door."


def _correctie(fact: Any, shown: dict[str, str], when: str, timing: str, facts: list[Any]) -> str:
    target = next((f for f in facts if f.event_id == fact.data.get("event_id")), None)
    if target is None:
        return f"Correctie van een gebeurtenis {when}. Reden: {fact.data.get('reason')}."
    step = step_of(target)
    correction = next((c for c in target.corrections if c.event_id == fact.event_id), None)
    changes = correction.changes if correction else {}
    told = "; ".join(
        f"{_label(step, name)} van {_show(step, name, change['from'])} "
        f"naar {_show(step, name, change['to'])}"
        for name, change in changes.items()
    )
    told = told[:1].upper() + told[1:] if told else "Geen velden gewijzigd"
    return (
        f"Correctie van {step.label} (versie {target.version}) {when}. Reden: "
        f"{fact.data.get('reason')}. {told}; de oorspronkelijke vastlegging blijft bewaard."
    )


def _label(step: Step, name: str) -> str:
    if name == "occurred_on":
        return "datum"
    declared = step.field(name)
    return declared.label if declared else name


def _show(step: Step, name: str, value: Any) -> str:
    declared = step.field(name)
    if declared is None:
        return "(leeg)" if value is None else str(value)
    return declared.show(value)


# --- the steps --------------------------------------------------------------------

ZIEKMELDING = Step(
    name="ziekmelding",
    event="Ziekmelding",
    label="Ziekmelding",
    path=None,  # POST /v1/cases opens the case with it
    doc="The sick report that opens the case (art. 7:629 BW; Regeling procesgang art. 2). "
    "Only what the AP allows at a sick report: never the nature of the illness.",
    fields=(
        Person("employee", "werknemer"),
        Day("first_sick_day", "eerste ziektedag"),
        Day("reported_on", "meldingsdatum"),
        Whole("expected_duration_weeks", "verwachte duur in weken", required=False, maximum=520),
        Flag("work_accident", "arbeidsongeval", required=False),
        Flag("third_party_liable", "aansprakelijke derde", required=False),
        Flag(
            "vangnet",
            "vangnetregeling",
            required=False,
            description="Whether a vangnet regime applies, never which.",
        ),
    ),
    rules=(opening_dates,),
    sentence=_opening,
    source="art. 7:629 BW; Regeling procesgang art. 2",
)

HERNIEUWDE_ZIEKMELDING = Step(
    name="ziekmelding",
    event="HernieuweZiekmelding",
    label="Hernieuwde ziekmelding",
    path="ziekmelding",
    doc="A relapse within 28 days of full recovery: the same case runs on.",
    fields=(Day("first_sick_day", "eerste ziektedag"),),
    rules=(relapse_within_28_days,),
    sentence=template(
        "Hernieuwde ziekmelding: opnieuw ziek vanaf {first_sick_day}, binnen 28 dagen na "
        "herstel, dus de zaak loopt door (samentelregel, art. 7:629 lid 10 BW)."
    ),
    source="art. 7:629 lid 10 BW",
)

CORRECTIE = Step(
    name="correctie",
    event="Correctie",
    label="Correctie",
    path="correctie",
    doc="Correct an earlier event: the original stays, the views show the new values.",
    fields=(
        EventRef("event_id", "gebeurtenis"),
        free_text("reason", "reden"),
        Values("replacement", "vervanging", required=False),
    ),
    sentence=_correctie,
    source="Werkwijzer Poortwachter (dossier)",
)

STEPS: tuple[Step, ...] = (
    ZIEKMELDING,
    HERNIEUWDE_ZIEKMELDING,
    Step(
        name="melding_arbodienst",
        event="MeldingArbodienst",
        label="Melding bij de arbodienst",
        path="melding-arbodienst",
        doc="Report to the arbodienst or bedrijfsarts.",
        fields=(Text("arbodienst", "arbodienst"),),
        sentence=template("Ziekte gemeld bij arbodienst {arbodienst} {when}{timing}."),
        source="art. 7:658a BW; Regeling procesgang art. 2",
    ),
    Step(
        name="probleemanalyse",
        event="Probleemanalyse",
        label="Probleemanalyse",
        path="probleemanalyse",
        doc="The bedrijfsarts' problem analysis.",
        fields=(
            Text("bedrijfsarts", "bedrijfsarts"),
            free_text(
                "functional_limitations",
                "functionele mogelijkheden",
                required=False,
                description="Functional limitations and capabilities only.",
            ),
            free_text(
                "prognosis",
                "prognose",
                required=False,
                description="Expected duration and capacity.",
            ),
            Flag(
                "full_recovery_expected_within_13_weeks",
                "volledig herstel binnen 13 weken verwacht",
                required=False,
                description="The bedrijfsarts expects full recovery within 13 weeks: no plan "
                "van aanpak is needed (Regeling procesgang art. 2 lid 3).",
            ),
        ),
        sentence=template(
            "Probleemanalyse opgesteld door bedrijfsarts {bedrijfsarts} {when}{timing}."
        ),
        source="Regeling procesgang art. 2 lid 2",
    ),
    Step(
        name="plan_van_aanpak",
        event="PlanVanAanpak",
        label="Plan van aanpak",
        path="plan-van-aanpak",
        doc="The plan van aanpak, which names a casemanager.",
        fields=(
            Text("casemanager", "casemanager", nullable=True),
            free_text("goal", "doel"),
            Texts("agreements", "afspraken"),
        ),
        rules=(names_a_casemanager,),
        sentence=template("Plan van aanpak opgesteld door {casemanager} {when}{timing}."),
        source="Regeling procesgang art. 4",
    ),
    Step(
        name="bijstelling",
        event="Bijstelling",
        label="Bijstelling van het plan van aanpak",
        path="bijstelling",
        doc="An adjustment of the plan van aanpak.",
        fields=(free_text("reason", "reden"), free_text("changes", "wijzigingen")),
        sentence=template("Plan van aanpak bijgesteld {when}{timing}. Reden: {reason}."),
        source="Regeling procesgang art. 4 lid 4",
    ),
    Step(
        name="evaluatie",
        event="Evaluatie",
        label="Evaluatie",
        path="evaluatie",
        doc="A periodic evaluation of the plan.",
        fields=(
            Texts("participants", "deelnemers", max_length=200),
            free_text("summary", "samenvatting"),
        ),
        sentence=_evaluatie,
        source="Regeling procesgang art. 5",
    ),
    Step(
        name="arbeidsdeskundig_onderzoek",
        event="ArbeidsdeskundigOnderzoek",
        label="Arbeidsdeskundig onderzoek",
        path="arbeidsdeskundig-onderzoek",
        doc="Advice of an arbeidsdeskundige.",
        fields=(Choice("advice", "advies", vocabulary=Advice),),
        sentence=template("Arbeidsdeskundig onderzoek {when}; advies: {advice}."),
        source="Werkwijzer Poortwachter",
    ),
    Step(
        name="ziekmelding_uwv",
        event="ZiekmeldingUWV",
        label="42e-weeksmelding aan UWV",
        path="ziekmelding-uwv",
        doc="The 42nd-week report to UWV.",
        fields=(),
        sentence=template("42e-weeksmelding aan UWV gedaan {when}{timing}."),
        source="art. 38 ZW",
    ),
    Step(
        name="eerstejaarsevaluatie",
        event="Eerstejaarsevaluatie",
        label="Eerstejaarsevaluatie",
        path="eerstejaarsevaluatie",
        doc="The first-year evaluation.",
        fields=(
            free_text("conclusion", "conclusie"),
            Flag("spoor_2_needed", "spoor 2 nodig"),
            Choice("tenzij_ground", "tenzij-grond", required=False, vocabulary=TenzijGround),
        ),
        rules=(tenzij_only_without_spoor_2,),
        sentence=_eerstejaars,
        source="Regeling procesgang art. 6",
    ),
    Step(
        name="spoor_2_start",
        event="Spoor2Gestart",
        label="Start spoor 2",
        path="spoor-2-start",
        doc="Start of reintegration with another employer.",
        fields=(Text("provider", "re-integratiebedrijf"), Text("coach", "coach")),
        sentence=template("Spoor 2 gestart {when} bij {provider}, coach {coach}{timing}."),
        source="art. 7:658a lid 1 BW",
    ),
    Step(
        name="deskundigenoordeel_aanvraag",
        event="DeskundigenoordeelAangevraagd",
        label="Aanvraag deskundigenoordeel",
        path="deskundigenoordeel-aanvraag",
        doc="A request to UWV for an expert opinion.",
        fields=(free_text("question", "vraag"),),
        sentence=template("Deskundigenoordeel aangevraagd bij UWV {when}."),
        source="art. 7:629a BW",
    ),
    Step(
        name="deskundigenoordeel",
        event="Deskundigenoordeel",
        label="Deskundigenoordeel",
        path="deskundigenoordeel",
        doc="UWV's expert opinion.",
        fields=(free_text("outcome", "uitkomst"),),
        sentence=template("Deskundigenoordeel van UWV ontvangen {when}: {outcome}."),
        source="art. 7:629a BW",
    ),
    Step(
        name="werkhervatting",
        event="Werkhervatting",
        label="Werkhervatting",
        path="werkhervatting",
        doc="Return to work; a partial return does not stop the clock.",
        fields=(Choice("work", "werk", vocabulary=Work), HOURS, WAGE_VALUE),
        sentence=template(
            "Werk hervat {when}: {work}, {hours_per_week}, loonwaarde {wage_value_percentage}."
        ),
        source="Werkwijzer Poortwachter",
    ),
    Step(
        name="plaatsing",
        event="Plaatsing",
        label="Plaatsing",
        path="plaatsing",
        doc="A placement in suitable work, spoor 1 or 2.",
        fields=(
            Whole("track", "spoor", minimum=1, maximum=2),
            Text("employer_name", "werkgever"),
            Text("position", "functie"),
            HOURS,
            WAGE_VALUE,
            Flag("permanent", "vast"),
        ),
        sentence=_plaatsing,
        source="art. 7:658a BW",
    ),
    Step(
        name="herstelmelding",
        event="Herstelmelding",
        label="Herstelmelding",
        path="herstelmelding",
        doc="Recovery; at 100 % the sickness period ends.",
        fields=(Number("percentage", "herstelpercentage", unit=" %"),),
        rules=(not_recovered_twice,),
        sentence=_herstel,
        source="art. 7:629 BW",
    ),
    Step(
        name="actueel_oordeel",
        event="ActueelOordeel",
        label="Actueel oordeel van de bedrijfsarts",
        path="actueel-oordeel",
        doc="The bedrijfsarts' current judgement for the re-integratieverslag.",
        fields=(),
        sentence=template("Actueel oordeel van de bedrijfsarts opgesteld {when}{timing}."),
        source="Regeling procesgang art. 7",
    ),
    Step(
        name="eindevaluatie",
        event="Eindevaluatie",
        label="Eindevaluatie",
        path="eindevaluatie",
        doc="The final evaluation with the employee's opinion.",
        fields=(free_text("employee_opinion", "mening van de werknemer"),),
        sentence=template(
            "Eindevaluatie gehouden {when}{timing}; de mening van de werknemer is vastgelegd."
        ),
        source="Regeling procesgang art. 7",
    ),
    Step(
        name="reintegratieverslag",
        event="Reintegratieverslag",
        label="Re-integratieverslag",
        path="reintegratieverslag",
        doc="The re-integratieverslag for the WIA application.",
        fields=(),
        sentence=template("Re-integratieverslag opgesteld {when}{timing}."),
        source="art. 65 WIA",
    ),
    Step(
        name="wia_aanvraag",
        event="WiaAanvraag",
        label="WIA-aanvraag",
        path="wia-aanvraag",
        doc="The employee's WIA application.",
        fields=(),
        sentence=template("WIA-aanvraag ingediend {when}{timing}."),
        source="art. 64 WIA",
    ),
    Step(
        name="verlenging_loondoorbetaling",
        event="VerlengingLoondoorbetaling",
        label="Verlenging loondoorbetaling",
        path="verlenging-loondoorbetaling",
        doc="A voluntary extension of the waiting period.",
        fields=(Whole("weeks", "weken", minimum=1, maximum=52, source="art. 24 WIA"),),
        sentence=template(
            "Loondoorbetaling vrijwillig verlengd van {weeks} weken (art. 24 WIA), "
            "vastgelegd {when}."
        ),
        source="art. 24 WIA",
    ),
    Step(
        name="loonsanctie",
        event="Loonsanctie",
        label="Loonsanctie",
        path="loonsanctie",
        doc="UWV's wage sanction of at most 52 weeks.",
        fields=(
            Whole("weeks", "weken", minimum=1, maximum=52, source="art. 25 lid 9 WIA"),
            Texts("reasons", "redenen"),
        ),
        sentence=template(
            "Loonsanctie opgelegd door UWV van {weeks} weken (art. 25 lid 9 WIA), "
            "vastgelegd {when}."
        ),
        source="art. 25 lid 9 WIA",
    ),
    Step(
        name="bekortingsverzoek",
        event="Bekortingsverzoek",
        label="Bekortingsverzoek",
        path="bekortingsverzoek",
        doc="A request to shorten the loonsanctie.",
        fields=(),
        sentence=template("Bekortingsverzoek ingediend bij UWV {when}."),
        source="art. 25 lid 9 WIA",
    ),
    Step(
        name="notitie",
        event="Notitie",
        label="Notitie",
        path="notitie",
        doc="A contact or conversation note; no medical data.",
        fields=(Choice("kind", "soort", vocabulary=NotitieKind), free_text("text", "tekst")),
        sentence=template("Notitie ({kind}) {when}."),
        source="AP beleidsregels De zieke werknemer",
    ),
    Step(
        name="document",
        event="Document",
        label="Document",
        path="document",
        doc="A document added to the file; its SHA-256 makes it part of the proof.",
        fields=(
            Text("title", "titel"),
            Internal("document_id", "document"),
            Internal("sha256", "SHA-256"),
            Internal("size", "grootte"),
            Internal("media_type", "soort bestand"),
        ),
        sentence=lambda fact, shown, when, timing, _: (
            f"Document '{shown['title']}' toegevoegd {when} ({shown['media_type']}, "
            f"{shown['size']} bytes, SHA-256 {shown['sha256']})."
        ),
        source="Werkwijzer Poortwachter (dossier)",
    ),
    CORRECTIE,
    Step(
        name="afsluiting",
        event="Afsluiting",
        label="Afsluiting",
        path="afsluiting",
        doc="Close the case: employment ended, WIA decision, death, IVA or recovery.",
        fields=(Choice("reason", "reden", vocabulary=ClosingReason),),
        sentence=template("Zaak afgesloten {when}: {reason}."),
        source="art. 7:629 BW",
    ),
)
"""Every step, in the order of a case."""

COMMANDS: dict[str, Step] = {s.path: s for s in STEPS if s.path}
"""The steps a client records on a case, by API path."""
BY_EVENT: dict[str, Step] = {s.event: s for s in STEPS}


def step_of(fact: Any) -> Step:
    """The step a fact records: the opening ziekmelding is version 1, a relapse later."""
    if fact.version == 1:
        return ZIEKMELDING
    if fact.type == "ziekmelding":
        return HERNIEUWDE_ZIEKMELDING
    return next(s for s in STEPS if s.name == fact.type)
