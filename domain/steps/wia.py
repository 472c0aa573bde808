"""The end of the waiting period: the re-integratieverslag, the WIA aanvraag, UWV's verdict."""

from __future__ import annotations

from domain.steps.fields import Texts, Whole, free_text
from domain.steps.step import Step, template

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
    fields=(free_text("employee_opinion", "mening van de werknemer"),),
    sentence=template(
        "Eindevaluatie gehouden {when}{timing}; de mening van de werknemer is vastgelegd."
    ),
    source="Regeling procesgang art. 7",
)


REINTEGRATIEVERSLAG = Step(
    name="reintegratieverslag",
    event="Reintegratieverslag",
    label="Re-integratieverslag",
    path="reintegratieverslag",
    doc="The re-integratieverslag for the WIA application.",
    fields=(),
    sentence=template("Re-integratieverslag opgesteld {when}{timing}."),
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
    fields=(Whole("weeks", "weken", minimum=1, maximum=52, source="art. 24 WIA"),),
    sentence=template(
        "Loondoorbetaling vrijwillig verlengd van {weeks} weken (art. 24 WIA), vastgelegd {when}."
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
