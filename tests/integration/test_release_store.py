"""A store written by release 0.1 still works: its events load, verify, project and grow.

The fixture (tests/fixtures/release-0.1, made by make_release_store.py on that
release) holds every step, a correctie and a document. Event classes now
derive from the step declarations; their stored topics and data must still
resolve, and their hashes still chain.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from domain.hashchain import canonical_bytes
from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from service.operations.projection_runner import ProjectionRunner
from service.proof.checkpoints import feed_lines
from tests.api.payloads import day, step_body
from tests.conftest import Api

RELEASE = Path(__file__).parent.parent / "fixtures" / "release-0.1"


@pytest.fixture
def released(tmp_path: Path) -> Iterator[tuple[Api, str]]:
    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    settings = Settings(data_dir=data)
    tenancy = Tenancy(settings)
    with ProjectionRunner(tenancy, poll_interval=0.05, refresh_interval=0.2):
        http = make_server("127.0.0.1", 0, create_app(settings, tenancy), threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        key = (data / "admin_key").read_text()
        yield Api(f"http://127.0.0.1:{http.server_port}", key), (data / "case_id").read_text()
        http.shutdown()
    tenancy.close()


def test_a_store_of_the_previous_release_loads_verifies_and_grows(
    released: tuple[Api, str],
) -> None:
    admin, case_id = released
    events = admin.get(f"/v1/cases/{case_id}/events", params={"limit": 1000}).json()["items"]
    assert len(events) == 26
    assert events[0]["type"] == "ziekmelding" and events[-1]["type"] == "afsluiting"
    verified = admin.get(f"/v1/cases/{case_id}/verify").json()
    assert verified["valid"] is True and verified["events_checked"] == 26

    case = admin.get(f"/v1/cases/{case_id}").json()
    assert case["status"] == "closed" and case["employer_name"] == "Fictief B.V."
    plan = next(fact for fact in case["file"] if fact["type"] == "plan_van_aanpak")
    assert plan["data"]["casemanager"] == "K. Fictief"
    assert plan["corrections"][0]["changes"] == {
        "casemanager": {"from": "J. Fictief", "to": "K. Fictief"}
    }

    head = admin.get("/v1/events", params={"limit": 1000}).json()["items"][-1]["position"]
    trail = admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": head})
    entries = trail.json()["entries"]
    assert len(entries) == 26
    assert any("van J. Fictief naar K. Fictief" in e["summary_nl"] for e in entries)

    case_list = admin.get("/v1/cases", params={"q": "fictief", "min_position": head}).json()
    case_list = case_list["items"]
    assert [row["case_id"] for row in case_list] == [case_id]
    employer_id = case["employer_id"]
    opened = admin.post(
        "/v1/cases",
        {
            "employer_id": employer_id,
            "employee": {"name": "Nieuw Persoon"},
            "first_sick_day": day(5),
            "reported_on": day(5),
        },
    )
    assert opened.status_code == 201, opened.text
    new_case = opened.json()["case_id"]
    noted = admin.post(f"/v1/cases/{new_case}/notitie", step_body("notitie", 1))
    assert noted.status_code == 201, noted.text
    assert admin.get(f"/v1/cases/{new_case}/verify").json()["valid"] is True


def test_the_signed_feed_lines_are_those_of_the_previous_release(tmp_path: Path) -> None:
    """The tenant chain signs each feed line's canonical form: that form is frozen.

    The golden file holds the lines release 0.1 produced for its own store.
    A change here breaks every checkpoint signed in the field.
    """
    data = tmp_path / "data"
    shutil.copytree(RELEASE, data)
    tenancy = Tenancy(Settings(data_dir=data))
    try:
        lines = [
            canonical_bytes(line).decode() for line in feed_lines(tenancy.tenant("vorige-release"))
        ]
    finally:
        tenancy.close()
    golden = (RELEASE / "feed_lines.golden.jsonl").read_text().splitlines()
    assert len(lines) == len(golden) == 27
    for line, expected in zip(lines, golden, strict=True):
        assert line == expected
