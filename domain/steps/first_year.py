"""The first year: arbodienst, problem analysis, plan van aanpak, evaluations, the 42nd week.

The steps of the Regeling procesgang eerste en tweede ziektejaar that every
long sickness passes, and the advice that steers them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.aow import aow_date
from domain.errors import DomainError
from domain.steps.fields import Choice, EventRefs, Flag, Text, Texts, free_text
from domain.steps.step import Proposed, Step, evidence, template
from domain.steps.vocabulary import Advice, DeskundigenoordeelAdvice, TenzijGround

GBM_FRESH_DAYS = 42
"""How old a bedrijfsarts' judgement of geen benutbare mogelijkheden may be (Werkwijzer)."""

EVIDENCE = EventRefs(
    "evidence_event_ids",
    "onderbouwing",
    required=False,
    description="Ids of events of this case the step rests on (a probleemanalyse, an "
    "actueel oordeel, an arbeidsdeskundig onderzoek).",
)
MEDICAL_JUDGEMENTS = ("probleemanalyse", "actueel_oordeel")


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


def tenzij_ground_grounded(proposed: Proposed) -> None:
    """A tenzij ground rests on the file (Werkwijzer Poortwachter, eerstejaarsevaluatie).

    ``no_capacity``: a probleemanalyse or actueel oordeel among the evidence.
    ``gbm``: such a judgement of the bedrijfsarts no older than 42 days on the
    step's date (the temporary judgement must be current). ``aow_within_year``:
    the employee's date of birth is on the case (an eerstejaarsevaluatie also
    needs the employee's agreement: :func:`aow_ground_agreed`). Every evidence
    id is an event of this case.
    """
    found = evidence(proposed)
    ground = proposed.values.get("tenzij_ground")
    judgements = [f for f in found if f.type in MEDICAL_JUDGEMENTS]
    if ground == TenzijGround.NO_CAPACITY and not judgements:
        raise DomainError(
            "tenzij_ground no_capacity needs a probleemanalyse or actueel oordeel of this case "
            "in evidence_event_ids (Werkwijzer Poortwachter)",
            "evidence_event_ids",
        )
    if ground == TenzijGround.GBM:
        oldest = proposed.on - timedelta(days=GBM_FRESH_DAYS)
        if not any(oldest <= f.occurred_on <= proposed.on for f in judgements):
            raise DomainError(
                f"tenzij_ground gbm needs a probleemanalyse or actueel oordeel in "
                f"evidence_event_ids of at most {GBM_FRESH_DAYS} days before {proposed.on} "
                "(Werkwijzer Poortwachter)",
                "evidence_event_ids",
            )
    if ground == TenzijGround.AOW_WITHIN_YEAR:
        aow_within_a_year(proposed)


def aow_within_a_year(proposed: Proposed) -> None:
    """The AOW ground needs an AOW date the law has set, within a year after einde wachttijd
    (Werkwijzer Poortwachter; AOW ages: SVB)."""
    born = proposed.case.employee.get("date_of_birth")
    if not born:
        raise DomainError(
            "tenzij_ground aow_within_year needs the employee's date_of_birth on the case "
            "(Werkwijzer Poortwachter)",
            "tenzij_ground",
        )
    aow = aow_date(date.fromisoformat(born))
    if aow is None:
        raise DomainError(
            "tenzij_ground aow_within_year: the law has not yet set the AOW age of an "
            f"employee born on {born}",
            "tenzij_ground",
        )
    from domain.obligations import schedule  # the obligations read these steps' facts

    end = schedule(proposed.case.facts).einde_wachttijd
    if aow > end + timedelta(days=365):
        raise DomainError(
            f"tenzij_ground aow_within_year: the AOW date {aow} lies more than a year after "
            f"einde wachttijd ({end})",
            "tenzij_ground",
        )


def aow_ground_on_the_evaluation(proposed: Proposed) -> None:
    """The AOW ground needs the employee's agreement, which the eerstejaarsevaluatie records
    (``employee_agrees``); a bijstelling cannot carry it (Werkwijzer Poortwachter)."""
    if proposed.values.get("tenzij_ground") == TenzijGround.AOW_WITHIN_YEAR:
        raise DomainError(
            "tenzij_ground aow_within_year is recorded on the eerstejaarsevaluatie, with the "
            "employee's agreement (employee_agrees)",
            "tenzij_ground",
        )


def aow_ground_agreed(proposed: Proposed) -> None:
    """The AOW tenzij ground holds only with the employee's agreement (Werkwijzer Poortwachter)."""
    if (
        proposed.values.get("tenzij_ground") == TenzijGround.AOW_WITHIN_YEAR
        and proposed.values.get("employee_agrees") is not True
    ):
        raise DomainError(
            "tenzij_ground aow_within_year needs the employee's agreement "
            "(employee_agrees: true; Werkwijzer Poortwachter)",
            "employee_agrees",
        )


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
    if fact.data.get("employee_agrees") is True:
        outcome += "; de werknemer stemt hiermee in"
    return f"Eerstejaarsevaluatie gehouden {when}{timing}; {outcome}."


def _bijstelling(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    text = f"Plan van aanpak bijgesteld {when}{timing}. Reden: {shown['reason']}."
    if fact.data.get("follows_advice") is False:
        text += " De bijstelling wijkt beredeneerd af van het advies."
    if fact.data.get("tenzij_ground"):
        text += f" Tenzij-grond: {shown['tenzij_ground']}."
    return text


def _deskundigenoordeel(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    text = f"Deskundigenoordeel van UWV ontvangen {when}: {shown['outcome']}."
    if fact.data.get("advice"):
        text += f" Advies: {shown['advice']}."
    return text


MELDING_ARBODIENST = Step(
    name="melding_arbodienst",
    event="MeldingArbodienst",
    label="Melding bij de arbodienst",
    path="melding-arbodienst",
    doc="Report to the arbodienst or bedrijfsarts.",
    fields=(Text("arbodienst", "arbodienst"),),
    sentence=template("Ziekte gemeld bij arbodienst {arbodienst} {when}{timing}."),
    source="art. 7:658a BW; Regeling procesgang art. 2",
)


PROBLEEMANALYSE = Step(
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
    sentence=template("Probleemanalyse opgesteld door bedrijfsarts {bedrijfsarts} {when}{timing}."),
    source="Regeling procesgang art. 2 lid 2",
)


PLAN_VAN_AANPAK = Step(
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
)


BIJSTELLING = Step(
    name="bijstelling",
    event="Bijstelling",
    label="Bijstelling van het plan van aanpak",
    path="bijstelling",
    doc="An adjustment of the plan van aanpak.",
    fields=(
        free_text("reason", "reden"),
        free_text("changes", "wijzigingen"),
        Flag(
            "follows_advice",
            "volgt het advies",
            required=False,
            description="false: a reasoned deviation from the advice of the bedrijfsarts or "
            "arbeidsdeskundige; the reason says why.",
        ),
        Choice("tenzij_ground", "tenzij-grond", required=False, vocabulary=TenzijGround),
        EVIDENCE,
    ),
    rules=(tenzij_ground_grounded, aow_ground_on_the_evaluation),
    sentence=_bijstelling,
    source="Regeling procesgang art. 4 lid 4",
)


EVALUATIE = Step(
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
)


ARBEIDSDESKUNDIG_ONDERZOEK = Step(
    name="arbeidsdeskundig_onderzoek",
    event="ArbeidsdeskundigOnderzoek",
    label="Arbeidsdeskundig onderzoek",
    path="arbeidsdeskundig-onderzoek",
    doc="Advice of an arbeidsdeskundige.",
    fields=(Choice("advice", "advies", vocabulary=Advice),),
    sentence=template("Arbeidsdeskundig onderzoek {when}; advies: {advice}."),
    source="Werkwijzer Poortwachter",
)


ZIEKMELDING_UWV = Step(
    name="ziekmelding_uwv",
    event="ZiekmeldingUWV",
    label="42e-weeksmelding aan UWV",
    path="ziekmelding-uwv",
    doc="The 42nd-week report to UWV.",
    fields=(),
    sentence=template("42e-weeksmelding aan UWV gedaan {when}{timing}."),
    source="art. 38 ZW",
)


EERSTEJAARSEVALUATIE = Step(
    name="eerstejaarsevaluatie",
    event="Eerstejaarsevaluatie",
    label="Eerstejaarsevaluatie",
    path="eerstejaarsevaluatie",
    doc="The first-year evaluation.",
    fields=(
        free_text("conclusion", "conclusie"),
        Flag("spoor_2_needed", "spoor 2 nodig"),
        Choice("tenzij_ground", "tenzij-grond", required=False, vocabulary=TenzijGround),
        EVIDENCE,
        Flag(
            "employee_agrees",
            "werknemer stemt in",
            required=False,
            description="The employee agrees with the outcome (needed for aow_within_year).",
        ),
    ),
    rules=(tenzij_only_without_spoor_2, tenzij_ground_grounded, aow_ground_agreed),
    sentence=_eerstejaars,
    source="Regeling procesgang art. 6",
)


DESKUNDIGENOORDEEL_AANVRAAG = Step(
    name="deskundigenoordeel_aanvraag",
    event="DeskundigenoordeelAangevraagd",
    label="Aanvraag deskundigenoordeel",
    path="deskundigenoordeel-aanvraag",
    doc="A request to UWV for an expert opinion.",
    fields=(free_text("question", "vraag"),),
    sentence=template("Deskundigenoordeel aangevraagd bij UWV {when}."),
    source="art. 7:629a BW",
)


DESKUNDIGENOORDEEL = Step(
    name="deskundigenoordeel",
    event="Deskundigenoordeel",
    label="Deskundigenoordeel",
    path="deskundigenoordeel",
    doc="UWV's expert opinion.",
    fields=(
        free_text("outcome", "uitkomst"),
        Choice("advice", "advies", required=False, vocabulary=DeskundigenoordeelAdvice),
    ),
    sentence=_deskundigenoordeel,
    source="art. 7:629a BW",
)
