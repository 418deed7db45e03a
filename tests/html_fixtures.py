"""The HTML fixtures: each real page of the corpus as the publication's build renders it.

``fixtures/html/<group>/<name>.html`` is ``fixtures/corpus/<group>/<name>.md`` without its
trailing ``<!-- expect -->`` block, rendered by ``checker.parse.render``, for the real pages
(``departmentactions``, ``seed``). Build them again after changing the renderer or the corpus:

    .venv/bin/python -m tests.html_fixtures

``tests/test_html_input.py`` fails when a fixture is not what the renderer makes today.
"""

from __future__ import annotations

import sys
from pathlib import Path

from checker.parse.render import render_page
from tests.conftest import FIXTURES

CORPUS = FIXTURES / "corpus"
HTML = FIXTURES / "html"
GROUPS = ("departmentactions", "seed")
SOURCES = sorted(path for group in GROUPS for path in (CORPUS / group).glob("*.md"))


def page_text(path: Path) -> str:
    """The page without its expect block: the page as published."""
    text = path.read_text(encoding="utf-8")
    if "<!-- expect" in text:
        text = text[: text.rindex("<!-- expect")]
    return text.rstrip("\n") + "\n"


def fixture_for(source: Path) -> Path:
    return HTML / source.parent.name / source.with_suffix(".html").name


def rendered(source: Path) -> str:
    return render_page(page_text(source))


def main() -> int:
    wanted = {fixture_for(source): rendered(source) for source in SOURCES}
    for path, html in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != html:
            path.write_text(html, encoding="utf-8")
            print(f"wrote {path.relative_to(FIXTURES.parent)}")
    for stale in sorted(set(HTML.glob("*/*.html")) - set(wanted)):
        stale.unlink()
        print(f"removed {stale.relative_to(FIXTURES.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
