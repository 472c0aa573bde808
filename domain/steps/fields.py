"""The kinds of field a step carries, with the rules the law sets on their values.

A field knows its name, its Dutch label, whether it is required, its bounds,
and how its value reads in a Dutch sentence. The HTTP schemas derive types
and sizes from it (400 for what is no value at all); the rules here are the
law's (422): a percentage above 100, hours beyond a week, a word outside the
vocabulary. They run for a step and for a correctie of it alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.steps.vocabulary import Vocabulary

NO_MEDICAL = "Free text. No medical data: never a diagnosis, cause or treatment."


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    """How a Dutch reader names the field ("casemanager", "loonwaarde")."""
    required: bool = True
    """Required by law: a step without it is refused (422), and so is a correctie emptying it."""
    description: str = ""
    nullable: bool = False
    """A client may send null or blank: the step's own rule refuses it, naming its source."""
    personal: bool = False
    """The employee's personal data: hashed as a salted commitment, so it can be erased
    after the retention term while every hash stays valid (``domain.commitments``)."""

    def problem(self, value: Any) -> str | None:
        """Why the law refuses this value, or None."""
        return None

    def show(self, value: Any) -> str:
        """The value as it reads in a Dutch sentence."""
        return "(leeg)" if value is None or value == "" else str(value)


@dataclass(frozen=True)
class Text(Field):
    max_length: int = 200
    free: bool = False
    """Free text: no medical data may go in (AP beleidsregels), so it says so."""

    def problem(self, value: Any) -> str | None:
        if self.required and not self.nullable and not str(value or "").strip():
            return f"{self.name} may not be empty"
        return None


@dataclass(frozen=True)
class Texts(Field):
    """A list of free texts (agreements, participants): personal unless declared otherwise."""

    personal: bool = True
    max_items: int = 100
    max_length: int = 1000

    def show(self, value: Any) -> str:
        return "; ".join(value or []) or "(geen)"


@dataclass(frozen=True)
class Number(Field):
    minimum: float = 0
    maximum: float = 100
    unit: str = ""

    def problem(self, value: Any) -> str | None:
        if value is not None and not self.minimum <= value <= self.maximum:
            bounds = f"{_number(self.minimum)} and {_number(self.maximum)}"
            return f"{self.name} must lie between {bounds}"
        return None

    def show(self, value: Any) -> str:
        return "(leeg)" if value is None else f"{_number(value)}{self.unit}"


@dataclass(frozen=True)
class Whole(Number):
    """A whole number: weeks, a track."""

    source: str = ""
    choices: tuple[int, ...] = ()
    """When only some numbers are words of the law (spoor 1 or 2)."""

    def problem(self, value: Any) -> str | None:
        if self.choices and value is not None and value not in self.choices:
            return f"{self.name} must be one of {', '.join(map(str, self.choices))}"
        found = super().problem(value)
        if found and self.source:
            return f"{found} ({self.source})"
        return found


@dataclass(frozen=True)
class Flag(Field):
    def show(self, value: Any) -> str:
        return "(leeg)" if value is None else ("ja" if value else "nee")


@dataclass(frozen=True)
class Choice(Field):
    vocabulary: type[Vocabulary] = Vocabulary

    def problem(self, value: Any) -> str | None:
        if value is not None and value not in {m.value for m in self.vocabulary}:
            return f"{self.name} must be one of {', '.join(m.value for m in self.vocabulary)}"
        return None

    def show(self, value: Any) -> str:
        if value is None:
            return "(leeg)"
        found = next((m for m in self.vocabulary if m.value == value), None)
        return found.label if found else str(value)


@dataclass(frozen=True)
class Day(Field):
    """A legal date (ISO in events and API)."""


@dataclass(frozen=True)
class Person(Field):
    """The employee: a name, and optionally a personnel number and date of birth.

    Every part is personal, each committed on its own (``employee.name``).
    """

    personal: bool = True

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, dict) or not str(value.get("name") or "").strip():
            return f"{self.name} needs a name"
        return None

    def show(self, value: Any) -> str:
        return str((value or {}).get("name") or "(onbekend)")


@dataclass(frozen=True)
class EventRef(Field):
    """The id of an event of the same case."""


@dataclass(frozen=True)
class EventRefs(Field):
    """Ids of events of the same case: the evidence a step rests on."""

    max_items: int = 20

    def show(self, value: Any) -> str:
        return ", ".join(value or []) or "(geen)"


@dataclass(frozen=True)
class Values(Field):
    """Field values of another step, by name (a correctie's replacement)."""

    def show(self, value: Any) -> str:
        return ", ".join(sorted(value or {})) or "(geen)"


@dataclass(frozen=True)
class Group(Field):
    """A nested object of named parts, each a field kind with its own bounds (a plan)."""

    parts: tuple[Field, ...] = ()
    schema: str = ""
    """The name of its request schema (``TrajectPlan`` becomes ``TrajectPlanIn``)."""

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"{self.name} must be an object"
        unknown = sorted(set(value) - {part.name for part in self.parts})
        if unknown:
            return f"{self.name} has no field {', '.join(unknown)}"
        for part in self.parts:
            inner = value.get(part.name)
            if inner is None:
                if part.required and not part.nullable:
                    return f"{self.name}.{part.name} is required"
                continue
            found = part.problem(inner)
            if found:
                return f"{self.name}.{found}"
        return None

    def show(self, value: Any) -> str:
        if not isinstance(value, dict):
            return "(leeg)"
        return "; ".join(f"{part.label}: {part.show(value.get(part.name))}" for part in self.parts)


@dataclass(frozen=True)
class Internal(Field):
    """Set by the server, never by a client and never corrected (a document's hash)."""

    required: bool = False


def _number(value: float) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:g}".replace(".", ",")


def free_text(
    name: str, label: str, *, required: bool = True, description: str = "", personal: bool = True
) -> Text:
    """A free text field: up to 4000 characters, never medical data, personal by default
    (what is written about an employee is theirs)."""
    return Text(
        name,
        label,
        required=required,
        max_length=4000,
        free=True,
        personal=personal,
        description=f"{description} {NO_MEDICAL}".strip(),
    )


NOTE = free_text("note", "notitie", required=False)
"""The note every step may carry (``Step.note``)."""
