"""Reading the tenant's feed as the proofs hash it: every event as its feed line.

Personal values are stored encrypted under their case's key
(``service.persistence.personal_data``), looked up on every read. A Merkle
leaf covers only the commitments, so the log reads the feed *sealed* — as if
every key were gone, which changes no hash — and needs no key at all; a case
proof reads its one case's key once, not once per event.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from service.application.tenant_application import TenantApplication
from service.proof.feed_line import feed_line

PAGE = 500


class Sealed:
    """No case's key: personal values read as erased (their commitments shown)."""

    def key(self, case_id: UUID | str, *, create: bool = False) -> bytes | None:
        return None


class ReadOnce:
    """Each case's key read once for the whole of one answer."""

    def __init__(self, keys: Any) -> None:
        self.keys = keys
        self.found: dict[str, bytes | None] = {}

    def key(self, case_id: UUID | str, *, create: bool = False) -> bytes | None:
        if str(case_id) not in self.found:
            self.found[str(case_id)] = self.keys.key(case_id)
        return self.found[str(case_id)]


def mapper(app: TenantApplication, *, sealed: bool = False) -> Any:
    """The application's mapper, reading keys sealed or once per case."""
    keys = getattr(app.mapper, "keys", None)
    if keys is None:
        return app.mapper
    reading = copy.copy(app.mapper)
    reading.keys = Sealed() if sealed else ReadOnce(keys)
    return reading


def feed_lines(
    app: TenantApplication, after: int = 0, until: int | None = None, *, sealed: bool = False
) -> Iterator[Any]:
    """Every event after ``after`` (up to ``until``) as the feed shows it, in order.

    A record that no longer decodes is still a line — with its position and
    the error — so an export of a damaged store shows the damage.
    """
    decode = mapper(app, sealed=sealed).to_domain_event
    while True:
        page = app.recorder.select_notifications(after, PAGE, stop=until, inclusive_of_start=False)
        for notification in page:
            try:
                line = feed_line(decode(notification), notification.id)
            except Exception as error:
                line = {"position": notification.id, "error": type(error).__name__}
            yield line
        if len(page) < PAGE:
            return
        after = page[-1].id
