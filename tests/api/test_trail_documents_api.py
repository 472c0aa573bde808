"""The audit trail as the dossier UWV reads: HTML opened in headless Chromium, and PDF.

Screenshots and rendered pages land in tests/artifacts/ for CI to keep.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pypdfium2
import pytest

from service.documents.dutch import dutch_date
from service.documents.signed_head import signed_head
from service.proof.timestamping import request_token
from tests.api.payloads import TODAY, case_body, step_body
from tests.api.test_documents_api import CONTENT, upload
from tests.conftest import Api
from tests.tsa import LocalTsa

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
    """A case kept by a named casemanager: steps recorded late, one corrected, a document."""
    issued = admin.post("/v1/api-keys", {"name": "Casemanager Jansen", "role": "casemanager"})
    jansen = admin.as_key(issued.json()["key"])
    case_id = jansen.post("/v1/cases", case_body(employer_id, 90)).json()["case_id"]
    for path, ago in (("melding-arbodienst", 88), ("probleemanalyse", 60), ("plan-van-aanpak", 40)):
        recorded = jansen.post(f"/v1/cases/{case_id}/{path}", step_body(path, ago)).json()
    correctie = {
        "occurred_on": step_body("notitie", 3)["occurred_on"],
        "event_id": recorded["event_id"],
        "reason": "Verkeerde casemanager overgenomen",
        "replacement": {"casemanager": "K. de Vries"},
    }
    assert admin.post(f"/v1/cases/{case_id}/correctie", correctie).status_code == 201
    assert upload(admin, case_id, title="Plan van aanpak, getekend").status_code == 201
    last = admin.post(f"/v1/cases/{case_id}/evaluatie", step_body("evaluatie", 2)).json()
    assert admin.get("/v1/cases", params={"min_position": last["position"]}).status_code == 200
    admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": last["position"]})
    return case_id


def pdf_text(content: bytes) -> tuple[list[str], pypdfium2.PdfDocument]:
    document = pypdfium2.PdfDocument(content)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))], document


def render_pages(document: pypdfium2.PdfDocument, name: str) -> None:
    """Every page of the PDF as PNG in tests/artifacts/, to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    for number in range(len(document)):
        page = document[number].render(scale=1.5).to_pil()
        page.save(ARTIFACTS / f"{name}-page{number + 1}.png")


SHOWN = (
    "Verantwoording re-integratiedossier",
    "Bakkerij Voorbeeld",
    "Fictief Persoon",
    "P-001",
    "Loonsanctierisico",
    "Verklaring van statussen en markeringen",
    "te laat, nog niet gedaan",
    "Verplichtingen",
    "Tijdlijn",
    "Casemanager: J. Smit → K. de Vries",
    "laat geregistreerd: 40 dagen na de gebeurtenis",
    "Casemanager Jansen (casemanager)",
    "Documenten in het dossier",
    hashlib.sha256(CONTENT).hexdigest(),
    "De hashketen is intact",
    "Zo controleert u dit zonder Spoorlog",
    "spoorlog verify-export",
)
"""What the document shows in both forms, HTML and PDF."""


def test_the_html_trail_is_a_printable_document(
    admin: Api, documented_case: str, store: str, tmp_path: Path
) -> None:
    answer = admin.get(f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/html")
    page = html.unescape(answer.text)
    for text in (*SHOWN, f"Stand per</dt><dd>{dutch_date(TODAY)}, "):
        assert text.lower() in page.lower(), text
    assert "README" not in page and "DEMO" not in page

    screenshot(answer.text, f"audit-trail-{store}", tmp_path)


def test_the_pdf_trail_is_the_dossier_uwv_reads(
    admin: Api, documented_case: str, store: str
) -> None:
    answer = admin.get(
        f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "application/pdf"}
    )
    assert answer.status_code == 200, answer.text[:200]
    assert answer.headers["Content-Type"] == "application/pdf"
    pages, document = pdf_text(answer.content)
    render_pages(document, f"audit-trail-{store}")
    text = "\n".join(pages)
    flat = " ".join(text.split())
    for shown in SHOWN:
        assert " ".join(shown.split()) in flat, shown
    today = dutch_date(TODAY)
    assert f"stand per {today}, " in flat and f"Opgesteld op {today}, " in flat
    for number, page in enumerate(pages, 1):
        assert f"Pagina {number} van {len(pages)}" in page
        assert f"Fictief Persoon · opgesteld op {today}" in " ".join(page.split())
    assert "2026-" not in flat  # every date reads in Dutch
    assert "README" not in flat and "DEMO" not in flat
    assert "occurred_on" not in flat.split("Verificatie")[0]  # field names in Dutch


def test_the_trail_names_who_recorded_each_event(admin: Api, documented_case: str) -> None:
    entries = admin.get(f"/v1/cases/{documented_case}/audit-trail").json()["entries"]
    assert [e["actor_name"] for e in entries] == ["Casemanager Jansen"] * 4 + ["admin"] * 3
    assert all(e["actor"] != e["actor_name"] for e in entries)


def test_a_long_trail_breaks_over_pages_with_its_heads_repeated(
    admin: Api, employer_id: str, store: str
) -> None:
    case_id = admin.post("/v1/cases", case_body(employer_id, 300)).json()["case_id"]
    for ago in range(290, 10, -4):
        last = admin.post(f"/v1/cases/{case_id}/notitie", step_body("notitie", ago)).json()
    admin.get(f"/v1/cases/{case_id}/audit-trail", params={"min_position": last["position"]})
    answer = admin.get(f"/v1/cases/{case_id}/audit-trail", headers={"Accept": "application/pdf"})
    pages, document = pdf_text(answer.content)
    assert len(pages) >= 3
    if store == "sqlite":
        render_pages(document, "audit-trail-long")
    for number, page in enumerate(pages, 1):
        assert f"Pagina {number} van {len(pages)}" in page
    timeline = [p for p in pages if "Notitie (gesprek)" in p]
    assert len(timeline) >= 2 and all("Vastgelegd, door" in p for p in timeline)


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


def test_a_font_cut_from_the_plain_copy_draws_what_the_whole_font_draws() -> None:
    """Each face is embedded cut from a plain (Latin) copy made once per process, not from
    the whole font file; a page so cut draws, pixel for pixel, what a cut from the whole
    file draws: Dutch, Turkish, Polish and Icelandic letters and the punctuation printed."""
    from fontTools import ttLib
    from fpdf import FPDF

    from service.documents import pdf

    if not pdf.UNICODE:
        if os.environ.get("CI"):
            pytest.fail("CI must embed the Unicode font (fonts-dejavu-core)")
        pytest.skip("fonts-dejavu-core is not installed")
    turkish = "\u015e\u00fckr\u00fc Y\u0131lmaz"  # the dotless i
    text = f"Zoë Çelik-Wójcik · {turkish} · Zażółć Gęślą · Ágnes Þórsdóttir — \u2018één\u2019 → …"

    def rendered(whole_file: bool) -> bytes:
        document = pdf.new_document(footer=text)
        document.add_page()
        pdf.heading(document, "Verificatie ", "definitief")  # shaped: HarfBuzz's "fi" ligature
        for style, family in (("", "sans"), ("B", "sans"), ("", "mono")):
            pdf.paragraph(document, text, 9, style, family)
        for face in document.fonts.values():
            plain_names = pdf._plain_font(face.ttffile)[1]
            assert plain_names.issuperset(face.subset.get_all_glyph_names())
        if whole_file:  # as fpdf2 alone embeds a face: cut from the file it was added from
            for face in document.fonts.values():
                face.ttfont = ttLib.TTFont(face.ttffile, recalcTimestamp=False, lazy=True)
            content = bytes(FPDF.output(document))
        else:
            content = bytes(document.output())
        page = pypdfium2.PdfDocument(content)[0]
        assert "Şükrü" in page.get_textpage().get_text_range()
        return page.render(scale=2).to_pil().tobytes()

    assert rendered(whole_file=False) == rendered(whole_file=True)


def test_the_dossier_names_the_signed_tree_head_and_its_key(
    admin: Api, documented_case: str
) -> None:
    head = admin.post("/v1/checkpoints")
    assert head.status_code == 201, head.text
    signed = head.json()
    page = html.unescape(
        admin.get(f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "text/html"}).text
    )
    fingerprint = hashlib.sha256(bytes.fromhex(signed["public_key"])).hexdigest()
    grouped = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert f"{signed['tree_size']} gebeurtenissen van het bureau, ondertekend op " in page
    assert signed["root_hash"] in page and grouped in page
    assert f"spoorlog verify-export bewijs.jsonl --public-key {signed['public_key']}" in page
    assert "geen (geen tijdstempeldienst ingesteld)" in page
    printed = admin.get(
        f"/v1/cases/{documented_case}/audit-trail", headers={"Accept": "application/pdf"}
    )
    pages, document = pdf_text(printed.content)
    render_pages(document, "audit-trail-signed")
    assert signed["public_key"] in "".join("".join(pages).split())


def test_a_timestamped_head_says_when_the_authority_saw_it(tsa: LocalTsa) -> None:
    """The RFC 3161 token's own time, as a Dutch instant (checking it is verify-export's)."""
    digest = hashlib.sha256(b"een ondertekende boomkop").digest()
    token = base64.b64encode(request_token(tsa.url, digest)).decode()
    head = {"tree_size": 7, "root_hash": "ab" * 32, "created_at": "2026-11-25T09:15:00.000000Z"}
    shown = signed_head(SimpleNamespace(**head, public_key="cd" * 32, timestamp_token=token))
    assert shown is not None and shown.position == 7 and shown.hash == "ab" * 32
    assert shown.signed_at == "25 november 2026, 10:15"
    assert shown.timestamp and shown.timestamp.startswith(dutch_date(TODAY) + ", ")
    assert shown.timestamp.endswith("volgens de tijdstempeldienst (RFC 3161)")
    assert signed_head(SimpleNamespace(**head, timestamp_token="bm9u")).timestamp == (
        "RFC 3161-tijdstempel aanwezig"
    )
