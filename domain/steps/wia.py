"""The end of the waiting period: the re-integratieverslag, the WIA aanvraag, UWV's verdict."""

from __future__ import annotations

from typing import Any

from domain.errors import DomainError
from domain.steps.fields import Choice, Day, Flag, Number, Texts, Whole, free_text
from domain.steps.step import Proposed, Step, as_date, not_before_first_sick_day, template
from domain.steps.vocabulary import WiaOutcome

WIA_THRESHOLD = 35
"""Below 35 % loss of earning capacity there is no WIA benefit (art. 5 WIA)."""
FULLY = 80
"""From 80 % the employee is fully arbeidsongeschikt (art. 4 WIA; IVA when lasting)."""


def opinion_or_declined(proposed: Proposed) -> None:
    """The eindevaluatie records the employee's opinion, or that the employee declined to give
    one: exactly one of them (Regeling procesgang art. 7)."""
    opinion = str(proposed.values.get("employee_opinion") or "").strip()
    declined = proposed.values.get("employee_declined") is True
    if not opinion and not declined:
        raise DomainError(
            "an eindevaluatie records the employee_opinion or employee_declined: true "
            "(Regeling procesgang art. 7)",
            "employee_opinion",
        )
    if opinion and declined:
        raise DomainError(
            "an employee who declined gives no employee_opinion: send one of them",
            "employee_declined",
        )


def copy_after_the_report(proposed: Proposed) -> None:
    """The employee gets a copy of the re-integratieverslag once it exists, and the date
    recorded is one that has passed (art. 65 WIA; Regeling procesgang art. 7)."""
    copied = as_date(proposed.values.get("copy_to_employee_on"))
    if copied is None:
        return
    if copied < proposed.on:
        raise DomainError(
            f"copy_to_employee_on {copied} lies before the report ({proposed.on})",
            "copy_to_employee_on",
        )
    if copied > proposed.today:
        raise DomainError(f"copy_to_employee_on {copied} lies in the future", "copy_to_employee_on")


def ends_on_when_granted(proposed: Proposed) -> None:
    """A granted bekorting names the day the loonsanctie ends; a refused one none
    (art. 25 lid 10 WIA)."""
    granted = proposed.values.get("granted") is True
    ends_on = as_date(proposed.values.get("ends_on"))
    if granted and ends_on is None:
        raise DomainError(
            "a granted bekorting names the day the loonsanctie ends (art. 25 lid 10 WIA)",
            "ends_on",
        )
    if not granted and ends_on is not None:
        raise DomainError("a refused bekorting ends no loonsanctie: drop ends_on", "ends_on")


def outcome_fits_percentage(proposed: Proposed) -> None:
    """The outcome follows from the percentage: under 35 % no benefit (art. 5 WIA); IVA only
    from 80 % and lasting (art. 4 and 47 WIA); WGA from 35 %, not when fully and lastingly
    arbeidsongeschikt (art. 54 WIA)."""
    outcome = proposed.values.get("outcome")
    percentage = proposed.values.get("percentage")
    lasting = proposed.values.get("lasting")
    if outcome == WiaOutcome.IVA and lasting is False:
        raise DomainError(
            "an IVA is only for lasting arbeidsongeschiktheid (art. 4 WIA)", "lasting"
        )
    if percentage is None:
        return
    if outcome == WiaOutcome.GEEN and percentage >= WIA_THRESHOLD:
        raise DomainError(
            f"from {WIA_THRESHOLD} % the outcome is WGA or IVA, not geen (art. 5 WIA)",
            "percentage",
        )
    if outcome == WiaOutcome.WGA and percentage < WIA_THRESHOLD:
        raise DomainError(f"a WGA needs at least {WIA_THRESHOLD} % (art. 5 WIA)", "percentage")
    if outcome == WiaOutcome.WGA and percentage >= FULLY and lasting is True:
        raise DomainError(
            f"{FULLY} % or more and lasting is an IVA, not a WGA (art. 4 en 47 WIA)", "outcome"
        )
    if outcome == WiaOutcome.IVA and percentage < FULLY:
        raise DomainError(f"an IVA needs at least {FULLY} % (art. 4 WIA)", "percentage")


def _eindevaluatie(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    if fact.data.get("employee_declined") is True:
        told = "de werknemer heeft afgezien van het geven van een mening"
    else:
        told = "de mening van de werknemer is vastgelegd"
    return f"Eindevaluatie gehouden {when}{timing}; {told}."


def _reintegratieverslag(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    what = (
        "Aanvulling op het re-integratieverslag"
        if fact.data.get("supplement")
        else ("Re-integratieverslag")
    )
    text = f"{what} opgesteld {when}{timing}."
    if fact.data.get("copy_to_employee_on"):
        text += f" Afschrift aan de werknemer gegeven op {shown['copy_to_employee_on']}."
    return text


def _bekortingsbesluit(
    fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]
) -> str:
    if fact.data.get("granted"):
        return (
            f"Bekortingsverzoek toegewezen door UWV (besluit {when}): de loonsanctie eindigt "
            f"op {shown['ends_on']}."
        )
    return f"Bekortingsverzoek afgewezen door UWV (besluit {when}): de loonsanctie loopt door."


def _wia_besluit(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
    parts = [shown["outcome"]]
    if fact.data.get("percentage") is not None:
        parts.append(f"{shown['percentage']} arbeidsongeschikt")
    if fact.data.get("lasting") is not None:
        parts.append("duurzaam" if fact.data["lasting"] else "niet duurzaam")
    return f"WIA-besluit van UWV: {', '.join(parts)}, ingaand op {shown['from']} (besluit {when})."


ACTUEEL_OORDEEL = Step(
    name="actueel_oordeel",
    event="ActueelOordeel",
    label="Actueel oordeel van de bedrijfsarts",
    path="actueel-oordeel",
    doc="The bedrijfsarts' current judgement for the re-integratieverslag.",
    fields=(),
    sentence=template("Actueel oordeel van de bedrijfsarts opgesteld {when}{timing}."),
    source="Regeling procesgang art. 7",
)


EINDEVALUATIE = Step(
    name="eindevaluatie",
    event="Eindevaluatie",
    label="Eindevaluatie",
    path="eindevaluatie",
    doc="The final evaluation with the employee's opinion.",
    fields=(
        free_text("employee_opinion", "mening van de werknemer", required=False),
        Flag(
            "employee_declined",
            "werknemer ziet af van een mening",
            required=False,
            description="true: the employee declined to give an opinion (then no "
            "employee_opinion).",
        ),
    ),
    rules=(opinion_or_declined,),
    sentence=_eindevaluatie,
    source="Regeling procesgang art. 7",
)


REINTEGRATIEVERSLAG = Step(
    name="reintegratieverslag",
    event="Reintegratieverslag",
    label="Re-integratieverslag",
    path="reintegratieverslag",
    doc="The re-integratieverslag for the WIA application.",
    fields=(
        Day(
            "copy_to_employee_on",
            "afschrift aan de werknemer",
            description="The day the employee received a copy (Regeling procesgang art. 7).",
        ),
        Flag("supplement", "aanvulling", required=False),
    ),
    rules=(copy_after_the_report,),
    sentence=_reintegratieverslag,
    source="art. 65 WIA",
)


WIA_AANVRAAG = Step(
    name="wia_aanvraag",
    event="WiaAanvraag",
    label="WIA-aanvraag",
    path="wia-aanvraag",
    doc="The employee's WIA application.",
    fields=(),
    sentence=template("WIA-aanvraag ingediend {when}{timing}."),
    source="art. 64 WIA",
)


VERLENGING_LOONDOORBETALING = Step(
    name="verlenging_loondoorbetaling",
    event="VerlengingLoondoorbetaling",
    label="Verlenging loondoorbetaling",
    path="verlenging-loondoorbetaling",
    doc="A voluntary extension of the waiting period.",
    fields=(
        Whole(
            "weeks",
            "weken",
            minimum=13,
            maximum=260,
            source="art. 24 WIA",
            description="At least 13 weeks (art. 24 WIA); UWV sets no maximum, 260 is an "
            "input bound.",
        ),
    ),
    sentence=template(
        "Loondoorbetaling vrijwillig verlengd met {weeks} weken (art. 24 WIA), vastgelegd {when}."
    ),
    source="art. 24 WIA",
)


LOONSANCTIE = Step(
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
        "Loonsanctie opgelegd door UWV van {weeks} weken (art. 25 lid 9 WIA), vastgelegd {when}."
    ),
    source="art. 25 lid 9 WIA",
)


BEKORTINGSVERZOEK = Step(
    name="bekortingsverzoek",
    event="Bekortingsverzoek",
    label="Bekortingsverzoek",
    path="bekortingsverzoek",
    doc="A request to shorten the loonsanctie.",
    fields=(),
    sentence=template("Bekortingsverzoek ingediend bij UWV {when}."),
    source="art. 25 lid 9 WIA",
)


BEKORTINGSBESLUIT = Step(
    name="bekortingsbesluit",
    event="Bekortingsbesluit",
    label="Bekortingsbesluit",
    path="bekortingsbesluit",
    doc="UWV's decision on a request to shorten the loonsanctie.",
    fields=(
        Flag("granted", "toegewezen"),
        Day("ends_on", "einde loonsanctie", required=False),
    ),
    rules=(ends_on_when_granted, not_before_first_sick_day("ends_on")),
    sentence=_bekortingsbesluit,
    source="art. 25 lid 10 WIA",
)


LOONSANCTIE_EINDE = Step(
    name="loonsanctie_einde",
    event="LoonsanctieEinde",
    label="Einde loonsanctie",
    path="loonsanctie-einde",
    doc="The day the loonsanctie ends.",
    fields=(Day("ends_on", "einde loonsanctie"),),
    rules=(not_before_first_sick_day("ends_on"),),
    sentence=template(
        "Einde van de loonsanctie vastgelegd {when}: de loonsanctie eindigt op {ends_on}."
    ),
    source="art. 25 lid 9 WIA",
)


WIA_BESLUIT = Step(
    name="wia_besluit",
    event="WiaBesluit",
    label="WIA-besluit",
    path="wia-besluit",
    doc="UWV's decision on the WIA application.",
    fields=(
        Choice("outcome", "uitkomst", vocabulary=WiaOutcome),
        Number("percentage", "arbeidsongeschiktheid", required=False, unit=" %"),
        Flag("lasting", "duurzaam", required=False),
        Day("from", "ingangsdatum"),
    ),
    rules=(outcome_fits_percentage, not_before_first_sick_day("from")),
    sentence=_wia_besluit,
    source="art. 4, 5, 47 en 54 WIA",
)
