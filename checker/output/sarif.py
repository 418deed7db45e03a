"""SARIF 2.1.0, for code scanning (GitHub, Azure DevOps, IDE viewers).

One run: ``tool.driver`` with every loaded rule (id, first sentence and whole description,
help, the rule file's level as ``defaultConfiguration.level``), and one result per finding
with its rule, level, message (and fix), one physical location and a stable
``partialFingerprints["checkerFingerprint/v1"]`` (the finding's content fingerprint, which does
not move with lines or wording).

- **Locations**: ``uri`` relative to ``%SRCROOT%``, which ``originalUriBaseIds`` gives as the
  report's root (a ``file:`` URI); a page outside the root gets an absolute ``file:`` URI. The
  findings' paths are relative to the working folder, so they are rebased on the root.
- **Columns** are 1-based and count Unicode code points, as our spans do (``endColumn`` is
  exclusive in both), so the run says ``columnKind: "unicodeCodePoints"``. SARIF's default
  (and JavaScript's) is UTF-16 code units: the two differ only after a character outside the
  Basic Multilingual Plane (an emoji) on the same line.
- **Levels**: error → ``error``, warning → ``warning``, info → ``note``. Where this run's level
  differs from the rule file's (a profile), the invocation carries a
  ``ruleConfigurationOverrides`` entry; rules that are off stay in ``rules`` (their
  ``ruleIndex`` does not depend on the profile) with an override ``enabled: false``.
- **Exempt findings** (``Finding.exempt``: outside the lines a change touched, waived, in the
  baseline) keep their level and carry ``suppressions: [{"kind": "external", "status":
  "accepted", "justification": <why>}]``: SARIF's way to say "reported, and does not count",
  which viewers show as suppressed. ``baselineState`` is not used: that says whether a result
  was in an earlier run's log, which a changed-lines exemption does not know.
- **Run problems**: unreadable pages, rules that raised and notes are the invocation's
  ``toolExecutionNotifications``; ``executionSuccessful`` is false when a page could not be read
  or a rule failed. No times: the same report gives the same bytes.

``write_rules`` writes a log whose run has the rules and no ``results`` (nothing was checked).
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from checker.model.finding import Finding, Severity
from checker.model.report import Report, RuleInfo
from checker.output.base import OutputOptions

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "checkerFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def tool_version() -> str | None:
    """The installed distribution's version (``output`` may not import ``checker`` itself)."""
    try:
        return metadata.version("checker")
    except metadata.PackageNotFoundError:
        return None


def working_folder() -> str:
    """What the findings' relative paths are relative to, symbolic links resolved as the report's
    root is (a function, so that tests can fix it)."""
    return str(Path.cwd().resolve())


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def template_text(template: str) -> str:
    """A fix template for people: ``{{`` and ``}}`` as written, each field as ``<field>``."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if field is not None:
            parts.append(f"<{field}>")
    return "".join(parts)


def help_text(rule: RuleInfo) -> str:
    """The description, and the fix when its template says more than its fields."""
    if rule.fix and any(literal.strip() for literal, *_ in string.Formatter().parse(rule.fix)):
        return f"{rule.description}\n\nFix: {template_text(rule.fix)}"
    return rule.description


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": first_sentence(rule.description)},
        "fullDescription": {"text": rule.description},
        "help": {"text": help_text(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.default_level]},
        "properties": {"kind": rule.kind},
    }


class _Locator:
    """Artifact locations: relative to ``%SRCROOT%`` (the root) when below it, else absolute."""

    def __init__(self, root: str, cwd: str) -> None:
        self.cwd = cwd
        self.root = os.path.normpath(Path(cwd, root)) if root else cwd

    @property
    def base(self) -> dict[str, Any]:
        return {SRCROOT: {"uri": _file_uri(self.root).rstrip("/") + "/"}}

    def artifact(self, path: str) -> dict[str, Any]:
        absolute = os.path.normpath(Path(self.cwd, path))
        try:
            relative = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive
            relative = os.pardir
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return {"uri": quote(relative.replace(os.sep, "/")), "uriBaseId": SRCROOT}
        return {"uri": _file_uri(absolute)}


def _file_uri(path: str) -> str:
    posix = path.replace(os.sep, "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # a Windows drive: file:///C:/...
    return "file://" + quote(posix)


def _region(finding: Finding) -> dict[str, int]:
    start, end = finding.span.start, finding.span.end
    return {
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    }


def result(finding: Finding, index: int, locator: _Locator) -> dict[str, Any]:
    text = finding.message + (f"\nFix: {finding.fix}" if finding.fix else "")
    record: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": locator.artifact(finding.path),
                    "region": _region(finding),
                }
            }
        ],
    }
    if finding.fingerprint:
        record["partialFingerprints"] = {FINGERPRINT: finding.fingerprint}
    if finding.exempt is not None:
        record["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.exempt}]
    properties = {
        key: value for key, value in (("department", finding.department), ("url", finding.url)) if value
    }
    if properties:
        record["properties"] = properties
    return record


def _overrides(rules: Sequence[RuleInfo]) -> list[dict[str, Any]]:
    overrides = []
    for index, rule in enumerate(rules):
        if rule.level == rule.default_level:
            continue
        configuration = {"enabled": False} if rule.level is None else {"level": LEVELS[rule.level]}
        overrides.append({"descriptor": {"id": rule.id, "index": index}, "configuration": configuration})
    return overrides


def _driver(rules: Sequence[RuleInfo]) -> dict[str, Any]:
    driver: dict[str, Any] = {"name": "checker"}
    version = tool_version()
    if version is not None:
        driver["version"] = version
    driver["rules"] = [rule_descriptor(rule) for rule in rules]
    return driver


def _notification(level: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"level": level, "message": {"text": message}, **extra}


def _invocation(report: Report, rules: Sequence[RuleInfo], locator: _Locator) -> dict[str, Any]:
    index = {rule.id: position for position, rule in enumerate(rules)}
    notifications = []
    for error in report.errors:
        location: dict[str, Any] = {"artifactLocation": locator.artifact(error.path)}
        if error.line is not None:
            location["region"] = {"startLine": error.line}
        notifications.append(
            _notification("error", error.message, locations=[{"physicalLocation": location}])
        )
    for failure in report.failures:
        extra: dict[str, Any] = {"associatedRule": {"id": failure.rule}}
        if failure.rule in index:
            extra["associatedRule"]["index"] = index[failure.rule]
        if failure.path:
            extra["locations"] = [{"physicalLocation": {"artifactLocation": locator.artifact(failure.path)}}]
        notifications.append(_notification("error", f"internal error: {failure.error}", **extra))
    notifications += [_notification("note", note) for note in report.notes]
    invocation: dict[str, Any] = {"executionSuccessful": not (report.errors or report.failures)}
    overrides = _overrides(rules)
    if overrides:
        invocation["ruleConfigurationOverrides"] = overrides
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _run_properties(report: Report) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    if report.hidden:
        properties["hidden"] = dict(sorted(report.hidden.items()))
    if report.links is not None:
        links = report.links
        properties["links"] = {
            "urls": links.urls,
            "requests": links.requests,
            "elapsed": round(links.elapsed, 3),
            "network_down": links.network_down,
            "unchecked": links.unchecked,
            "cached": links.cached,
        }
    return properties


def log(report: Report) -> dict[str, Any]:
    """The SARIF log of ``report``, as JSON data."""
    rules = list(report.rules)
    index = {rule.id: position for position, rule in enumerate(rules)}
    for finding in report.findings:  # a finding of a rule the report does not describe
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(
                RuleInfo(finding.rule, "", finding.severity, finding.severity, finding.rule, None, "")
            )
    locator = _Locator(report.root, working_folder())
    run: dict[str, Any] = {
        "tool": {"driver": _driver(rules)},
        "invocations": [_invocation(report, rules, locator)],
        "originalUriBaseIds": locator.base,
        "results": [result(finding, index[finding.rule], locator) for finding in report.findings],
        "columnKind": "unicodeCodePoints",
    }
    properties = _run_properties(report)
    if properties:
        run["properties"] = properties
    return {"$schema": SCHEMA, "version": VERSION, "runs": [run]}


def rules_log(rules: Sequence[RuleInfo]) -> dict[str, Any]:
    run: dict[str, Any] = {"tool": {"driver": _driver(rules)}}
    overrides = _overrides(rules)
    if overrides:
        run["invocations"] = [{"executionSuccessful": True, "ruleConfigurationOverrides": overrides}]
    return {"$schema": SCHEMA, "version": VERSION, "runs": [run]}


def _dump(data: dict[str, Any], stream: TextIO) -> None:
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


@dataclass(frozen=True)
class _Sarif:
    name: str = "sarif"
    description: str = "SARIF 2.1.0 for code scanning: rules, results with locations and fingerprints"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        _dump(log(report), stream)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        _dump(rules_log(rules), stream)


FORMATTER = _Sarif()
