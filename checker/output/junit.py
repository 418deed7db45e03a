"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure, test-reporter actions).

    <testsuites name="checker" tests failures errors skipped>
      <testsuite name="PAGE" ...>                       one per page
        <testcase classname="PAGE" name="RULE-ID">      one per page and rule that ran (not off)
          <failure message="2 findings: ..." type="error">41:1 error: ...</failure>

A test case fails when it has findings that fail the check (``Report.failing``: at ``--fail-on``
or above and not exempt), so the report agrees with the exit code; its ``<failure>`` lists
them, one ``line:col level: message`` each (and the fix). Findings that do not fail the check
(exempt ones, with why, and those below ``--fail-on``) are listed in the test case's
``<system-out>`` and the test case passes. A rule that raised on a page is an ``<error>`` of
that test case (one that raised outside any page: a test case of the suite ``checker``); a page
that could not be read is a test case ``read`` of its suite, with an ``<error>``. Counts
(``tests``, ``failures``, ``errors``, ``skipped``) are on every suite and on the root. No
times or timestamps: the same report gives the same bytes. Built with ``xml.etree``, so
everything is escaped; characters XML 1.0 cannot hold are written as ``\\xNN``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from checker.model.finding import Finding
from checker.model.report import Report, RuleFailure, RuleInfo
from checker.output import text
from checker.output.base import OutputOptions

RUN_SUITE = "checker"  # the suite of rules that failed outside any page
READ_CASE = "read"  # the test case of a page that could not be read

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


def _finding_line(finding: Finding) -> str:
    line = f"{finding.line}:{finding.column} {finding.severity.label}: {finding.message}"
    return line + (f"\n    fix: {finding.fix}" if finding.fix else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass
class _Case:
    findings: list[Finding] = field(default_factory=list)
    failures: list[RuleFailure] = field(default_factory=list)


@dataclass
class _Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0

    def attributes(self) -> dict[str, str]:
        return {
            "tests": str(self.tests),
            "failures": str(self.failures),
            "errors": str(self.errors),
            "skipped": "0",
        }

    def add(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors


@dataclass(frozen=True)
class _Run:
    report: Report
    failing: frozenset[int]  # id() of the findings that fail the check


def _testcase(suite: ET.Element, page: str, rule: str, case: _Case, *, run: _Run, counts: _Counts) -> None:
    element = ET.SubElement(suite, "testcase", classname=_clean(page), name=_clean(rule))
    counts.tests += 1
    failing = [finding for finding in case.findings if id(finding) in run.failing]
    passing = [finding for finding in case.findings if id(finding) not in run.failing]
    if case.failures:
        counts.errors += 1
        first = case.failures[0]
        error = ET.SubElement(
            element, "error", message=_clean(f"internal error: {first.error}"), type="internal"
        )
        error.text = _clean("\n".join(failure.error for failure in case.failures))
        passing = case.findings
    elif failing:
        counts.failures += 1
        message = f"{_plural(len(failing), 'finding')}: {failing[0].message}"
        worst = max(finding.severity for finding in failing)
        failure = ET.SubElement(element, "failure", message=_clean(message), type=worst.label)
        failure.text = _clean("\n".join(_finding_line(finding) for finding in failing))
    if passing:
        lines = []
        for finding in passing:
            if finding.exempt is not None:
                why = f"exempt: {finding.exempt}"
            elif case.failures:
                why = "reported before the rule failed"
            else:
                why = f"below {run.report.fail_on.label}: does not fail the check"
            lines.append(f"{_finding_line(finding)}\n    ({why})")
        ET.SubElement(element, "system-out").text = _clean("\n".join(lines))


def document(report: Report) -> ET.Element:
    enabled = [rule.id for rule in report.rules if rule.level is not None]
    cases: dict[str, dict[str, _Case]] = {}
    for page in report.files:
        cases.setdefault(page, {})
    for finding in report.findings:
        cases.setdefault(finding.path, {}).setdefault(finding.rule, _Case()).findings.append(finding)
    run_failures: list[RuleFailure] = []
    for failure in report.failures:
        if failure.path is None:
            run_failures.append(failure)
        else:
            cases.setdefault(failure.path, {}).setdefault(failure.rule, _Case()).failures.append(failure)
    unreadable = {error.path: error for error in report.errors}
    run = _Run(report, frozenset(id(finding) for finding in report.failing))

    root = ET.Element("testsuites", name="checker")
    total = _Counts()
    for page in sorted(cases.keys() | unreadable.keys()):
        suite = ET.SubElement(root, "testsuite", name=_clean(page))
        counts = _Counts()
        if page in unreadable:
            read = ET.SubElement(suite, "testcase", classname=_clean(page), name=READ_CASE)
            error = unreadable[page]
            ET.SubElement(read, "error", message=_clean(error.message), type="unreadable").text = _clean(
                str(error)
            )
            counts.tests += 1
            counts.errors += 1
        page_cases = cases.get(page, {})
        if page in report.files or page_cases:
            rules = enabled + [rule for rule in sorted(page_cases) if rule not in enabled]
            for rule in rules:
                _testcase(suite, page, rule, page_cases.get(rule, _Case()), run=run, counts=counts)
        suite.attrib.update(counts.attributes())
        total.add(counts)
    if run_failures:
        suite = ET.SubElement(root, "testsuite", name=RUN_SUITE)
        counts = _Counts()
        by_rule: dict[str, _Case] = {}
        for failure in run_failures:
            by_rule.setdefault(failure.rule, _Case()).failures.append(failure)
        for rule, failed in by_rule.items():
            _testcase(suite, RUN_SUITE, rule, failed, run=run, counts=counts)
        suite.attrib.update(counts.attributes())
        total.add(counts)
    root.attrib.update(total.attributes())
    return root


def write(report: Report, stream: TextIO) -> None:
    root = document(report)
    ET.indent(root, space="  ")
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


@dataclass(frozen=True)
class _JUnit:
    name: str = "junit"
    description: str = "JUnit XML: a test suite per page, a test case per page and rule, findings as failures"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        write(report, stream)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        text.write_rules(rules, stream, options)  # a rule list is no test report: the text listing


FORMATTER = _JUnit()
