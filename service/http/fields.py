"""The field kinds of the API's schemas: strict types and sane bounds.

JSON's loose spots are closed here: ``"5"`` is no number, ``"yes"`` no
boolean, a number beyond a million or a date outside 1900 to 2199 is a typing
error (400) before any rule of the law (422) looks at it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from domain.steps.fields import NO_MEDICAL


class Strict(Schema):
    class Meta:
        unknown = RAISE
        ordered = True


class StrictBool(fields.Boolean):
    """Only JSON true/false."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


SANE = validate.Range(min=-1_000_000, max=1_000_000)
"""Bounds no number of the API comes near: the rules of the law (422) apply within them."""
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
"""Legal dates outside these are typing errors; date arithmetic near year 1 or 9999 overflows."""
MAX_ITEMS = 100
"""No list in a request needs more (agreements, participants, reasons)."""


class StrictNumber(fields.Float):
    """Only JSON numbers, not strings or booleans, within sane bounds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", SANE)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError("Not a valid number.")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictInt(fields.Integer):
    """Only JSON integers, within sane bounds unless the field states its own."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", SANE)
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("Not a valid integer.")
        return super()._deserialize(value, attr, data, **kwargs)


class LegalDate(fields.Date):
    """An ISO date between 1900 and 2199."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=EARLIEST, max=LATEST))
        super().__init__(**kwargs)


class Instant(fields.AwareDateTime):
    """An RFC 3339 instant with its offset, between 1900 and 2199."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validate",
            validate.Range(
                min=datetime(EARLIEST.year, 1, 1, tzinfo=UTC),
                max=datetime(LATEST.year, 12, 31, 23, 59, 59, tzinfo=UTC),
            ),
        )
        super().__init__(default_timezone=None, **kwargs)


def text(max_length: int = 200, *, required: bool = True, description: str = "") -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=max_length),
        metadata={"description": description} if description else {},
    )


def free_text(required: bool = False) -> fields.String:
    return text(4000, required=required, description=NO_MEDICAL)


def one_of(*choices: str, required: bool = True) -> fields.String:
    return fields.String(required=required, validate=validate.OneOf(choices))


class Day(fields.Date):
    """A date in an answer: a date, or the ISO date a read model stored, dumped as ISO."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, str):
            return date.fromisoformat(value).isoformat()
        return super()._serialize(value, attr, obj, **kwargs)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The shape of a cursor-paginated list of ``item``."""
    return Strict.from_dict(
        {
            "items": fields.List(fields.Nested(item)),
            "next": fields.String(
                allow_none=True,
                metadata={"description": "The cursor of the next page (?after=); null at the end."},
            ),
        },
        name=name,
    )
