"""The API as deployed: `spoorlog serve` under gunicorn, several workers, one store.

Concurrent writers on one case lose and duplicate nothing, and a restart
keeps everything, idempotency keys included.
"""

from __future__ import annotations

import itertools
import subprocess
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.config import Settings
from tests.api.payloads import case_body, step_body
from tests.conftest import OPERATOR_KEY, Api, unique_slug
from tests.served import free_port, start_server, stop_server

WRITERS = 16
NOTES_PER_WRITER = 5


@pytest.fixture
def served(settings: Settings) -> Iterator[Callable[[], Api]]:
    """Start `spoorlog serve`; calling the fixture again restarts it on the same store."""
    port = free_port()
    running: list[subprocess.Popen[bytes]] = []

    def restart() -> Api:
        if running:
            stop_server(running.pop())
        running.append(start_server(settings, port))
        return Api(f"http://127.0.0.1:{port}", OPERATOR_KEY)

    yield restart
    for process in running:
        stop_server(process)


def new_case(operator: Api) -> tuple[Api, str]:
    tenant = operator.post("/v1/platform/tenants", {"slug": unique_slug(), "name": "Bureau"}).json()
    admin = operator.as_key(tenant["admin_key"])
    employer = admin.post(
        "/v1/employers",
        {"name": "Werkgever", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    ).json()["id"]
    return admin, admin.post("/v1/cases", case_body(employer)).json()["case_id"]


def test_16_concurrent_writers_on_one_case_lose_and_duplicate_nothing(
    served: Callable[[], Api],
) -> None:
    admin, case_id = new_case(served())

    def write(writer: int) -> list[int]:
        client = admin.as_key(admin.key)  # a connection of its own
        statuses = []
        for n in range(NOTES_PER_WRITER):
            body = step_body("notitie", text=f"writer {writer} note {n}")
            statuses.append(client.post(f"/v1/cases/{case_id}/notitie", body).status_code)
        return statuses

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = [s for result in pool.map(write, range(WRITERS)) for s in result]
    assert statuses == [201] * WRITERS * NOTES_PER_WRITER

    events = admin.get(f"/v1/cases/{case_id}/events", params={"limit": 1000}).json()["items"]
    assert [e["version"] for e in events] == list(range(1, WRITERS * NOTES_PER_WRITER + 2))
    texts = Counter(e["data"]["text"] for e in events[1:])
    assert len(texts) == WRITERS * NOTES_PER_WRITER and set(texts.values()) == {1}
    for previous, event in itertools.pairwise(events):
        assert event["prev_hash"] == previous["hash"]


def test_concurrent_writers_with_the_same_if_match_one_wins(served: Callable[[], Api]) -> None:
    admin, case_id = new_case(served())

    def write(writer: int) -> int:
        body = step_body("notitie", text=f"writer {writer}")
        return (
            admin.as_key(admin.key)
            .post(f"/v1/cases/{case_id}/notitie", body, headers={"If-Match": '"1"'})
            .status_code
        )

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = Counter(pool.map(write, range(WRITERS)))
    assert statuses == {201: 1, 412: WRITERS - 1}


def test_concurrent_retries_with_one_idempotency_key_record_once(served: Callable[[], Api]) -> None:
    admin, case_id = new_case(served())
    key = str(uuid.uuid4())

    def write(_: int) -> tuple[int, str]:
        answer = admin.as_key(admin.key).post(
            f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"Idempotency-Key": key}
        )
        return answer.status_code, answer.json().get("event_id", "")

    with ThreadPoolExecutor(8) as pool:
        answers = set(pool.map(write, range(8)))
    assert len(answers) == 1 and next(iter(answers))[0] == 201
    assert len(admin.get(f"/v1/cases/{case_id}/events").json()["items"]) == 2


def test_a_restart_keeps_everything(served: Callable[[], Api], tmp_path: Path) -> None:
    admin, case_id = new_case(served())
    first = admin.post(
        f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"Idempotency-Key": "once"}
    )
    before = admin.get(f"/v1/cases/{case_id}/events").json()
    case_before = admin.get(f"/v1/cases/{case_id}").json()

    served()  # stop, start again on the same store

    assert admin.get(f"/v1/cases/{case_id}/events").json() == before
    case_after = admin.get(f"/v1/cases/{case_id}").json()
    assert {k: v for k, v in case_after.items() if k != "as_of"} == {
        k: v for k, v in case_before.items() if k != "as_of"
    }
    again = admin.post(
        f"/v1/cases/{case_id}/notitie", step_body("notitie"), headers={"Idempotency-Key": "once"}
    )
    assert again.status_code == 201 and again.json() == first.json()
    assert len(admin.get(f"/v1/cases/{case_id}/events").json()["items"]) == 2
    listed = admin.get("/v1/cases", params={"min_position": first.json()["position"]})
    assert [c["case_id"] for c in listed.json()["items"]] == [case_id]  # the runner serve started
    metrics = admin.get("/metrics").text  # gathered from every gunicorn worker
    assert 'route="/v1/cases/<case_id>/notitie",status="201"' in metrics
