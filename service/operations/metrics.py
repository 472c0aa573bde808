"""Prometheus metrics of the API process (collected by :mod:`service.operations.observability`)."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "spoorlog_http_requests_total",
    "HTTP requests by route and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "spoorlog_http_request_duration_seconds", "HTTP request latency", ["method", "route"]
)
EVENTS_APPENDED = Counter("spoorlog_events_appended_total", "Events recorded in tenant stores")
