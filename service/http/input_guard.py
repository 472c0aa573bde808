"""What the API accepts as input at all, before any schema looks at it.

Everything a client sends ends up in an event that is hashed, signed and kept
for years, and in read models on PostgreSQL, whose text columns cannot hold a
NUL. So input that cannot be stored and verified faithfully is refused at the
door with a 400 naming the field: a NUL or a lone surrogate in any string,
JSON nested deeper than any request needs, numbers of absurd length, NaN or
Infinity, and an object that names a key twice (which of the two would count
is up to the parser, so neither does).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any

MAX_DEPTH = 16
"""No request body of the API nests deeper than a handful of levels."""
MAX_NUMBER_CHARS = 32
"""A number longer than this is no hours, weeks or percentage anyone meant."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnacceptableInput(ValueError):
    """Input that cannot be stored faithfully; ``field`` names where, as a path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "Must not contain a NUL character."
    return "Must be valid Unicode text (no lone surrogate)."


def check_texts(pairs: Iterable[tuple[str, str]]) -> None:
    """Refuse the first named text that cannot be stored (query parameters, form fields)."""
    for name, value in pairs:
        for text, where in ((name, "(parameter name)"), (value, name)):
            problem = text_problem(text)
            if problem:
                raise UnacceptableInput(where, problem)


def loads(document: str | bytes) -> Any:
    """Parse a JSON request body the API can store, or raise UnacceptableInput / ValueError."""
    if isinstance(document, bytes):
        document = document.decode("utf-8")
    try:
        value = json.loads(
            document,
            object_pairs_hook=_object,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except RecursionError:
        raise UnacceptableInput("(body)", f"Nested more than {MAX_DEPTH} levels deep.") from None
    _check(value)
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise UnacceptableInput(_safe(key), "This key appears more than once.")
        result[key] = value
    return result


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnacceptableInput("(number)", f"A number of more than {MAX_NUMBER_CHARS} characters.")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise UnacceptableInput("(number)", f"A number of more than {MAX_NUMBER_CHARS} characters.")
    value = float(text)
    if not math.isfinite(value):
        raise UnacceptableInput("(number)", "A number out of range.")
    return value


def _constant(text: str) -> float:
    raise UnacceptableInput("(number)", f"{text} is not a JSON number.")


def _safe(key: str) -> str:
    """A key fit to be echoed in a problem (its unstorable characters escaped)."""
    return key.encode("unicode_escape", "backslashreplace").decode("ascii")[:100]


def _check(value: Any) -> None:
    """Walk the parsed body without recursion: depth, and every key and string storable."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem:
                raise UnacceptableInput(path or "(body)", problem)
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth >= MAX_DEPTH:
            raise UnacceptableInput(path or "(body)", f"Nested more than {MAX_DEPTH} levels deep.")
        if isinstance(item, dict):
            for key, child in item.items():
                problem = text_problem(key)
                if problem:
                    raise UnacceptableInput(_safe(key), problem)
                stack.append((child, f"{path}.{key}" if path else key, depth + 1))
        else:
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))
