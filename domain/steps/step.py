"""What a step is: one declaration from which its event, schema, checks and sentence derive."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from domain.errors import DomainError
from domain.hashchain import canonical_value
from domain.steps.fields import Field, Internal


@dataclass(frozen=True)
class Proposed:
    """A step's values as they would stand: for a new step, or for a corrected one."""

    case: Any
    """The case before the step (or, for a correctie, as it stands)."""
    values: dict[str, Any]
    on: date
    today: date
    correcting: bool = False
    facts: list[Any] = field(default_factory=list)
    """For a correctie: the case's facts as they would stand after it."""


Rule = Callable[[Proposed], None]
"""A rule of the law on a step's values in the light of the case; raises DomainError."""

Sentence = Callable[[Any, dict[str, str], str, str, list[Any]], str]
"""(fact, shown values, when, timing, facts) → the audit trail's Dutch sentence."""


@dataclass(frozen=True)
class Step:
    """One Poortwachter step, declared once.

    ``name`` is the type every event and API answer carries; ``event`` the
    event class's name, which is its stored topic and must never change;
    ``path`` the API path (None: not a command of its own).
    """

    name: str
    event: str
    label: str
    path: str | None
    fields: tuple[Field, ...]
    sentence: Sentence
    source: str
    rules: tuple[Rule, ...] = ()
    doc: str = ""
    note: bool = True
    """Whether the step carries the common free-text ``note``."""

    @property
    def client_fields(self) -> tuple[Field, ...]:
        """What a client sends (and may correct): everything but the server's own fields."""
        return tuple(f for f in self.fields if not isinstance(f, Internal))

    @property
    def field_names(self) -> tuple[str, ...]:
        names = tuple(f.name for f in self.client_fields)
        return (*names, "note") if self.note else names

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def check(self, proposed: Proposed) -> None:
        """Every rule of this step: required fields, each field's law, the step's own rules."""
        for declared in self.fields:
            value = proposed.values.get(declared.name)
            if value is None:
                if (
                    declared.required
                    and not declared.nullable
                    and not isinstance(declared, Internal)
                ):
                    raise DomainError(f"{declared.name} is required", declared.name)
                continue
            found = declared.problem(value)
            if found:
                raise DomainError(found, declared.name)
        unknown = sorted(set(proposed.values) - {f.name for f in self.fields} - {"note"})
        if unknown:
            raise DomainError(f"a {self.name} has no field {', '.join(unknown)}", unknown[0])
        for rule in self.rules:
            rule(proposed)

    def data(self, values: dict[str, Any]) -> dict[str, Any]:
        """The event's data in canonical form; absent optional fields are left out."""
        return {
            name: canonical_value(value.value if isinstance(value, Enum) else value)
            for name, value in values.items()
            if value is not None
        }

    def show(self, data: dict[str, Any]) -> dict[str, str]:
        """Every field's value as it reads in Dutch, for sentences."""
        return {f.name: f.show(data.get(f.name)) for f in self.fields}


def template(text: str) -> Sentence:
    """A sentence from the shown field values, ``{when}`` and ``{timing}``."""

    def sentence(fact: Any, shown: dict[str, str], when: str, timing: str, _: list[Any]) -> str:
        return text.format(**shown, when=when, timing=timing)

    return sentence


def as_date(value: Any) -> date | None:
    """A date field's value, whether it comes from a request (a date) or an event (ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def facts_known(proposed: Proposed) -> list[Any]:
    """The case's facts the step is judged on: as they would stand, for a correctie."""
    return proposed.facts if proposed.correcting and proposed.facts else proposed.case.facts


def evidence(proposed: Proposed) -> list[Any]:
    """The facts named in ``evidence_event_ids``; any id not of this case is refused."""
    by_id = {fact.event_id: fact for fact in facts_known(proposed)}
    found = []
    for event_id in proposed.values.get("evidence_event_ids") or []:
        fact = by_id.get(str(event_id))
        if fact is None:
            raise DomainError(
                f"evidence_event_ids: {event_id} is not an event of this case",
                "evidence_event_ids",
            )
        found.append(fact)
    return found


def evidence_of_this_case(proposed: Proposed) -> None:
    """Evidence a step rests on is part of the same file (Werkwijzer Poortwachter: dossier)."""
    evidence(proposed)


def not_before_first_sick_day(*names: str) -> Rule:
    """A rule: these dates lie on or after the first sick day (art. 7:629 BW: the sickness)."""

    def rule(proposed: Proposed) -> None:
        first = proposed.case.first_sick_day
        for name in names:
            value = as_date(proposed.values.get(name))
            if value is not None and value < first:
                raise DomainError(f"{name} {value} lies before the first sick day {first}", name)

    rule.__name__ = f"{'_'.join(names)}_not_before_first_sick_day"
    rule.__doc__ = f"{', '.join(names)} on or after the first sick day (art. 7:629 BW)."
    return rule
