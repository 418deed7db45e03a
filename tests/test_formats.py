"""The CI formats (github, sarif, junit, markdown): golden files, the SARIF schema, JUnit counts,
GitHub's escaping, the job summary and the automatic choice of ``github`` in GitHub Actions.

Golden files: ``fixtures/formats/report.*`` are each format's output for ``synthetic_report()``,
compared byte for byte. After a deliberate change of a format, rewrite them with

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_formats.py

and read the diff before committing it. The Markdown golden file is ``report.markdown.txt``, not
``*.md``, so that ``tests/test_fixtures.py`` does not take it for a page.

The SARIF logs are validated against the official schema shipped in ``fixtures/sarif/`` (see its
README.txt), with the validator its ``$schema`` names and no network: every ``$ref`` is local.
"""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import checker
from checker.cli import main
from checker.cli.outputs import outputs_for
from checker.config.settings import Settings
from checker.engine.plan import make_plan
from checker.engine.run import check
from checker.errors import InputError, Origin
from checker.model.finding import Finding, Severity
from checker.model.links import LinkResult, LinkStatus
from checker.model.page import Span
from checker.model.report import LinkSummary, Report, RuleFailure, RuleInfo
from checker.output import FORMATS, OutputOptions, github, junit, markdown, sarif
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "formats"
SCHEMAS = sorted((FIXTURES / "sarif").glob("sarif-schema-2.1.0*.json"))
SEED = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
ROOT = "/srv/site"  # the synthetic report's root, and the working folder its SARIF is made in
OUTSIDE = "not on a line changed since origin/main"
HOSTILE = 'placeholder text ("100% TBC: see <script>alert(1)</script> | a, b")\nsecond line'
GOLDEN_FILES = {
    "github": "report.github.txt",
    "sarif": "report.sarif.json",
    "junit": "report.junit.xml",
    "markdown": "report.markdown.txt",
}


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests choose the environment they need, wherever the suite itself runs."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def fixed_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF made as if in ``ROOT``, by a checker whose version does not change the golden file."""
    monkeypatch.setattr(sarif, "working_folder", lambda: ROOT)
    monkeypatch.setattr(sarif, "tool_version", lambda: "0.0.0-golden")


def rule(
    rule_id: str,
    level: Severity | None,
    default: Severity,
    description: str,
    fix: str | None = None,
    *,
    kind: str | None = None,
) -> RuleInfo:
    return RuleInfo(rule_id, kind or rule_id, level, default, description, fix, f"rules/{rule_id}.yaml")


RULES = (
    rule(
        "crest-missing",
        Severity.ERROR,
        Severity.ERROR,
        "A department heading with no crest. The page shows no crest.",
        "Add {{: .{crest}}} on the line directly below the heading",
    ),
    rule("department-order", None, Severity.WARNING, "Department blocks appear in the publication's order."),
    rule(
        "department-unknown",
        Severity.ERROR,
        Severity.WARNING,
        "A department heading that matches no name in departments.yaml, e.g. a typo.",
        "{suggestion}",
    ),
    rule(
        "link-insecure",
        Severity.WARNING,
        Severity.WARNING,
        "A plain http:// link.",
        "Use {suggested} if the site serves it",
    ),
    rule(
        "link-slow",
        Severity.INFO,
        Severity.INFO,
        "The link works but the server is slow.",
        kind="link-status",
    ),
    rule(
        "placeholder-text",
        Severity.ERROR,
        Severity.ERROR,
        'A statement that stands in for a response: "Coming soon...", TBC | TBA.',
        "Replace it with the department's response",
        kind="statement-pattern",
    ),
)


def finding(
    path: str,
    span: tuple[int, int, int, int],
    rule_id: str,
    severity: Severity,
    message: str,
    *,
    fingerprint: str,
    **extra: Any,
) -> Finding:
    return Finding(rule_id, severity, path, Span.of(*span), message, fingerprint=fingerprint, **extra)


def synthetic_report() -> Report:
    """Several rules and levels over two pages: an exempt finding, a message full of characters
    that each format must escape, a department with "&", a rule that failed on a page and one that
    failed outside any, an unreadable page, hidden findings and a checked link."""
    slow = LinkResult(
        url="https://www.example.gov.uk/slow",
        status=LinkStatus.OK,
        status_code=200,
        final_url="https://www.example.gov.uk/slow",
        redirects=(),
        permanent_redirect=False,
        error_kind=None,
        detail="",
        elapsed=12.5,
        attempts=1,
        content_type="text/html",
        anchors=None,
        checked_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    findings = (
        finding(
            "pages/_action01.md",
            (5, 1, 5, 14),
            "placeholder-text",
            Severity.ERROR,
            f"Department for Business, Innovation & Skills: the statement is {HOSTILE}",
            fingerprint="a1b2c3d4e5f6a7b8c9d0",
            fix="Replace it with the department's response",
            department="Department for Business, Innovation & Skills",
        ),
        finding(
            "pages/_action01.md",
            (9, 20, 9, 60),
            "link-insecure",
            Severity.WARNING,
            'the link "Read more »" uses insecure http:// (http://www.example.gov.uk/strategy)',
            fingerprint="0f1e2d3c4b5a69788796",
            fix="Use https://www.example.gov.uk/strategy if the site serves it",
            department="Cabinet Office",
            url="http://www.example.gov.uk/strategy",
        ),
        finding(
            "pages/_action01.md",
            (12, 3, 12, 40),
            "link-slow",
            Severity.INFO,
            "the link took 12.5s to answer (https://www.example.gov.uk/slow)",
            fingerprint="5566778899aabbccddee",
            department="Cabinet Office",
            url="https://www.example.gov.uk/slow",
            link=slow,
        ),
        finding(
            "pages/_action02.md",
            (3, 1, 4, 1),
            "crest-missing",
            Severity.ERROR,
            "Home Office: the heading has no crest",
            fingerprint="ffeeddccbbaa99887766",
            fix="Add {: .logo-ho} on the line directly below the heading",
            department="Home Office",
            exempt=OUTSIDE,
        ),
        finding(
            "pages/_action02.md",
            (7, 4, 7, 28),
            "department-unknown",
            Severity.ERROR,
            'no department is called "Ministry of Magic"',
            fingerprint="13579bdf02468ace1357",
            fix='Did you mean "Ministry of Justice"?',
            department="Ministry of Magic",
        ),
    )
    return Report(
        findings=findings,
        files=("pages/_action01.md", "pages/_action02.md"),
        errors=(InputError("pages/broken.md", "is not UTF-8 text (byte 0xff at offset 12)"),),
        links=LinkSummary(urls=2, requests=3, elapsed=13.25, network_down=False, cached=1),
        notes=("1 link was checked from the link store",),
        rules=RULES,
        link_results={"https://www.example.gov.uk/slow": slow},
        failures=(
            RuleFailure("link-insecure", "pages/_action02.md", "ValueError: bad URL"),
            RuleFailure("link-slow", None, "KeyError: 'elapsed'"),
        ),
        hidden={"below --min-level info": 2},
        root=ROOT,
        started=datetime(2026, 1, 2, 3, 4, 0, tzinfo=UTC),
        finished=datetime(2026, 1, 2, 3, 4, 30, tzinfo=UTC),
    )


def render(name: str, report: Report, options: OutputOptions | None = None) -> str:
    stream = io.StringIO()
    FORMATS[name].write(report, stream, options or OutputOptions())
    return stream.getvalue()


def schema_validator(path: Path) -> Any:
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def corpus_report() -> Report:
    return check([str(FIXTURES / "corpus")], make_plan())


# golden files


@pytest.mark.usefixtures("fixed_run")
@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden(name: str) -> None:
    path = GOLDEN / GOLDEN_FILES[name]
    output = render(name, synthetic_report())
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(output.encode("utf-8"))
    assert output.encode("utf-8") == path.read_bytes(), f"{name} differs from {path} (UPDATE_GOLDEN=1)"


def test_registry_names_every_format() -> None:
    assert list(FORMATS) == ["text", "json", "github", "sarif", "junit", "markdown"]
    for name, formatter in FORMATS.items():
        assert formatter.name == name and formatter.description


@pytest.mark.parametrize("name", ["github", "sarif", "junit", "markdown"])
def test_rules_listing(name: str) -> None:
    stream = io.StringIO()
    FORMATS[name].write_rules(RULES, stream, OutputOptions())
    assert "placeholder-text" in stream.getvalue()


def test_no_run_times_in_the_ci_formats() -> None:
    report = synthetic_report()
    for name in GOLDEN_FILES:
        output = render(name, report)
        assert "2026-01-02" not in output, name


# SARIF


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda path: path.name)
def test_sarif_synthetic_is_valid(schema: Path) -> None:
    schema_validator(schema).validate(json.loads(render("sarif", synthetic_report())))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda path: path.name)
def test_sarif_real_run_is_valid(schema: Path, corpus_report: Report) -> None:
    assert len(corpus_report.findings) > 100
    log = json.loads(render("sarif", corpus_report))
    schema_validator(schema).validate(log)
    (run,) = log["runs"]
    assert len(run["results"]) == len(corpus_report.findings)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(corpus_report.root).as_uri() + "/"
    fingerprints = [result["partialFingerprints"]["checkerFingerprint/v1"] for result in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    rules = run["tool"]["driver"]["rules"]
    for result, found in zip(run["results"], corpus_report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == found.rule
        location = result["locations"][0]["physicalLocation"]
        resolved = (Path.cwd() / found.path).resolve()
        assert Path(corpus_report.root, location["artifactLocation"]["uri"]) == resolved
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] == found.line
        assert location["region"]["endColumn"] == found.span.end.column


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda path: path.name)
def test_sarif_rules_listing_is_valid(schema: Path) -> None:
    stream = io.StringIO()
    FORMATS["sarif"].write_rules(RULES, stream, OutputOptions())
    log = json.loads(stream.getvalue())
    schema_validator(schema).validate(log)
    assert "results" not in log["runs"][0]


def test_schema_validation_catches_a_bad_log() -> None:
    log = json.loads(render("sarif", synthetic_report()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    for schema in SCHEMAS:
        with pytest.raises(jsonschema.ValidationError):
            schema_validator(schema).validate(log)


@pytest.mark.usefixtures("fixed_run")
def test_sarif_content() -> None:
    log = json.loads(render("sarif", synthetic_report()))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///srv/site/"}}
    rules = {entry["id"]: entry for entry in run["tool"]["driver"]["rules"]}
    assert rules["crest-missing"]["shortDescription"]["text"] == "A department heading with no crest."
    assert rules["crest-missing"]["help"]["text"].endswith(
        "Fix: Add {: .<crest>} on the line directly below the heading"
    )
    assert (
        rules["department-unknown"]["help"]["text"] == rules["department-unknown"]["fullDescription"]["text"]
    )
    assert rules["department-unknown"]["defaultConfiguration"] == {"level": "warning"}
    assert rules["link-slow"]["defaultConfiguration"] == {"level": "note"}
    overrides = run["invocations"][0]["ruleConfigurationOverrides"]
    assert [(o["descriptor"]["id"], o["configuration"]) for o in overrides] == [
        ("department-order", {"enabled": False}),
        ("department-unknown", {"level": "error"}),
    ]
    by_rule = {result["ruleId"]: result for result in run["results"]}
    assert by_rule["crest-missing"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": OUTSIDE}
    ]
    assert all(
        "suppressions" not in result for result in run["results"] if result["ruleId"] != "crest-missing"
    )
    assert by_rule["crest-missing"]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 1,
        "endLine": 4,
        "endColumn": 1,
    }
    assert by_rule["placeholder-text"]["message"]["text"].endswith(
        "second line\nFix: Replace it with the department's response"
    )
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_paths_are_rebased_on_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sarif, "working_folder", lambda: "/srv/site/sub")
    report = Report(
        findings=(
            finding("a b.md", (1, 1, 1, 2), "link-slow", Severity.INFO, "x", fingerprint="1"),
            finding("../../elsewhere/c.md", (1, 1, 1, 2), "link-slow", Severity.INFO, "y", fingerprint="2"),
        ),
        files=("a b.md", "../../elsewhere/c.md"),
        rules=RULES,
        root="/srv/site",
    )
    results = json.loads(render("sarif", report))["runs"][0]["results"]
    locations = [result["locations"][0]["physicalLocation"]["artifactLocation"] for result in results]
    assert locations == [
        {"uri": "sub/a%20b.md", "uriBaseId": "%SRCROOT%"},
        {"uri": "file:///srv/elsewhere/c.md"},
    ]


def test_sarif_version_is_the_package_version() -> None:
    assert sarif.tool_version() == checker.__version__


# JUnit


def junit_counts(element: ET.Element) -> dict[str, int]:
    return {key: int(element.get(key, "-1")) for key in ("tests", "failures", "errors", "skipped")}


def check_junit_counts(root: ET.Element) -> None:
    assert root.tag == "testsuites"
    total = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        actual = {
            "tests": len(cases),
            "failures": sum(1 for case in cases if case.find("failure") is not None),
            "errors": sum(1 for case in cases if case.find("error") is not None),
            "skipped": sum(1 for case in cases if case.find("skipped") is not None),
        }
        assert junit_counts(suite) == actual, suite.get("name")
        for case in cases:
            assert case.get("classname") == suite.get("name")
            assert len([child for child in case if child.tag in ("failure", "error", "skipped")]) <= 1
        for key in total:
            total[key] += actual[key]
    assert junit_counts(root) == total


def test_junit_counts_add_up() -> None:
    report = synthetic_report()
    root = ET.fromstring(render("junit", report))
    check_junit_counts(root)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == ["pages/_action01.md", "pages/_action02.md", "pages/broken.md", "checker"]
    enabled = [info.id for info in RULES if info.level is not None]
    page = suites["pages/_action01.md"]
    assert [case.get("name") for case in page.findall("testcase")] == enabled
    cases = {case.get("name"): case for case in page.findall("testcase")}
    failure = cases["placeholder-text"].find("failure")
    assert failure is not None
    assert failure.get("message") == f"1 finding: {report.findings[0].message}"
    assert failure.get("type") == "error"
    assert failure.text is not None and failure.text.startswith("5:1 error: Department for Business")
    # a warning below --fail-on error does not fail its test case; the finding is in system-out
    assert cases["link-insecure"].find("failure") is None
    assert "9:20 warning" in (cases["link-insecure"].findtext("system-out") or "")
    second = {case.get("name"): case for case in suites["pages/_action02.md"].findall("testcase")}
    assert second["crest-missing"].find("failure") is None
    assert f"(exempt: {OUTSIDE})" in (second["crest-missing"].findtext("system-out") or "")
    assert second["link-insecure"].find("error") is not None
    assert second["department-unknown"].find("failure") is not None
    (unreadable,) = suites["pages/broken.md"].findall("testcase")
    assert unreadable.get("name") == junit.READ_CASE and unreadable.find("error") is not None
    (run_failure,) = suites["checker"].findall("testcase")
    assert run_failure.get("name") == "link-slow" and run_failure.find("error") is not None
    assert junit_counts(root) == {"tests": 12, "failures": 2, "errors": 3, "skipped": 0}


def test_junit_real_run(corpus_report: Report) -> None:
    root = ET.fromstring(render("junit", corpus_report))
    check_junit_counts(root)
    assert len(root.findall("testsuite")) == len(corpus_report.files)
    failed = {(f.path, f.rule) for f in corpus_report.failing}
    assert int(root.get("failures", "0")) == len(failed)


def test_junit_keeps_what_xml_cannot_hold() -> None:
    report = Report(
        findings=(
            finding(
                "p.md", (1, 1, 1, 2), "placeholder-text", Severity.ERROR, "a\x1bb & <c>", fingerprint="1"
            ),
        ),
        files=("p.md",),
        rules=RULES,
    )
    failure = ET.fromstring(render("junit", report)).find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "1 finding: a\\x1bb & <c>"


# GitHub


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("%0A", "%250A", "%250A"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_github_escaping(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


def test_github_annotations() -> None:
    report = synthetic_report()
    lines = render("github", report).splitlines()
    assert lines[0] == (
        "::error file=pages/_action01.md,line=5,endLine=5,col=1,endColumn=14,"
        "title=placeholder-text (Department for Business%2C Innovation & Skills)"
        "::Department for Business, Innovation & Skills: the statement is placeholder text "
        '("100%25 TBC: see <script>alert(1)</script> | a, b")%0Asecond line'
        "%0AFix: Replace it with the department's response"
    )
    assert lines[1].startswith("::warning file=pages/_action01.md,line=9,endLine=9,col=20,endColumn=60,")
    assert lines[2].startswith("::notice file=pages/_action01.md,line=12,")
    assert lines[3].startswith("::error file=pages/_action02.md,line=7,")
    # the exempt finding is no annotation, only a line in a collapsed group
    assert not any(line.startswith("::") and "crest-missing" in line for line in lines)
    group = lines.index("::group::1 finding not annotated (exempt from the check)")
    assert lines[group + 1] == (
        "pages/_action02.md:3:1: error: Home Office: the heading has no crest [crest-missing] "
        f"(exempt: {OUTSIDE})"
    )
    assert lines[group + 2] == "::endgroup::"
    unreadable = "::error file=pages/broken.md,title=checker%3A page not read::is not UTF-8 text"
    assert any(line.startswith(unreadable) for line in lines)
    # every line is either a workflow command or plain text that starts none
    assert all(line.startswith("::") or not line.startswith(":") for line in lines)


def test_github_multiline_span_has_no_columns() -> None:
    span = finding("p.md", (3, 2, 5, 7), "structure-unclosed", Severity.ERROR, "m", fingerprint="1")
    assert github.location(span) == {"file": "p.md", "line": 3, "endLine": 5}
    to_next_line = finding("p.md", (3, 2, 4, 1), "structure-unclosed", Severity.ERROR, "m", fingerprint="1")
    assert github.location(to_next_line) == {"file": "p.md", "line": 3, "endLine": 3, "col": 2}


def test_step_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("# An earlier step\n", encoding="utf-8")
    report = synthetic_report()
    options = OutputOptions(environ={"GITHUB_STEP_SUMMARY": str(summary)})
    first = render("github", report, options)
    render("github", report, options)
    expected = "# An earlier step\n" + markdown.document(report) * 2
    assert summary.read_text(encoding="utf-8") == expected
    assert first == render("github", report)  # the log is the same with or without the summary


def test_step_summary_not_written_is_a_warning(tmp_path: Path) -> None:
    options = OutputOptions(environ={"GITHUB_STEP_SUMMARY": str(tmp_path)})  # a folder
    lines = render("github", synthetic_report(), options).splitlines()
    assert lines[-1].startswith("::warning::checker: the job summary could not be written to ")


def test_step_summary_only_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "never.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))  # the real environment is not read
    render("github", synthetic_report())
    assert not summary.exists()


# the automatic choice in GitHub Actions


@pytest.fixture
def in_github_actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    summary = tmp_path / "summary.md"
    summary.write_text("", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    yield summary


def test_github_actions_picks_github(capsys: pytest.CaptureFixture[str], in_github_actions: Path) -> None:
    code = main(["check", "--offline", SEED])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("::warning file=") and "\n::error file=" in out
    assert out.endswith("2 errors, 12 warnings in 1 page\n")
    assert in_github_actions.read_text(encoding="utf-8").startswith("### ❌ checker failed")


def test_format_text_overrides_github_actions(
    capsys: pytest.CaptureFixture[str], in_github_actions: Path
) -> None:
    assert main(["check", "--offline", "--format", "text", SEED]) == 1
    out = capsys.readouterr().out
    assert "::" not in out and out.endswith("2 errors, 12 warnings in 1 page\n")
    assert in_github_actions.read_text(encoding="utf-8") == ""
    assert main(["check", "--offline", "--output", "json", SEED]) == 1
    assert json.loads(capsys.readouterr().out)["version"] == 2


def test_outputs_for_environ() -> None:
    actions = {"GITHUB_ACTIONS": "true"}
    assert [o.format for o in outputs_for(Settings(), actions)] == ["github"]
    assert [o.format for o in outputs_for(Settings(), {"GITHUB_ACTIONS": "false"})] == ["text"]
    assert [o.format for o in outputs_for(Settings(), {})] == ["text"]
    configured = Settings(format="text", origins={"format": Origin(".checker.yaml", 3)})
    assert [o.format for o in outputs_for(configured, actions)] == ["text"]
    to_file = Settings(output=("sarif=out.sarif",), origins={"output": Origin("--output")})
    assert [(o.format, o.path) for o in outputs_for(to_file, actions)] == [
        ("github", None),
        ("sarif", Path("out.sarif")),
    ]


# Markdown


def test_markdown_escapes_content() -> None:
    document = markdown.document(synthetic_report())
    assert "<script>" not in document
    assert '&lt;script&gt;alert(1)&lt;/script&gt; \\| a, b")<br>second line' in document
    assert "Innovation &amp; Skills" in document
    for line in document.splitlines():
        if line.startswith("| pages/"):
            assert line.count(" | ") == 4, line  # no cell was split by a "|" in the content


def test_markdown_keeps_it_short() -> None:
    findings = (
        *(
            finding("p.md", (n, 1, n, 2), "placeholder-text", Severity.ERROR, f"m{n}", fingerprint=str(n))
            for n in range(1, 61)
        ),
        finding("p.md", (70, 1, 70, 2), "link-slow", Severity.INFO, "slow", fingerprint="x"),
    )
    document = markdown.document(Report(findings=findings, files=("p.md",), rules=RULES))
    rows = [line for line in document.splitlines() if line.startswith("| p.md:")]
    assert len(rows) == markdown.MAX_ROWS
    assert "… and 10 more" in document
    assert "… and 1 more" in document  # the other table has no rows left
    assert document.startswith("### ❌ checker failed: 60 findings at error or above\n")


def test_markdown_passes_when_nothing_fails() -> None:
    report = Report(findings=(), files=("p.md",), rules=RULES)
    assert markdown.document(report) == "### ✅ checker passed\n\nno problems in 1 page\n"
