"""Personal values enter every hash as salted commitments, so they can be erased later.

An employee's name, personnel number and date of birth, and every free text,
are hashed as ``SHA-256(salt || canonical value)`` with a random 32-byte salt
of their own, never as themselves. The event keeps the commitments in its
``data`` (what its hash covers) and the values with their salts apart, in
``personal``. Making salt and value unreadable later (the retention term)
changes no hash: what was hashed is still there.

Which values are personal is declared once, on the step's fields
(``Field.personal``); a line names them by path (``employee.name``,
``plan.goal``, ``replacement.note``). :func:`hashed_form` turns any line a
client, the feed or an export shows into the exact record that was hashed.
The README's hash chain section says the same for an auditor.
"""

from __future__ import annotations

import copy
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from domain.hashchain import canonical_bytes
from domain.steps.fields import NOTE, Field, Group, Person, Texts
from domain.steps.step import Step

SALT_BYTES = 32
ERASED = "[gewist na bewaartermijn]"
"""What an erased personal value reads as, wherever it is shown."""


def commitment(salt: str, value: Any) -> str:
    """Lowercase hex SHA-256 of the salt's 32 bytes followed by the value's canonical JSON."""
    if not isinstance(salt, str):
        raise ValueError("a salt is hex text")
    salt_bytes = bytes.fromhex(salt)
    if len(salt_bytes) != SALT_BYTES:
        raise ValueError(f"a salt is {SALT_BYTES} bytes, not {len(salt_bytes)}")
    return hashlib.sha256(salt_bytes + canonical_bytes(value)).hexdigest()


def personal_paths(step: Step, data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The paths of the personal values present in a step's data, as declared.

    A person's parts are committed one by one (``employee.name``); a group's
    parts by their own declarations (``plan.goal``); the common note always.
    """
    declared: tuple[Field, ...] = (*step.fields, NOTE) if step.note else step.fields
    return _paths(declared, data, prefix)


def declared_at(step: Step, path: str) -> Field | None:
    """The declared field at a path of the step's data (None for a person's part)."""
    fields: tuple[Field, ...] = (*step.fields, NOTE) if step.note else step.fields
    *outer, last = path.split(".")
    for key in outer:
        group = next((f for f in fields if f.name == key), None)
        if not isinstance(group, Group):
            return None
        fields = group.parts
    return next((f for f in fields if f.name == last), None)


def erased_value(field: Field | None) -> Any:
    """What an erased value reads as: the marker, in a list where a list was."""
    return [ERASED] if isinstance(field, Texts) else ERASED


def erased(step: Step, data: Mapping[str, Any]) -> dict[str, Any]:
    """The step's data with every declared personal value replaced by the erased marker
    (a new dict; the given one is left alone)."""
    found = copy.deepcopy(dict(data))
    for path in personal_paths(step, data):
        _put(found, path, erased_value(declared_at(step, path)))
    return found


def readable(value: Any) -> Any:
    """The value, or None once erased: for code that reads a value, not shows it."""
    return None if value == ERASED or value == [ERASED] else value


def _paths(declared: Iterable[Field], data: Mapping[str, Any], prefix: str) -> list[str]:
    found: list[str] = []
    for field in declared:
        value = data.get(field.name)
        if value is None:
            continue
        path = f"{prefix}{field.name}"
        if isinstance(field, Person) and isinstance(value, Mapping):
            found += [f"{path}.{part}" for part in sorted(value) if value[part] is not None]
        elif isinstance(field, Group) and isinstance(value, Mapping):
            found += _paths(field.parts, value, f"{path}.")
        elif field.personal:
            found.append(path)
    return found


def seal(
    data: Mapping[str, Any], paths: Iterable[str]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The data with a commitment at each path, and each path's salt and value apart."""
    hashed = copy.deepcopy(dict(data))
    personal: dict[str, dict[str, Any]] = {}
    for path in paths:
        value = _at(data, path)
        salt = secrets.token_hex(SALT_BYTES)
        _put(hashed, path, commitment(salt, value))
        personal[path] = {"salt": salt, "value": value}
    return hashed, personal


def disclosed(
    data: Mapping[str, Any], personal: Mapping[str, Any] | None, step: Step | None = None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """What a line shows of sealed data: the values (or the erased marker), their
    salts, and the commitments of values no longer readable.

    ``personal`` maps each committed path to ``{"salt", "value"}``, or to None
    once erased; ``data`` holds the commitments (the hashed data). ``step``, when
    known, keeps an erased list a list.
    """
    if not personal:
        return dict(data), {}, {}
    shown = copy.deepcopy(dict(data))
    salts: dict[str, str] = {}
    erased: dict[str, str] = {}
    for path, opened in personal.items():
        if opened is None:
            erased[path] = str(_at(data, path))
            _put(shown, path, erased_value(declared_at(step, path) if step else None))
        else:
            salts[path] = str(opened["salt"])
            _put(shown, path, opened["value"])
    return shown, salts, erased


def hashed_form(line: Mapping[str, Any]) -> dict[str, Any]:
    """The line as its hashes cover it: each personal value replaced by its commitment.

    ``salts`` (path → salt hex) commits the value the line shows at that path;
    ``commitments`` (path → commitment hex) stands for a value no longer shown.
    Both go; ``committed`` lists every committed path, sorted. A line with
    neither (every event recorded before commitments) is its own hashed form.

    Total, so every chain, leaf and verifier can call it on any line: one whose
    salts or commitments do not fit its data (a path it lacks, a salt that is
    no salt) keeps them, and so matches no hash an honest line ever had.
    """
    salts = line.get("salts") or {}
    given = line.get("commitments") or {}
    if not salts and not given:
        return {key: value for key, value in line.items() if key not in ("salts", "commitments")}
    try:
        return _committed(line, salts, given)
    except (ValueError, TypeError, KeyError, AttributeError):
        return dict(line)


def _committed(line: Mapping[str, Any], salts: Any, given: Any) -> dict[str, Any]:
    if set(salts) & set(given):
        raise ValueError("a path with a salt and a commitment both")
    data = copy.deepcopy(line["data"])
    for path, salt in salts.items():
        _put(data, path, commitment(salt, _at(data, path)))
    for path, stated in given.items():
        _at(data, path)  # the path must be one of the data's
        if not isinstance(stated, str):
            raise ValueError(f"{path}: a commitment is hex text")
        _put(data, path, stated)
    form = {key: value for key, value in line.items() if key not in ("salts", "commitments")}
    form["data"] = data
    form["committed"] = sorted([*salts, *given])
    return form


def _at(data: Mapping[str, Any], path: str) -> Any:
    inner: Any = data
    for key in path.split("."):
        if not isinstance(inner, Mapping) or key not in inner:
            raise ValueError(f"{path} is not a value of the data")
        inner = inner[key]
    return inner


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *outer, last = path.split(".")
    inner = data
    for key in outer:
        inner = inner[key]
    inner[last] = value
