"""Tenants, keys, roles and scope over real HTTP (README, API conventions)."""

from __future__ import annotations

import pytest

from tests.api.payloads import case_body, step_body
from tests.conftest import Api, unique_slug


def new_key(admin: Api, role: str, employer_ids: list[str] | None = None) -> Api:
    body = {"name": f"{role} key", "role": role}
    if employer_ids is not None:
        body["employer_ids"] = employer_ids
    answer = admin.post("/v1/api-keys", body)
    assert answer.status_code == 201, answer.text
    return admin.as_key(answer.json()["key"])


def register_employer(admin: Api, name: str) -> str:
    body = {"name": name, "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False}
    return admin.post("/v1/employers", body).json()["id"]


def test_the_operator_creates_tenants_with_a_first_admin_key(operator: Api) -> None:
    slug = unique_slug()
    answer = operator.post("/v1/platform/tenants", {"slug": slug, "name": "Bureau"})
    assert answer.status_code == 201
    assert answer.json()["slug"] == slug and answer.json()["admin_key"].startswith("spl_")
    assert operator.post("/v1/platform/tenants", {"slug": slug, "name": "Again"}).status_code == 409


@pytest.mark.parametrize("slug", ["A-bureau", "1bureau", "b", "bureau_x", "x" * 40])
def test_a_bad_slug_is_400(operator: Api, slug: str) -> None:
    assert operator.post("/v1/platform/tenants", {"slug": slug, "name": "B"}).status_code == 400


def test_only_the_operator_creates_tenants(operator: Api, admin: Api) -> None:
    body = {"slug": unique_slug(), "name": "B"}
    assert operator.as_key(None).post("/v1/platform/tenants", body).status_code == 401
    assert admin.post("/v1/platform/tenants", body).status_code == 401


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer nonsense",
        "Basic abc",
        "Bearer spl_00000000000000000000000000000000_x",
    ],
)
def test_a_missing_or_unknown_key_is_401(admin: Api, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = admin.as_key(None).get("/v1/employers", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert answer.json()["status"] == 401


def test_a_tampered_key_is_401(admin: Api) -> None:
    assert admin.as_key(admin.key[:-2] + "xx").get("/v1/employers").status_code == 401


def test_keys_are_shown_once_and_listed_without_secret(admin: Api) -> None:
    created = admin.post("/v1/api-keys", {"name": "Coach", "role": "casemanager"}).json()
    listed = admin.get("/v1/api-keys").json()["items"]
    mine = next(k for k in listed if k["id"] == created["id"])
    assert "key" not in mine and mine["role"] == "casemanager" and mine["revoked"] is False


def test_a_revoked_key_is_refused_from_the_next_request_on(admin: Api) -> None:
    created = admin.post("/v1/api-keys", {"name": "Temp", "role": "auditor"}).json()
    auditor = admin.as_key(created["key"])
    assert auditor.get("/v1/employers").status_code == 200
    assert admin.delete(f"/v1/api-keys/{created['id']}").status_code == 204
    assert auditor.get("/v1/employers").status_code == 401
    listed = {k["id"]: k for k in admin.get("/v1/api-keys").json()["items"]}
    assert listed[created["id"]]["revoked"] is True


def test_only_admins_manage_keys(admin: Api) -> None:
    casemanager = new_key(admin, "casemanager")
    assert casemanager.post("/v1/api-keys", {"name": "x", "role": "admin"}).status_code == 403
    assert casemanager.get("/v1/api-keys").status_code == 403


def test_an_employer_key_needs_known_employers(admin: Api) -> None:
    assert admin.post("/v1/api-keys", {"name": "x", "role": "employer"}).status_code == 422
    unknown = {
        "name": "x",
        "role": "employer",
        "employer_ids": ["00000000-0000-0000-0000-000000000000"],
    }
    assert admin.post("/v1/api-keys", unknown).status_code == 422
    assert admin.post("/v1/api-keys", {"name": "x", "role": "superuser"}).status_code == 400


def test_another_tenants_resources_are_404_never_403(
    operator: Api, admin: Api, case_id: str, employer_id: str
) -> None:
    other = operator.as_key(
        operator.post("/v1/platform/tenants", {"slug": unique_slug(), "name": "Ander"}).json()[
            "admin_key"
        ]
    )
    assert other.get(f"/v1/cases/{case_id}").status_code == 404
    assert other.get(f"/v1/cases/{case_id}/events").status_code == 404
    assert other.post(f"/v1/cases/{case_id}/notitie", step_body("notitie")).status_code == 404
    assert other.get(f"/v1/employers/{employer_id}").status_code == 404
    assert other.get("/v1/employers").json()["items"] == []
    own_key = admin.get("/v1/api-keys").json()["items"][0]["id"]
    assert other.delete(f"/v1/api-keys/{own_key}").status_code == 404
    assert other.post("/v1/cases", case_body(employer_id)).status_code == 422


def test_an_auditor_reads_but_records_nothing(admin: Api, case_id: str) -> None:
    auditor = new_key(admin, "auditor")
    assert auditor.get(f"/v1/cases/{case_id}").status_code == 200
    assert auditor.post(f"/v1/cases/{case_id}/notitie", step_body("notitie")).status_code == 403
    assert (
        auditor.post(
            "/v1/employers",
            {"name": "X", "eigenrisicodrager_zw": False, "eigenrisicodrager_wga": False},
        ).status_code
        == 403
    )
    assert len(admin.get(f"/v1/cases/{case_id}/events").json()["items"]) == 1


def test_an_employer_key_sees_and_reports_only_for_its_employers(admin: Api) -> None:
    own = register_employer(admin, "Eigen B.V.")
    other = register_employer(admin, "Ander B.V.")
    employer = new_key(admin, "employer", [own])
    other_case = admin.post("/v1/cases", case_body(other)).json()["case_id"]

    opened = employer.post("/v1/cases", case_body(own))
    assert opened.status_code == 201
    own_case = opened.json()["case_id"]
    herstel = employer.post(f"/v1/cases/{own_case}/herstelmelding", step_body("herstelmelding"))
    assert herstel.status_code == 201
    assert (
        employer.post(
            f"/v1/cases/{own_case}/plan-van-aanpak", step_body("plan-van-aanpak")
        ).status_code
        == 403
    )
    assert employer.post("/v1/cases", case_body(other)).status_code == 422
    assert employer.get(f"/v1/cases/{other_case}").status_code == 404
    assert employer.get(f"/v1/employers/{other}").status_code == 404
    assert [e["id"] for e in employer.get("/v1/employers").json()["items"]] == [own]
    listed = employer.get("/v1/cases", params={"min_position": herstel.json()["position"]})
    assert [c["case_id"] for c in listed.json()["items"]] == [own_case]


def test_an_integration_key_scoped_to_employers_acts_like_a_casemanager_there(admin: Api) -> None:
    own = register_employer(admin, "Eigen B.V.")
    other = register_employer(admin, "Ander B.V.")
    integration = new_key(admin, "integration", [own])
    case = integration.post("/v1/cases", case_body(own)).json()["case_id"]
    assert (
        integration.post(
            f"/v1/cases/{case}/plan-van-aanpak", step_body("plan-van-aanpak")
        ).status_code
        == 201
    )
    other_case = admin.post("/v1/cases", case_body(other)).json()["case_id"]
    assert (
        integration.post(f"/v1/cases/{other_case}/notitie", step_body("notitie")).status_code == 404
    )


def test_every_event_records_the_acting_key_and_role(admin: Api, case_id: str) -> None:
    casemanager = new_key(admin, "casemanager")
    event = casemanager.post(f"/v1/cases/{case_id}/notitie", step_body("notitie")).json()
    key_ids = {k["name"]: k["id"] for k in admin.get("/v1/api-keys").json()["items"]}
    assert (event["actor"], event["role"]) == (key_ids["casemanager key"], "casemanager")
