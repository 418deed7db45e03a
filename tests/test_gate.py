"""The CI gate: --changed-since on a real (temporary) git repository, baselines, --fail-on.

Every test makes its own repository in ``tmp_path`` with the real pages of the publication
(``fixtures/corpus/departmentactions``), commits them, changes them as an editor would, and runs
``checker check`` from inside it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from checker.cli import commands, options
from checker.engine.changes import parse_diff
from checker.engine.links import LinkOptions
from tests.conftest import FIXTURES
from tests.crawl.conftest import FAST
from tests.crawl.sites import SiteServer, html, status

PAGES = FIXTURES / "corpus" / "departmentactions"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Editor", "-c", "user.email=editor@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A content repository holding the real pages (without their test expectations), committed."""
    root = tmp_path / "content"
    (root / "pages").mkdir(parents=True)
    for page in sorted(PAGES.glob("_action0[1-3].md")):
        text = page.read_text(encoding="utf-8")
        (root / "pages" / page.name).write_text(text[: text.rindex("<!-- expect")], encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "the pages as published")
    monkeypatch.chdir(root)
    return root


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = commands.main(["check", "--format", "json", *argv])
    return code, json.loads(capsys.readouterr().out)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_without_a_change_the_gate_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = check(capsys, "--offline", "pages/")
    assert code == 1  # the real pages have placeholders ("Awaiting DCLG confirmation")
    code, document = check(capsys, "--offline", "--changed-since", "HEAD", "pages/")
    assert (code, document["summary"]["files"], document["findings"]) == (0, 0, [])
    assert document["notes"][0] == "no page among the 3 given changed since HEAD; nothing to check"


def test_a_change_that_breaks_one_block_fails_with_that_blocks_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = repo / "pages" / "_action02.md"
    # the editor drops the Home Office crest and replaces its statement with a stand-in
    text = page.read_text(encoding="utf-8")
    start = text.index("##Home Office")
    block_end = text.index("{/div}", text.index("{div .statement}", start))
    statement_start = text.index("{div .statement}", start) + len("{div .statement}\n")
    broken = text[:start] + "##Home Office\n{div .statement}\nStatement coming soon.\n" + text[block_end:]
    assert statement_start < block_end
    page.write_text(broken, encoding="utf-8")
    code, document = check(capsys, "--offline", "--changed-since", "HEAD", "pages/")
    assert code == 1
    assert document["summary"]["files"] == 1
    failing = [f for f in document["findings"] if f["severity"] == "error" and not f.get("exempt")]
    assert {(f["rule"], f["department"]) for f in failing} == {
        ("crest-missing", "Home Office"),
        ("placeholder-text", "Home Office"),
    }
    # the page's old faults are reported, but they do not fail the gate
    old = [f for f in document["findings"] if f.get("exempt")]
    assert old and all(f["exempt"] == "not on a line changed since HEAD" for f in old)
    assert {f["rule"] for f in old} >= {"link-insecure"}
    # committed, the same change still fails against the branch point, and passes against itself
    git(repo, "commit", "-q", "-am", "break the Home Office block")
    assert check(capsys, "--offline", "--changed-since", "HEAD~1", "pages/")[0] == 1
    assert check(capsys, "--offline", "--changed-since", "HEAD", "pages/")[0] == 0


def test_new_untracked_page_is_all_changed(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(repo / "pages" / "_action01.md", repo / "pages" / "_action09.md")
    code, document = check(capsys, "--offline", "--changed-since", "HEAD", "pages/")
    assert document["summary"]["files"] == 1
    rules = {f["rule"] for f in document["findings"] if not f.get("exempt")}
    assert "structure-action-mismatch" in rules  # a copy of action 01 named _action09.md
    assert code == 1


def test_bad_revision_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["check", "--offline", "--changed-since", "no-such-branch", "pages/"]) == 2
    err = capsys.readouterr().err
    assert "checker: error: --changed-since: git rev-parse failed" in err and "Traceback" not in err


def test_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.md").write_text("x", encoding="utf-8")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert commands.main(["check", "--offline", "--changed-since", "main", "p.md"]) == 2
    assert "--changed-since: git rev-parse failed" in capsys.readouterr().err


async def test_only_the_links_the_change_touched_are_fetched(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = repo / "pages" / "_action01.md"
    replace_in(
        page,
        "{/div}\n{/div}\n",
        "See also [the new guide](http://www.gov.uk/new-guide).\n{/div}\n{/div}\n",
    )
    routes = {"www.gov.uk": {"/new-guide": status(404), "/": html("GOV.UK")}}
    async with SiteServer(routes=routes) as site:
        links = LinkOptions(
            config=replace(FAST, host_interval=0.0), resolver=site.resolver, ssl_context=site.client_ssl
        )
        monkeypatch.setattr(options, "link_options", lambda settings: links)
        code = await asyncio.to_thread(
            commands.main, ["check", "--format", "json", "--no-store", "--changed-since", "HEAD", "pages/"]
        )
        document = json.loads(capsys.readouterr().out)
        assert list(site.requests) == [("www.gov.uk", "/new-guide", "GET")]
        assert code == 1
        dead = [f for f in document["findings"] if f["rule"] == "link-dead"]
        assert [(f["url"], f.get("exempt")) for f in dead] == [("http://www.gov.uk/new-guide", None)]
        # asked, every link of the changed page is fetched (most are unknown hosts to the test resolver)
        await asyncio.to_thread(
            commands.main,
            ["check", "--format", "json", "--no-store", "--changed-since", "HEAD", "--all-links", "pages/"],
        )
        capsys.readouterr()
        assert sum(site.requests.values()) > 1


def test_baseline_fails_only_on_new_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["baseline", "--offline", "pages/"]) == 0
    said = capsys.readouterr().out
    baseline = repo / ".checker-baseline.json"
    assert f"findings in {baseline}" in said
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert recorded["version"] == 1 and len(recorded["findings"]) > 20
    code, document = check(capsys, "--offline", "--baseline", str(baseline), "pages/")
    assert (code, document["findings"]) == (0, [])
    assert document["summary"]["hidden"] == len(recorded["findings"])
    # lines moved: still nothing new
    page = repo / "pages" / "_action03.md"
    replace_in(page, "{div .section}\n", "{div .section}\n\n<!-- reviewed 2026 -->\n\n")
    assert check(capsys, "--offline", "--baseline", str(baseline), "pages/")[0] == 0
    # a new placeholder fails, and is the only finding shown
    replace_in(page, "##Cabinet<br>Office", "##Cabinet<br>Office")
    text = page.read_text(encoding="utf-8")
    start = text.index("{div .statement}", text.index("##Cabinet<br>Office")) + len("{div .statement}\n")
    end = text.index("{/div}", start)
    page.write_text(text[:start] + "TBC\n" + text[end:], encoding="utf-8")
    code, document = check(capsys, "--offline", "--baseline", str(baseline), "pages/")
    assert code == 1
    assert [f["rule"] for f in document["findings"]] == ["placeholder-text"]


def test_baseline_file_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = repo / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert commands.main(["check", "--offline", "--baseline", str(bad), "pages/"]) == 2
    assert "bad.json:1: is not JSON" in capsys.readouterr().err
    assert commands.main(["check", "--offline", "--baseline", str(repo / "none.json"), "pages/"]) == 2
    assert "make it with `checker baseline PATH...`" in capsys.readouterr().err


def test_fail_on_warning(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = repo / "pages" / "_action01.md"
    assert check(capsys, "--offline", "--select", "link-insecure", str(page))[0] == 0
    assert check(capsys, "--offline", "--select", "link-insecure", "--fail-on", "warning", str(page))[0] == 1


def test_parse_diff() -> None:
    diff = (
        "diff --git a/p.md b/p.md\n--- a/p.md\n+++ b/p.md\n@@ -3 +3 @@\n-x\n+y\n@@ -10,0 +11,2 @@\n+a\n+b\n"
        "diff --git a/gone.md b/gone.md\n--- a/gone.md\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
        'diff --git "a/caf\\303\\251.md" "b/caf\\303\\251.md"\n--- "a/caf\\303\\251.md"\n'
        '+++ "b/caf\\303\\251.md"\n@@ -1,0 +1 @@\n+z\n'
    )
    lines = {path.name: sorted(numbers) for path, numbers in parse_diff(diff, Path("/repo")).items()}
    assert lines == {"p.md": [3, 11, 12], "café.md": [1]}
    deletion = "+++ b/q.md\n@@ -4,2 +3,0 @@\n-x\n-y\n"
    assert [sorted(n) for n in parse_diff(deletion, Path("/repo")).values()] == [[3, 4]]
