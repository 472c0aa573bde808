"""The worklist over HTTP: what is due or overdue across the tenant's open cases."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Response
from werkzeug.exceptions import BadRequest

from domain.facts import legal_date
from domain.obligations import KINDS
from projections.worklist import Key, Worklist
from service.http import auth, read_models
from service.http.case_file import with_names
from service.http.conventions import Blueprint, answer_as
from service.http.schemas import WorklistArgs, WorklistOut

DEFAULT_HORIZON = timedelta(days=14)
"""Without ``due_before``: what is overdue or due within two weeks."""

blp = Blueprint(
    "worklist", __name__, url_prefix="/v1/worklist", description="Deadlines across cases"
)
blp.before_request(auth.authenticate)


@blp.route("", methods=["GET"])
@blp.arguments(WorklistArgs, location="query")
@blp.response(200, WorklistOut)
def worklist(args: dict[str, Any]) -> Response:
    """Every obligation of the open cases that is overdue or due before ``due_before``,
    soonest first. Statuses are judged today, so the list is right on a day when
    nothing was recorded."""
    today = legal_date(datetime.now(UTC))
    due_before = args["due_before"] or today + DEFAULT_HORIZON
    employer_id = args["employer_id"]
    built = read_models.caught_up(Worklist, args["min_position"])
    items, last = built.store.read(
        lambda session: built.page(
            session,
            today=today,
            due_before=due_before,
            after=_key(args["after"]),
            limit=args["limit"],
            employer_id=str(employer_id) if employer_id else None,
            visible=auth.actor().employer_ids,
            coach=args.get("coach"),
            track=args.get("track"),
        )
    )
    for item in items:
        due_on = date.fromisoformat(item["due_on"])
        item["label"] = KINDS[item["code"]].label
        incomplete = item.pop("incomplete")
        item["status"] = "incomplete" if incomplete else "overdue" if today > due_on else "open"
        item["days_overdue"] = max(0, (today - due_on).days)
    return answer_as(
        WorklistOut,
        {
            "judged_on": today.isoformat(),
            "due_before": due_before.isoformat(),
            "items": with_names(items),
            "next": _cursor(last) if last else None,
        },
    )


def _cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def _key(cursor: str | None) -> Key | None:
    """Cursors are opaque to clients; here they are the last item's sort key."""
    if cursor is None:
        return None
    try:
        due_on, case_id, code, occurrence = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
        date.fromisoformat(due_on)
        if not (isinstance(case_id, str) and isinstance(code, str) and isinstance(occurrence, int)):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("The cursor in ?after= is not one this API gave out.") from None
    return due_on, case_id, code, occurrence
