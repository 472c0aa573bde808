"""The tenant's event feed, for integrations: every event in recording order.

``position`` is the tenant's own gapless sequence (1, 2, 3, …): the store's
notification id, which the recorders keep gapless on both stores. The feed
reads that log directly, so it is complete and ordered by construction.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response

from domain.case import Case
from service.application.tenant_application import Damaged
from service.http import auth
from service.http.conventions import Blueprint, answer_as, cursor, page
from service.http.schemas import EventPage, FeedArgs
from service.proof.feed_line import feed_line

blp = Blueprint("events", __name__, url_prefix="/v1/events", description="The tenant's event feed")
blp.before_request(auth.authenticate)


@blp.route("", methods=["GET"])
@blp.arguments(FeedArgs, location="query")
@blp.response(200, EventPage)
def feed(args: dict[str, Any]) -> Response:
    """Events after ``after`` (a position), oldest first. ``min_position`` is always met:
    the feed is the log itself."""
    app = auth.tenant()
    actor = auth.actor()
    limit = args["limit"]
    notifications = app.recorder.select_notifications(
        cursor(args["after"]), limit, inclusive_of_start=False
    )
    items = []
    case_owner = cache(lambda case_id: app.repository.get(case_id).employer_id)  # once a page
    for notification in notifications:
        try:
            event = app.mapper.to_domain_event(notification)
        except Exception as error:
            raise Damaged(f"position {notification.id}") from error
        if actor.employer_ids is not None:
            owner = (
                case_owner(event.originator_id)
                if isinstance(event, Case.Event)
                else str(event.originator_id)
            )
            if not actor.sees(owner):
                continue
        items.append(feed_line(event, notification.id))
    full = len(notifications) == limit
    return answer_as(EventPage, page(items, notifications[-1].id if full else None))
