"""Erasing a case recorded by release 0.1, before per-case keys: every view of the case
reads the erased marker, its document's bytes go and it still verifies; its events keep
the employee's values in the clear, as 0.1 signed them (they cannot be shredded without
editing events, which would break every hash), and their lines show them (privacy.md)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from domain.access import Actor, Role
from domain.commitments import ERASED
from service.application import retention
from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.operations.projection_runner import ProjectionRunner
from tests.conftest import Api
from tests.integration.test_release_store import RELEASE

LATER = datetime(2029, 1, 1, tzinfo=UTC)
"""The 0.1 case closed on 2026-11-24: its two-year term is over by then."""
PLAIN = ("Fictief Persoon", "F-1")


@pytest.fixture
def erased_release_case(tmp_path: Path) -> Iterator[tuple[Api, str, Tenancy]]:
    """The 0.1 store served, its case erased (judged in 2029)."""
    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    settings = Settings(data_dir=data)
    tenancy = Tenancy(settings)
    case_id = (data / "case_id").read_text()
    (slug,) = tenancy.control.tenants()
    app = tenancy.tenant(slug)
    retention.erase_case(app, case_id, Actor("a", Role.ADMIN), "Bewaartermijn verstreken", LATER)
    with ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.2):
        http = make_server("127.0.0.1", 0, create_app(settings, tenancy), threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        key = (data / "admin_key").read_text()
        yield Api(f"http://127.0.0.1:{http.server_port}", key), case_id, tenancy
        http.shutdown()
    tenancy.close()


def test_every_view_of_an_erased_release_case_reads_the_marker_and_its_lines_stay_signed(
    erased_release_case: tuple[Api, str, Tenancy],
) -> None:
    admin, case_id, _ = erased_release_case
    head = admin.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
    caught_up = {"min_position": head}
    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["employee"] == {"name": ERASED, "personnel_number": ERASED}
    export = admin.get(f"/v1/cases/{case_id}/subject-export").json()
    answers = {
        "case": admin.get(f"/v1/cases/{case_id}"),
        "trail": admin.get(f"/v1/cases/{case_id}/audit-trail", params=caught_up),
        "dossier": admin.get(
            f"/v1/cases/{case_id}/audit-trail", headers={"Accept": "text/html"}, params=caught_up
        ),
        "documents": admin.get(f"/v1/cases/{case_id}/documents"),
        "list": admin.get("/v1/cases", params=caught_up),
        "worklist": admin.get("/v1/worklist", params=caught_up),
    }
    assert {name: a.status_code for name, a in answers.items() if a.status_code != 200} == {}
    views = {name: answer.text for name, answer in answers.items()}
    views["subject export"] = str({k: v for k, v in export.items() if k != "events"})
    leaking = {name: [p for p in PLAIN if p in text] for name, text in views.items()}
    assert {name: found for name, found in leaking.items() if found} == {}
    assert export["case"]["employee"]["name"] == ERASED
    found = admin.get("/v1/cases", params={"q": "Fictief Persoon", **caught_up}).json()
    assert found["items"] == []

    # The lines are the proof: as 0.1 signed them, values and all (privacy.md, Known limits).
    opening = admin.get(f"/v1/cases/{case_id}/events").json()["items"][0]
    assert opening["data"]["employee"] == {"name": "Fictief Persoon", "personnel_number": "F-1"}
    assert export["events"][0] == opening
    assert admin.get(f"/v1/cases/{case_id}/verify").json()["valid"] is True
    (document,) = [f for f in case["file"] if f["type"] == "document"]
    gone = admin.get(f"/v1/cases/{case_id}/documents/{document['data']['document_id']}")
    assert gone.status_code == 410, gone.text
