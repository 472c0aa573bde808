"""Races answered as their single-request twin would be, on both stores.

Two servers here are two Tenancy objects with pools of their own over the same
store, behind two real HTTP servers: what two gunicorn workers or two hosts
are. Requests of a pair start together at a barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from eventsourcing.utils import get_topic
from werkzeug.serving import make_server

from domain.case import Case
from service.application.tenancy import Tenancy
from service.config import Settings
from service.http.app import create_app
from tests.api.payloads import case_body
from tests.conftest import OPERATOR_KEY, Api, unique_slug

PAIRS = 50
KEYS = 16


@pytest.fixture
def two_servers(settings: Settings) -> Iterator[tuple[list[str], list[Tenancy]]]:
    """Two app instances, each with its own Tenancy (and so its own pool), on one store."""
    tenancies = [Tenancy(settings), Tenancy(settings)]
    servers, threads = [], []
    for tenancy in tenancies:
        http = make_server("127.0.0.1", 0, create_app(settings, tenancy), threaded=True)
        thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append(http)
        threads.append(thread)
    yield [f"http://127.0.0.1:{s.server_port}" for s in servers], tenancies
    for http, thread in zip(servers, threads, strict=True):
        http.shutdown()
        thread.join(timeout=30)
    for tenancy in tenancies:
        tenancy.close()


def at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run the calls on threads of their own, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def new_admin(base: str) -> tuple[Api, str]:
    slug = unique_slug()
    made = Api(base, OPERATOR_KEY).post("/v1/platform/tenants", {"slug": slug, "name": "Bureau"})
    assert made.status_code == 201, made.text
    return Api(base, made.json()["admin_key"]), slug


def test_one_idempotency_key_sent_to_two_servers_at_once_records_once(
    two_servers: tuple[list[str], list[Tenancy]],
) -> None:
    (first, second), tenancies = two_servers
    admin, slug = new_admin(first)
    employer = admin.post(
        "/v1/employers",
        {"name": "Tweeling B.V.", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
    )
    assert employer.status_code == 201, employer.text
    body = case_body(employer.json()["id"])
    clients = [Api(first, admin.key), Api(second, admin.key)]

    def post(client: Api, key: str) -> Callable[[], requests.Response]:
        return lambda: client.post("/v1/cases", body, headers={"Idempotency-Key": key})

    failures: list[str] = []
    case_ids: dict[str, str] = {}
    for n in range(PAIRS):
        key = f"twin-{n}"
        answers = at_once([post(client, key) for client in clients])
        statuses = [a.status_code for a in answers]
        if statuses != [201, 201]:
            failures.append(f"{key}: {statuses} {[a.text[:200] for a in answers]}")
            continue
        replayed = [a.headers.get("Idempotent-Replayed") == "true" for a in answers]
        if sorted(replayed) != [False, True]:
            failures.append(f"{key}: replayed {replayed}")
        ids = {a.json()["case_id"] for a in answers}
        if len(ids) != 1:
            failures.append(f"{key}: two cases {ids}")
        case_ids[key] = ids.pop()
    assert not failures, "\n".join(failures)

    # exactly one case opened per key, in the store itself
    recorder: Any = tenancies[0].tenant(slug).recorder
    opened = recorder.select_notifications(
        0, 10 * PAIRS, topics=[get_topic(Case.Ziekmelding)], inclusive_of_start=False
    )
    assert sorted(str(n.originator_id) for n in opened) == sorted(case_ids.values())


def test_concurrent_key_issues_and_revocations_in_one_tenant_all_succeed(
    two_servers: tuple[list[str], list[Tenancy]],
) -> None:
    (first, second), _ = two_servers
    admin, _ = new_admin(first)
    clients = [Api(first, admin.key), Api(second, admin.key)]

    def issue(n: int) -> Callable[[], requests.Response]:
        return lambda: clients[n % 2].post(
            "/v1/api-keys", {"name": f"key-{n}", "role": "casemanager"}
        )

    issued = at_once([issue(n) for n in range(KEYS)])
    assert [a.status_code for a in issued] == [201] * KEYS, [a.text for a in issued]
    ids = [a.json()["id"] for a in issued]
    listed = {k["id"] for k in admin.get("/v1/api-keys").json()["items"]}
    assert set(ids) <= listed and len(listed) == KEYS + 1

    # every new key revoked twice at once, from both servers: each DELETE is a 204
    def revoke(n: int) -> Callable[[], requests.Response]:
        return lambda: clients[n % 2].delete(f"/v1/api-keys/{ids[n // 2]}")

    revoked = at_once([revoke(n) for n in range(2 * KEYS)])
    assert [a.status_code for a in revoked] == [204] * (2 * KEYS), [a.text for a in revoked]
    keys = {k["id"]: k for k in admin.get("/v1/api-keys").json()["items"]}
    assert set(keys) == listed
    assert all(keys[i]["revoked"] for i in ids)
    assert admin.get("/v1/api-keys").status_code == 200  # the admin key itself still works
    for answer in issued:  # and the revoked keys do not
        assert Api(first, answer.json()["key"]).get("/v1/api-keys").status_code == 401
