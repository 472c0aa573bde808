"""The project's documentation stands on its own: its links stay in the repository and
resolve, and nothing points to a specification outside it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")
OUTSIDE = re.compile(
    r"\.\./" + "shared|" + r"\b(" + "|".join(("API", "DESIGN", "POORTWACHTER")) + r")\.md\b"
)
"""The specification the project was written from lives outside it; no file may send a
reader there (spelled in pieces so that this file does not name it either)."""
SKIPPED = {".git", ".venv", "node_modules", "__pycache__", "artifacts", "data"}


def test_the_documentation_is_reachable_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("api.md", "poortwachter.md", "operations.md"):
        assert f"(docs/{name})" in readme


def test_every_link_of_the_documentation_is_a_file_of_the_repository() -> None:
    broken = []
    for document in DOCUMENTS:
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if re.match(r"^[a-z]+:", path) or not (document.parent / path).resolve().exists():
                broken.append(f"{document.relative_to(ROOT)}: {target}")
    assert broken == []


def test_nothing_in_the_repository_points_outside_it() -> None:
    found = []
    for path in ROOT.rglob("*"):
        if SKIPPED & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix not in (".md", ".py", ".html", ".toml", ".txt", ".cfg", ".yaml", ""):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]
    assert found == []
