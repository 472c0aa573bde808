"""Records about the file rather than steps of the law: notes, documents, corrections."""

from __future__ import annotations

from typing import Any

from domain.steps.fields import Choice, EventRef, Internal, Text, Values, free_text
from domain.steps.step import Step, template
from domain.steps.vocabulary import NotitieKind


def _correctie(fact: Any, shown: dict[str, str], when: str, timing: str, facts: list[Any]) -> str:
    target = next((f for f in facts if f.event_id == fact.data.get("event_id")), None)
    if target is None:
        return f"Correctie van een gebeurtenis {when}. Reden: {fact.data.get('reason')}."
    from domain.steps.catalogue import step_of  # the catalogue imports this module

    step = step_of(target)
    correction = next((c for c in target.corrections if c.event_id == fact.event_id), None)
    changes = correction.changes if correction else {}
    told = "; ".join(
        f"{field_label(step, name)} van {field_shown(step, name, change['from'])} "
        f"naar {field_shown(step, name, change['to'])}"
        for name, change in changes.items()
    )
    told = told[:1].upper() + told[1:] if told else "Geen velden gewijzigd"
    return (
        f"Correctie van {step.label} (versie {target.version}) {when}. Reden: "
        f"{fact.data.get('reason')}. {told}; de oorspronkelijke vastlegging blijft bewaard."
    )


def field_label(step: Step, name: str) -> str:
    """A field's Dutch label as a correction names it (the date is "datum")."""
    if name == "occurred_on":
        return "datum"
    declared = step.field(name)
    return declared.label if declared else name


def field_shown(step: Step, name: str, value: Any) -> str:
    """A value as the field declares it is shown (vocabulary labels, Dutch dates)."""
    declared = step.field(name)
    if declared is None:
        return "(leeg)" if value is None else str(value)
    return declared.show(value)


NOTITIE = Step(
    name="notitie",
    event="Notitie",
    label="Notitie",
    path="notitie",
    doc="A contact or conversation note; no medical data.",
    fields=(Choice("kind", "soort", vocabulary=NotitieKind), free_text("text", "tekst")),
    sentence=template("Notitie ({kind}) {when}."),
    source="AP beleidsregels De zieke werknemer",
)


DOCUMENT = Step(
    name="document",
    event="Document",
    label="Document",
    path="document",
    doc="A document added to the file; its SHA-256 makes it part of the proof.",
    fields=(
        Text("title", "titel", personal=True),  # a title may name the employee
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
