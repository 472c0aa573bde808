"""The audit trail as a document: HTML opened in headless Chromium, and PDF (issue 5).

Screenshots and rendered pages land in tests/artifacts/ for CI to keep.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pytest

from tests.api.payloads import case_body, step_body
from tests.conftest import Api

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must render the HTML trail, but Chromium is not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return found


def screenshot(page: str, name: str, tmp_path: Path) -> None:
    """The page as headless Chromium draws it, to tests/artifacts/<name>.png, to look at."""
    source = tmp_path / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1240,1754",
            f"--screenshot={shot}",
            source.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.fixture
def documented_case(admin: Api, employer_id: str) -> str:
    case_id = admin.post("/v1/cases", case_body(employer_id, 90)).json()["case_id"]
    for path, ago in (("melding-arbodienst", 88), ("probleemanalyse", 60), ("plan-van-aanpak", 40)):
        recorded = admin.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago)).json()
    correctie = {
        "occurred_on": step_body("notitie", 3)["occurred_on"],
        "event_id": recorded["event_id"],
        "reason": "Verkeerde casemanager overgenomen",
        "replacement": {"casemanager": "K. de Vries"},
    }
    assert admin.post(f"/v1/cases/{case_id}/correctie", correctie).status_code == 201
    last = admin.post(f"/v1/cases/{case_id}/evaluatie", step_body("evaluatie", 2)).json()
    assert admin.get("/v1/cases", params={"min_position": last["position"]}).status_code == 200
    admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": last["position"]})
    return case_id


def test_the_html_trail_is_a_printable_document(
    admin: Api, documented_case: str, store: str, tmp_path: Path
) -> None:
    answer = admin.get(f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/html")
    page = answer.text
    for text in (
        "Audit trail re-integratiedossier",
        "Bakkerij Voorbeeld",
        "Fictief Persoon",
        "Verplichtingen",
        "Tijdlijn",
        "Plan van aanpak opgesteld door K. de Vries",
        "Gecorrigeerd; oorspronkelijk vastgelegd",
        "Plan van aanpak opgesteld door J. Smit",
        "Casemanager van J. Smit naar K. de Vries",
        "Hashketen intact: 6 gebeurtenissen gecontroleerd.",
    ):
        assert text in page, text

    screenshot(page, f"audit-trail-{store}", tmp_path)


def test_the_pdf_trail_shows_the_case_header_on_its_first_page(
    admin: Api, documented_case: str, store: str
) -> None:
    answer = admin.get(
        f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "application/pdf"}
    )
    assert answer.status_code == 200, answer.text[:200]
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    pdf = pypdfium2.PdfDocument(answer.content)
    first = pdf[0]
    ARTIFACTS.mkdir(exist_ok=True)
    first.render(scale=1.5).to_pil().save(ARTIFACTS / f"audit-trail-{store}-page1.png")
    text = first.get_textpage().get_text_range()
    for header in ("Audit trail re-integratiedossier", "Bakkerij Voorbeeld", "Fictief Persoon"):
        assert header in text, header
    assert "Eerste ziektedag" in text and "Loonsanctierisico" in text


def test_json_stays_the_default_answer(admin: Api, documented_case: str) -> None:
    answer = admin.get(f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "*/*"})
    assert answer.headers["Content-Type"].startswith("application/json")


def test_every_name_prints_as_written_in_the_pdf(admin: Api, employer_id: str) -> None:
    """Turkish, Polish and Arabic names come out of the PDF's text as they went in."""
    from service.documents import pdf

    if not pdf.UNICODE:
        if os.environ.get("CI"):
            pytest.fail("CI must embed the Unicode font (fonts-dejavu-core)")
        pytest.skip("fonts-dejavu-core is not installed")
    turkish = "\u015e\u00fckr\u00fc Y\u0131lmaz-Wi\u015bniewski"  # the dotless i is the point
    names = [turkish, "Zażółć Gęślą", "محمد العلي"]
    for name in names:
        body = case_body(employer_id, 90, employee={"name": name, "personnel_number": "P-9"})
        case_id = admin.post("/v1/cases", body).json()["case_id"]
        recorded = admin.post(
            f"/v1/cases/{case_id}/plan-van-aanpak",
            step_body("plan-van-aanpak", 40, casemanager="Ágnes Þórsdóttir"),
        ).json()
        admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": recorded["position"]})
        answer = admin.get(
            f"/v1/cases/{case_id}/audit-trail", headers={"Accept": "application/pdf"}
        )
        assert answer.status_code == 200, answer.text[:200]
        document = pypdfium2.PdfDocument(answer.content)
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        # Right-to-left words may come out of a mixed line in visual order: each word counts.
        for word in [*name.split(), "Ágnes", "Þórsdóttir"]:
            assert word in text, (word, text[:400])
        assert "?" not in text.split("Werknemer", 1)[1][:80]
