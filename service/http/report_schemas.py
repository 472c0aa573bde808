"""The trajectory report's JSON: the document a coach hands to employer and employee."""

from __future__ import annotations

from marshmallow import fields, validate

from service.http.fields import Day, Strict


class ReportLineOut(Strict):
    event_id = fields.String()
    occurred_on = Day()
    hash = fields.String(metadata={"description": "The hash of the event this line shows."})


class ReportActivityOut(ReportLineOut):
    week = fields.Integer(metadata={"description": "Week of the trajectory (1: its first 7 days)."})
    kind = fields.String()
    kind_label = fields.String(metadata={"description": "The kind in Dutch."})
    hours = fields.Float(allow_none=True)
    hours_label = fields.String(allow_none=True)
    employer_name = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)


class ReportWeekOut(Strict):
    week = fields.Integer()
    from_ = Day(
        data_key="from", attribute="from", metadata={"description": "The week's first day."}
    )
    until = Day(metadata={"description": "The week's last day."})
    activities = fields.List(fields.Nested(ReportActivityOut))


class ReportResistanceOut(ReportLineOut):
    signal = fields.String()
    signal_label = fields.String()
    approach = fields.String(allow_none=True)


class ReportInterruptionOut(ReportLineOut):
    reason = fields.String(allow_none=True)
    until = Day(allow_none=True)


class ReportGivenOut(ReportLineOut):
    kind = fields.String()
    kind_label = fields.String()
    summary = fields.String(allow_none=True)


class ReportPlanOut(Strict):
    goal = fields.String(allow_none=True)
    search_directions = fields.List(fields.String())
    hours_per_week = fields.Float(allow_none=True)
    shown = fields.String(allow_none=True, metadata={"description": "The plan in Dutch."})


class ReportEmployeeOut(Strict):
    name = fields.String(allow_none=True)
    personnel_number = fields.String(allow_none=True)


class TrajectoryReportOut(Strict):
    """One spoor-2 or spoor-3 trajectory as its report shows it; no medical data."""

    case_id = fields.String()
    number = fields.Integer(metadata={"description": "1-based, in the order trajectories started."})
    track = fields.Integer()
    employer_name = fields.String(allow_none=True)
    employee = fields.Nested(ReportEmployeeOut)
    provider = fields.String(allow_none=True)
    coach = fields.String(allow_none=True)
    plan = fields.Nested(ReportPlanOut)
    status = fields.String(validate=validate.OneOf(["running", "interrupted", "ended"]))
    status_label = fields.String()
    started_on = Day()
    start_event = fields.Nested(ReportLineOut)
    ended_on = Day(allow_none=True)
    end_reason = fields.String(allow_none=True)
    end_reason_label = fields.String(allow_none=True)
    end_event = fields.Nested(ReportLineOut, allow_none=True)
    weeks = fields.List(
        fields.Nested(ReportWeekOut),
        metadata={"description": "The weeks of the trajectory that saw activities, in order."},
    )
    resistance = fields.List(fields.Nested(ReportResistanceOut))
    interruptions = fields.List(fields.Nested(ReportInterruptionOut))
    reports = fields.List(fields.Nested(ReportGivenOut))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    count_labels = fields.Dict(keys=fields.String(), values=fields.String())
    last_activity_on = Day(allow_none=True)
    head_hash = fields.String(
        metadata={"description": "The case's chain head this report rests on."}
    )
    as_of = fields.String()
