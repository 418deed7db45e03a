"""The command line, end to end: formats, exit codes, bad input."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli import main
from tests.conftest import FIXTURES, ROOT, shown

SEED = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
CLEAN = str(FIXTURES / "cases" / "clean-page.md")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sample_page_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--offline", SEED)
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "2 errors, 12 warnings in 1 page"
    findings = [line for line in lines if not line.startswith("    fix:")][:-1]
    assert len(findings) == 14
    assert (
        f"{shown(SEED)}:41:1: error: Department for Communities and Local Government: "
        'the statement is placeholder text ("Coming soon..."), '
        "not the department's response [placeholder-text]"
    ) in findings
    assert lines[lines.index(next(line for line in lines if ":25:279:" in line)) + 1] == (
        "    fix: Use https://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy"
        " if the site serves it"
    )
    assert "\033[" not in out  # no colour when not on a terminal


def test_sample_page_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--offline", "--format", "json", SEED)
    assert code == 1
    document = json.loads(out)
    assert document["version"] == 2
    assert document["summary"] == {
        "files": 1,
        "findings": 14,
        "errors": 2,
        "warnings": 12,
        "infos": 0,
        "unreadable": 0,
        "hidden": 0,
        "rule_failures": 0,
    }
    first = document["findings"][0]
    assert set(first) >= {"rule", "severity", "path", "line", "column", "message", "department", "url"}
    assert first["rule"] == "link-insecure" and first["severity"] == "warning"
    assert first["department"] == "Cabinet Office"
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in document["findings"]]
    assert keys == sorted(keys)


def test_colour_when_forced(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", "--offline", "--color", "always", SEED)
    assert "\033[31merror\033[0m" in out


def test_clean_page_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--offline", CLEAN)
    assert (code, out) == (0, "no problems in 1 page\n")


def test_warnings_only_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "check", "--offline", str(FIXTURES / "cases" / "bom-crlf.md"))
    assert code == 0


def test_folders_and_globs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--offline", "--format", "json", str(FIXTURES / "corpus"))
    assert code == 1
    assert json.loads(out)["summary"]["files"] == 17
    code, out, _ = run(
        capsys, "check", "--offline", "--format", "json", str(FIXTURES / "corpus" / "*" / "_action0*.md")
    )
    assert json.loads(out)["summary"]["files"] == 9


def test_bad_files_are_named_and_the_rest_still_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.md"
    latin1.write_bytes("{{DEPARTMENTRESPONSE}}\nCaf\xe9\n".encode("latin-1"))
    folder = tmp_path / "folder.md"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    missing = tmp_path / "missing.md"
    code, out, err = run(capsys, "check", "--offline", str(latin1), CLEAN, str(missing), str(folder))
    assert code == 2
    assert f"{latin1}:2: is not UTF-8 text (byte 0xe9 in column 4); save it as UTF-8" in err
    assert f"{missing}: does not exist" in err
    assert f"{folder}: is a folder with no pages" in err
    assert "Traceback" not in err
    assert out.splitlines()[-1] == "no problems in 1 page; 3 files could not be checked"


def test_usage_error_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--format", "xml", CLEAN)
    assert (code, out) == (2, "")
    assert (
        "checker: error: --format: unknown format 'xml' (allowed: text, json, github, sarif, junit, markdown)"
        in err
    )
    with pytest.raises(SystemExit) as caught:
        main(["check", "--min-level", "fatal", CLEAN])
    assert caught.value.code == 2
    assert "'fatal' is not one of: info, warning, error" in capsys.readouterr().err


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    ids = [line.split()[0] for line in out.splitlines()]
    for rule in (
        "structure-unclosed",
        "structure-detached-attributes",
        "placeholder-text",
        "statement-empty",
        "read-more-missing",
        "link-missing-url",
        "link-malformed",
        "link-insecure",
        "crest-missing",
        "crest-unknown",
        "crest-mismatch",
        "department-unknown",
        "department-duplicate",
        "department-order",
    ):
        assert rule in ids
    levels = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert levels["link-insecure"] == "warning"
    code, out, _ = run(capsys, "rules", "--profile", "content")
    levels = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert levels["link-insecure"] == "off" and levels["link-dead"] == "off"


def test_internal_error_exit_three(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("checker.cli.running.run", explode)
    code, _, err = run(capsys, "check", "--offline", CLEAN)
    assert code == 3
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "checker", "check", "--offline", CLEAN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "no problems in 1 page\n")


@pytest.mark.parametrize(
    ("closed", "argv", "code"),
    [
        ("2>&-", ["check", "--offline", "--timings", SEED], 1),
        (">&-", ["check", "--offline", SEED], 1),
        (">&- 2>&-", ["check", "--offline", "--format", "json", SEED], 1),
        ("2>&-", ["check", "--offline", "--no-such-flag", SEED], 2),
        ("2>&-", ["check", "--offline", "missing.md"], 2),
    ],
)
def test_a_closed_standard_stream_is_written_to_nowhere(closed: str, argv: list[str], code: int) -> None:
    """``checker ... 2>&-``: Python starts with that stream as None; the run still ends with its own
    verdict's exit code, not an internal error, and writes the rest as usual."""
    command = shlex.join([sys.executable, "-m", "checker", *argv]) + " " + closed
    done = subprocess.run(
        ["sh", "-c", command], check=False, capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == code, (done.stdout, done.stderr)
    if ">&-" not in closed and code == 1:
        assert done.stdout.splitlines()[-1] == "2 errors, 12 warnings in 1 page"
