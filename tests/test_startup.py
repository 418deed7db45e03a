"""Start-up (issue 12): an offline check of Markdown pages imports neither the crawler nor the HTML parser.

``checker check --offline page.md`` from an editor or a pre-commit hook should start at once, so
what only link checking (the crawler, aiohttp), HTML input (beautifulsoup4), the link store
(sqlite3) or another output format needs is imported when it is used. Each test runs the real
command in a fresh interpreter and reads which modules it had imported when it finished: a
deterministic stand-in for a timing, which would be too noisy for a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

SEED = FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md"
CLEAN = FIXTURES / "cases" / "clean-page.md"
HTML_PAGE = FIXTURES / "html" / "departmentactions" / "_action01.html"

#: what an offline check of Markdown pages never needs
NOT_OFFLINE = (
    "aiohttp",
    "bs4",
    "soupsieve",
    "checker.crawl",
    "checker.parse.html",
    "sqlite3",
    "checker.store",
    "checker.engine.nightly",
    "checker.output.sarif",
    "checker.output.junit",
    "asyncio",  # an event loop is for checking links
    "concurrent.futures",  # worker processes are for big inputs
    "multiprocessing",
)

#: runs the CLI in this interpreter, then writes the names of the imported modules to a file
_PROBE = """
import json, sys
from checker.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)
sys.exit(code)
"""


def _imported(tmp_path: Path, *argv: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules ``checker ARGV...`` had imported when it finished, and how it ended."""
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert listing.is_file(), f"the probe wrote no module list: {done.stderr}"
    return set(json.loads(listing.read_text(encoding="utf-8"))), done


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(module.startswith(f"{name}.") for module in modules)


def test_an_offline_markdown_check_imports_no_crawler_html_parser_or_store(tmp_path: Path) -> None:
    modules, done = _imported(tmp_path, "check", "--offline", str(SEED))
    assert done.returncode == 1, done.stderr  # the seed page has error-level findings: it was checked
    assert "[placeholder-text]" in done.stdout
    assert _loaded(modules, "checker.checks")  # the probe sees what the run imported
    assert [name for name in NOT_OFFLINE if _loaded(modules, name)] == []


def test_a_clean_page_imports_only_the_text_format(tmp_path: Path) -> None:
    modules, done = _imported(tmp_path, "check", "--offline", str(CLEAN))
    assert (done.returncode, done.stdout) == (0, "no problems in 1 page\n"), done.stderr
    formats = sorted(name for name in modules if name.startswith("checker.output."))
    assert formats == ["checker.output.base", "checker.output.safe", "checker.output.text"]


def test_what_a_run_uses_is_still_imported(tmp_path: Path) -> None:
    """The other side: HTML input brings in the HTML parser, --format sarif the SARIF writer."""
    modules, done = _imported(tmp_path, "check", "--offline", "--format", "sarif", str(HTML_PAGE))
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["version"] == "2.1.0"
    assert {"bs4", "checker.parse.html", "checker.output.sarif"} <= modules
    assert not _loaded(modules, "checker.crawl")
