"""Reading the tenant's feed as the proofs hash it: every event as its feed line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from service.application.tenant_application import TenantApplication
from service.proof.feed_line import feed_line

PAGE = 500


def feed_lines(app: TenantApplication, after: int = 0, until: int | None = None) -> Iterator[Any]:
    """Every event after ``after`` (up to ``until``) as the feed shows it, in order.

    A record that no longer decodes is still a line — with its position and
    the error — so an export of a damaged store shows the damage.
    """
    while True:
        page = app.recorder.select_notifications(after, PAGE, stop=until, inclusive_of_start=False)
        for notification in page:
            try:
                line = feed_line(app.mapper.to_domain_event(notification), notification.id)
            except Exception as error:
                line = {"position": notification.id, "error": type(error).__name__}
            yield line
        if len(page) < PAGE:
            return
        after = page[-1].id
