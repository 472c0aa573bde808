"""A trajectory's report over HTTP: JSON, a printable page, or a PDF, by Accept."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, request

from domain.facts import legal_date
from domain.trajectories import trajectories
from service.application.errors import NotFound
from service.documents import trajectory_report
from service.http import auth
from service.http.conventions import DOCUMENT_ALTERNATIVES, DOCUMENT_FORMATS, Blueprint, answer_as
from service.http.printed import is_demo
from service.http.report_schemas import TrajectoryReportOut
from service.http.schemas import AsOfArgs

blp = Blueprint(
    "trajectories",
    __name__,
    url_prefix="/v1",
    description="Spoor-2 and spoor-3 trajectories and their reports",
)
blp.before_request(auth.authenticate)


@blp.route("/cases/<case_id>/trajectories/<int:n>/report", methods=["GET"])
@blp.arguments(AsOfArgs, location="query")
@blp.response(
    200,
    TrajectoryReportOut,
    description="The report as JSON; with Accept: text/html a page to print, with "
    "Accept: application/pdf a PDF (Content-Disposition: inline).",
)
@blp.doc(responses=DOCUMENT_ALTERNATIVES)
def get_trajectory_report(args: dict[str, Any], case_id: str, n: int) -> Response:
    """The n-th trajectory of the case (1: the first traject-start), as its report shows it.

    The document a coach hands over and UWV reads: provider and coach, the
    plan, status and dates, activities by week of the trajectory, resistance,
    interruptions, reports and counts, each line with its event's hash. With
    ``as_of``: only what was recorded up to that instant, judged on that day.
    """
    tenant, actor, as_of = auth.tenant(), auth.actor(), args["as_of"]
    case = tenant.case(case_id, actor, as_of=as_of)  # the access check of every case read
    now = as_of or datetime.now(UTC)
    found = trajectories(case.facts)
    if not 1 <= n <= len(found):
        raise NotFound  # like an unknown case: no number beyond the traject-starts
    hashes = {
        str(event.event_id): str(event.hash)
        for event in tenant.case_events(case_id, actor, as_of=as_of)
    }
    body = trajectory_report.report(
        case,
        found[n - 1],
        employer_name=tenant.employer_name(case.employer_id),
        hashes=hashes,
        now=now,
        today=legal_date(now),
    )
    wanted = request.accept_mimetypes.best_match(DOCUMENT_FORMATS, default="application/json")
    if wanted == "application/json":
        return answer_as(TrajectoryReportOut, body, headers={"ETag": f'"{case.version}"'})
    values = trajectory_report.context(body, as_of, demo=is_demo())
    if wanted == "text/html":
        return Response(trajectory_report.html(values), mimetype="text/html")
    return Response(
        trajectory_report.pdf(values),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="trajectrapportage-{case.id}-{n}.pdf"'},
    )
