"""The staged engine end to end: finding identities, selection, outputs, failing checks, link gating."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checker.cli import commands, options
from checker.engine.kinds import KINDS
from checker.engine.links import LinkOptions
from checker.engine.plan import Selection, make_plan
from checker.engine.run import RunRequest, run
from checker.errors import ConfigError
from checker.model.finding import Finding
from checker.model.report import LinkSummary, Report
from checker.output.text import summary
from tests.conftest import FIXTURES, shown
from tests.crawl.conftest import FAST
from tests.crawl.sites import SiteServer, html

SEED = FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md"
PLACEHOLDER = FIXTURES / "cases" / "placeholder.md"
CLEAN = FIXTURES / "cases" / "clean-page.md"


def identities(paths: list[str], root: Path) -> dict[str, Finding]:
    report = run(RunRequest(paths, make_plan(), root=root))
    fingerprints = [finding.fingerprint for finding in report.findings]
    assert len(set(fingerprints)) == len(fingerprints), "fingerprints must be unique within a run"
    return {finding.fingerprint: finding for finding in report.findings}


def copy_of(source: Path, folder: Path, name: str = "page.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_fingerprints_are_stable_between_runs_and_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = copy_of(SEED, tmp_path / "a" / "pages")
    first = identities([str(page)], tmp_path / "a")
    assert len(first) == 14
    assert identities([str(page)], tmp_path / "a") == first
    # another checkout of the same pages, run from another working folder
    copy_of(SEED, tmp_path / "b" / "pages")
    monkeypatch.chdir(tmp_path / "b")
    assert set(identities(["pages/page.md"], tmp_path / "b")) == set(first)


def test_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    page = copy_of(SEED, tmp_path)
    before = identities([str(page)], tmp_path)
    lines = page.read_text(encoding="utf-8").split("\n")
    lines[3:3] = ["", "<!-- an editor's note -->", ""]  # above every department block
    page.write_text("\n".join(lines), encoding="utf-8")
    after = identities([str(page)], tmp_path)
    assert set(after) == set(before)
    for key, finding in after.items():
        assert finding.line == before[key].line + 3
        assert (finding.rule, finding.message) == (before[key].rule, before[key].message)


def test_fingerprints_change_with_the_content(tmp_path: Path) -> None:
    page = copy_of(PLACEHOLDER, tmp_path)
    before = identities([str(page)], tmp_path)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Coming soon…", "TBC", 1), encoding="utf-8")
    after = identities([str(page)], tmp_path)
    changed = set(before) ^ set(after)
    assert len(changed) == 2  # the old placeholder finding gone, the new one come
    assert {finding.rule for key in changed for finding in (before.get(key), after.get(key)) if finding} == {
        "placeholder-text"
    }


def test_repeated_subjects_get_their_own_fingerprint(tmp_path: Path) -> None:
    """The same fault twice in one statement: two findings, told apart by occurrence, stable."""
    page = tmp_path / "page.md"
    body = (
        "{{DEPARTMENTRESPONSE}}\n#Action 01: x\n{div .section}\n{div .department}\n##Home Office\n"
        "{: .logo-ho}\n{div .statement}\nSee [this](http://www.homeoffice.gov.uk/a) and "
        "[this again](http://www.homeoffice.gov.uk/a). [Read more »](https://www.gov.uk/x)\n"
        "{/div}\n{/div}\n{/div}\n"
    )
    page.write_text(body, encoding="utf-8")
    found = identities([str(page)], tmp_path)
    assert sorted(f.rule for f in found.values()) == ["link-insecure", "link-insecure"]
    page.write_text(body.replace("See [this]", "First see [this]"), encoding="utf-8")
    assert set(identities([str(page)], tmp_path)) == set(found)


def test_one_page_however_it_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = copy_of(SEED, tmp_path)
    monkeypatch.chdir(tmp_path)
    report = run(RunRequest(["page.md", "./page.md", str(page), str(tmp_path), "*.md"], make_plan()))
    assert report.files == ("page.md",)
    assert {finding.path for finding in report.findings} == {"page.md"}
    assert len(report.findings) == 14


def test_sorting_never_reads_the_message() -> None:
    report = run(RunRequest([str(SEED)], make_plan()))
    keys = [finding.sort_key() for finding in report.findings]
    assert keys == sorted(keys)
    assert all(finding.message not in finding.sort_key() for finding in report.findings)


def test_select_ignore_and_min_level(capsys: pytest.CaptureFixture[str]) -> None:
    def rules(*argv: str) -> tuple[int, set[str], dict[str, Any]]:
        code = commands.main(["check", "--offline", "--format", "json", *argv, str(SEED)])
        document = json.loads(capsys.readouterr().out)
        return code, {finding["rule"] for finding in document["findings"]}, document["summary"]

    assert rules()[1] == {"link-insecure", "placeholder-text"}
    assert rules("--select", "link-")[1] == {"link-insecure"}
    assert rules("--select", "placeholder-text,crest")[1] == {"placeholder-text"}
    code, found, _ = rules("--ignore", "placeholder-text")
    assert (code, found) == (0, {"link-insecure"})
    code, found, summary = rules("--min-level", "error")
    assert (code, found, summary["hidden"], summary["warnings"]) == (1, {"placeholder-text"}, 12, 0)
    code = commands.main(["check", "--offline", "--min-level", "error", str(SEED)])
    assert capsys.readouterr().out.splitlines()[-1] == (
        "2 errors in 1 page; 12 findings below --min-level error not shown"
    )


def test_unknown_selector_names_where_it_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert commands.main(["check", "--offline", "--select", "lnk-", str(SEED)]) == 2
    err = capsys.readouterr().err
    assert "checker: error: --select: 'lnk-' names no rule (families: action-, crest-, " in err
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".checker.yaml").write_text("offline: true\nignore: [crest-, placeholders]\n")
    assert commands.main(["check", str(SEED)]) == 2
    assert ".checker.yaml:2: 'placeholders' names no rule" in capsys.readouterr().err
    (tmp_path / ".checker.yaml").write_text("offline: true\nprofile: strickt\n")
    assert commands.main(["check", str(SEED)]) == 2
    assert ".checker.yaml:2: unknown profile 'strickt' (allowed: ci, content, default, strict)" in (
        capsys.readouterr().err
    )
    (tmp_path / ".checker.yaml").write_text("crawl:\n  timeout: soon\n")
    assert commands.main(["check", str(SEED)]) == 2
    assert ".checker.yaml:2: crawl.timeout: 'soon' is not a number of seconds" in capsys.readouterr().err


def test_selection_in_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".checker.yaml").write_text(
        "offline: true\nformat: json\nselect: [placeholder-]\nmin_level: error\n"
    )
    assert commands.main(["check", str(SEED)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert {finding["rule"] for finding in document["findings"]} == {"placeholder-text"}
    # flags add to the file's lists
    assert commands.main(["check", "--select", "link-insecure", "--min-level", "info", str(SEED)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert {finding["rule"] for finding in document["findings"]} == {"placeholder-text", "link-insecure"}


def test_text_and_json_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "findings.json"
    code = commands.main(["check", "--offline", "--output", f"json={target}", str(SEED)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[-1] == "2 errors, 12 warnings in 1 page"
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["summary"]["findings"] == 14
    assert [f["line"] for f in document["findings"]] == [
        int(line.split(":")[1]) for line in out.splitlines() if ": warning: " in line or ": error: " in line
    ]
    assert not list(target.parent.glob(".findings.json.*")), "no temporary file left behind"
    # JSON to the terminal and text to a file
    text_file = tmp_path / "findings.txt"
    assert (
        commands.main(["check", "--offline", "--output", "json", "--output", f"text={text_file}", str(SEED)])
        == 1
    )
    assert json.loads(capsys.readouterr().out)["summary"]["findings"] == 14
    assert text_file.read_text(encoding="utf-8").splitlines()[-1] == "2 errors, 12 warnings in 1 page"


def test_bad_outputs_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["check", "--offline", "--output", "xml=x.xml", str(SEED)]) == 2
    assert (
        "--output: unknown format 'xml' (allowed: text, json, github, sarif, junit, markdown)"
        in capsys.readouterr().err
    )
    assert commands.main(["check", "--offline", "--output", "json", "--output", "text", str(SEED)]) == 2
    assert "more than one --output goes to standard output" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert commands.main(["check", "--offline", "--output", f"json={blocker}/x.json", str(SEED)]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_a_failing_check_is_reported_by_rule_and_the_rest_still_print(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_: object) -> list[Finding]:
        raise ValueError("a bug in the crest check")

    monkeypatch.setitem(KINDS, "crest-missing", dataclasses.replace(KINDS["crest-missing"], check=explode))  # type: ignore[index]
    code = commands.main(["check", "--offline", str(SEED)])
    captured = capsys.readouterr()
    assert code == 3
    assert (
        f"checker: internal error in rule crest-missing on {shown(SEED)}: "
        "ValueError: a bug in the crest check"
    ) in captured.err
    assert captured.out.splitlines()[-1] == "2 errors, 12 warnings in 1 page"
    assert "Traceback" not in captured.err
    code = commands.main(["check", "--offline", "--format", "json", str(SEED)])
    document = json.loads(capsys.readouterr().out)
    assert document["rule_failures"][0]["rule"] == "crest-missing"
    assert document["summary"]["findings"] == 14


async def test_content_profile_sends_no_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    routes = {"www.cabinetoffice.gov.uk": {"/": html("Cabinet Office", "<h1>x</h1>")}}
    async with SiteServer(routes=routes) as site:
        links = LinkOptions(
            config=dataclasses.replace(FAST, host_interval=0.0),
            resolver=site.resolver,
            ssl_context=site.client_ssl,
        )
        monkeypatch.setattr(options, "link_options", lambda settings: links)
        code = await asyncio.to_thread(
            commands.main, ["check", "--profile", "content", "--format", "json", str(SEED)]
        )
        assert sum(site.requests.values()) == 0
        document = json.loads(capsys.readouterr().out)
        assert code == 1 and "links" not in document["summary"]
        # the same run with the default profile does send them: the server is really there
        await asyncio.to_thread(commands.main, ["check", "--format", "json", str(SEED)])
        assert sum(site.requests.values()) > 0
        assert json.loads(capsys.readouterr().out)["summary"]["links"]["urls"] == 16


def test_rule_selection_that_reads_no_link_results_needs_no_crawl() -> None:
    assert make_plan().reads_link_results
    assert not make_plan(profile="content").reads_link_results
    assert not make_plan(selection=Selection(select=("placeholder-text",))).reads_link_results
    assert make_plan(selection=Selection(select=("link-dead",))).reads_link_results


def test_private_hosts_reach_the_crawler() -> None:
    args = commands._parser().parse_args(
        ["check", "--allow-private-host", "Intranet.Example.", "--allow-private-host", "wiki.example", "x.md"]
    )
    config = options.link_options(options.settings_of(args)).config
    assert config.private_host_allowlist == frozenset({"intranet.example", "wiki.example"})
    assert not config.allow_private


def test_rules_json_is_the_formatters(capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["rules", "--format", "json", "--profile", "ci"]) == 0
    document = json.loads(capsys.readouterr().out)
    levels = {rule["id"]: (rule["level"], rule["default_level"]) for rule in document["rules"]}
    assert levels["link-error"] == ("warning", "error")
    assert levels["link-slow"] == ("off", "info")
    assert levels["structure-unclosed"] == ("error", "error")


def test_profile_error_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["rules", "--profile", "nope"]) == 2
    assert "checker: error: --profile: unknown profile 'nope'" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        make_plan(profile="nope")


def test_output_in_the_config_file_and_the_flags_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".checker.yaml").write_text("offline: true\nformat: json\noutput: text=out/findings.txt\n")
    assert commands.main(["check", str(SEED)]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["findings"] == 14
    assert (tmp_path / "out" / "findings.txt").read_text().endswith("2 errors, 12 warnings in 1 page\n")
    # an --output to the terminal on the command line beats the file's format
    assert commands.main(["check", "--output", "text", str(SEED)]) == 1
    assert capsys.readouterr().out.endswith("2 errors, 12 warnings in 1 page\n")
    assert commands.main(["check", "--format", "json", "--output", "text", str(SEED)]) == 2
    assert "give --format or an --output without =PATH, not both" in capsys.readouterr().err


def test_output_is_the_same_whatever_the_hash_seed() -> None:
    """Findings at the same place and rule keep the order the checks made them in: no set order leaks."""
    documents = []
    for seed in ("1", "7"):
        result = subprocess.run(
            [sys.executable, "-m", "checker", "check", "--offline", "--format", "json", str(FIXTURES)],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        documents.append(json.loads(result.stdout)["findings"])
    assert documents[0] == documents[1] and len(documents[0]) > 200


def test_summary_counts_only_the_urls_not_checked() -> None:
    some = Report((), ("a.md",), links=LinkSummary(17, 1, 0.5, True, unchecked=16))
    assert summary(some) == (
        "no problems in 1 page; 1 URL checked with 1 request in 0.50s, 16 not checked (network unavailable)"
    )
    every = Report((), ("a.md",), links=LinkSummary(16, 0, 0.1, True, unchecked=16))
    assert summary(every) == "no problems in 1 page; 16 URLs not checked (network unavailable)"
