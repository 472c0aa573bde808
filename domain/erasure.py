"""What a case reads as once its personal data is erased: the marker, everywhere.

When a case records its erasure (the retention term ended), every personal
value of its facts — and the corrections that changed one — reads
"[gewist na bewaartermijn]". The file, the trail, documents and read models
all read facts, so they follow; and because a case applies its erasure like
any other event, a case cached in any process follows as soon as it catches
up. Which values are personal is the declarations' to say (``Field.personal``).
Making the stored values unreadable is the store's part: it destroys the
case's key (``service.persistence.personal_data``); the hashes stay.
"""

from __future__ import annotations

from dataclasses import replace

from domain.commitments import ERASED, erased
from domain.facts import Correction, Fact
from domain.steps.catalogue import CORRECTIE, step_of
from domain.steps.step import Step


def erase_personal_values(facts: list[Fact]) -> None:
    """Replace every personal value of the facts by the erased marker (in new dicts: a
    copied case shares its facts' data with the cached one)."""
    by_id = {fact.event_id: fact for fact in facts}
    for fact in facts:
        step = step_of(fact)
        data = erased(step, fact.data)
        target = by_id.get(str(fact.data.get("event_id"))) if step is CORRECTIE else None
        if target is not None and isinstance(data.get("replacement"), dict):
            data["replacement"] = erased(step_of(target), data["replacement"])
        fact.data = data
        fact.corrections = [_erased_correction(step, c) for c in fact.corrections]


def _erased_correction(step: Step, correction: Correction) -> Correction:
    """What a correctie changed on this fact: its reason, and both sides of every change."""
    changes = {
        name: change
        if name == "occurred_on"
        else {side: erased(step, {name: value})[name] for side, value in change.items()}
        for name, change in correction.changes.items()
    }
    return replace(correction, reason=ERASED, changes=changes)
