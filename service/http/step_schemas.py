"""The request schemas of the case commands, derived from the step declarations.

Each field kind of ``domain.steps.fields`` becomes a marshmallow field with
its type and sizes: what is no value at all is refused here (400); what the
law refuses is the domain's to say (422). The OpenAPI document is generated
from these schemas, so it follows every declaration.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from domain.steps import fields as kinds
from domain.steps.catalogue import COMMANDS, ZIEKMELDING
from domain.steps.fields import NO_MEDICAL
from domain.steps.step import Step
from service.http.fields import (
    MAX_ITEMS,
    LegalDate,
    Strict,
    StrictBool,
    StrictInt,
    StrictNumber,
    free_text,
    text,
)


class EmployeeIn(Strict):
    name = text()
    personnel_number = text(50, required=False)
    date_of_birth = LegalDate()


class StepIn(Strict):
    """What every case command carries: the legal date it happened, and a note."""

    occurred_on = LegalDate(required=True)
    note = free_text()


def field_for(declared: kinds.Field) -> fields.Field:
    """The marshmallow field of a declared step field."""
    required = declared.required and not declared.nullable
    common: dict[str, Any] = {"required": required}
    if not required:
        common["load_default"] = None
        common["allow_none"] = True
    if declared.description:
        common["metadata"] = {"description": declared.description}
    if isinstance(declared, kinds.Text):
        limit = validate.Length(min=0 if declared.nullable else 1, max=declared.max_length)
        if declared.free and "metadata" not in common:
            common["metadata"] = {"description": NO_MEDICAL}
        return fields.String(validate=limit, **common)
    if isinstance(declared, kinds.Texts):
        return fields.List(
            text(declared.max_length, description=NO_MEDICAL),
            validate=validate.Length(max=min(declared.max_items, MAX_ITEMS)),
            **common,
        )
    if isinstance(declared, kinds.Whole):
        if declared.choices:
            return StrictInt(validate=validate.OneOf(declared.choices), **common)
        return StrictInt(**common)
    if isinstance(declared, kinds.Number):
        return StrictNumber(**common)
    if isinstance(declared, kinds.Flag):
        return StrictBool(**common)
    if isinstance(declared, kinds.Choice):
        values = [member.value for member in declared.vocabulary]
        return fields.String(validate=validate.OneOf(values), **common)
    if isinstance(declared, kinds.Day):
        return LegalDate(**common)
    if isinstance(declared, kinds.Person):
        return fields.Nested(EmployeeIn, **common)
    if isinstance(declared, kinds.EventRef):
        return fields.UUID(**common)
    if isinstance(declared, kinds.EventRefs):
        return fields.List(
            _EventId(),
            validate=validate.Length(max=min(declared.max_items, MAX_ITEMS)),
            **common,
        )
    if isinstance(declared, kinds.Group):
        # The description goes with the nested schema: beside a $ref it would become allOf.
        common.pop("metadata", None)
        return fields.Nested(_group_schema(declared), **common)
    if isinstance(declared, kinds.Values):
        common["metadata"] = {**common.get("metadata", {}), "maxProperties": MAX_ITEMS}
        return fields.Dict(keys=fields.String(), validate=_at_most_items, **common)
    raise TypeError(f"no schema for a {type(declared).__name__} field")


@cache
def _group_schema(declared: kinds.Group) -> type[Schema]:
    """A nested object's schema (strict: no other properties), one class per group."""
    parts = {part.name: field_for(part) for part in declared.parts}
    name = f"{declared.schema or declared.name.capitalize()}In"
    schema = Strict.from_dict(parts, name=name)
    schema.__doc__ = declared.description or declared.label
    return schema


class _EventId(fields.UUID):
    """An event id, handed to the domain as its text (events hold JSON values)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs))


def _at_most_items(value: dict[str, Any]) -> None:
    if len(value) > MAX_ITEMS:
        raise ValidationError(f"At most {MAX_ITEMS} fields.")


def schema_for(step: Step, base: type[Schema] = StepIn) -> type[Schema]:
    """The request schema of ``step``: the shared ``occurred_on`` and ``note``, and its fields."""
    declared = {f.name: field_for(f) for f in step.client_fields}
    name = "".join(part.capitalize() for part in (step.path or step.name).split("-")) + "In"
    schema = base.from_dict(declared, name=name)
    schema.__doc__ = step.doc
    return schema


STEP_SCHEMAS: dict[str, type[Schema]] = {
    path: schema_for(step) for path, step in COMMANDS.items() if path != "document"
}
"""Every JSON case command, by its path; ``document`` is multipart and separate."""

DocumentIn = schema_for(COMMANDS["document"])


class _Opening(Strict):
    """The ziekmelding. Only what the AP allows at a sick report (AP beleidsregels)."""

    employer_id = fields.UUID(required=True)
    note = free_text()


CaseOpenIn = schema_for(ZIEKMELDING, base=_Opening)
CaseOpenIn.__name__ = "CaseOpenIn"


def replacement_schema(step: Step) -> Schema:
    """How a correctie's replacement values are checked first: as the step's own fields."""
    if step is ZIEKMELDING:
        return CaseOpenIn(partial=True, exclude=("employer_id",))
    return schema_for(step)(partial=True)
