"""Machine-readable JSON, the documented machine format (``"version": 2``).

{"version": 2,
 "findings": [{"rule", "severity", "path", "line", "column", "end_line", "end_column",
               "message", "fix", "department", "url", "fingerprint", "fields",
               "evidence"?: {what the crawler saw, numbers as numbers}}],
 "summary": {"files", "findings", "errors", "warnings", "infos", "unreadable",
             "hidden", "rule_failures",
                 "links"?: {"urls", "requests", "elapsed", "network_down", "unchecked", "cached"}},
 "errors": [{"path", "line", "message"}],      # pages that could not be read
 "rule_failures": [{"rule", "path", "error"}], # checks that raised (exit code 3)
 "notes": [...],
 "rules": [{"id", "kind", "level", "default_level", "description", "fix", "source"}],
 "links": [{"url", "status", ...}],            # every URL checked, when links were checked
 "run": {"root", "started", "finished"}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from checker.model.finding import Finding, Severity
from checker.model.links import LinkResult
from checker.model.report import Report, RuleInfo
from checker.output.base import OutputOptions

VERSION = 2


def link_record(result: LinkResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "status": result.status.value,
        "status_code": result.status_code,
        "final_url": result.final_url,
        "redirects": [
            {"url": hop.url, "status_code": hop.status_code, "location": hop.location}
            for hop in result.redirects
        ],
        "error_kind": result.error_kind.value if result.error_kind is not None else None,
        "detail": result.detail,
        "elapsed": round(result.elapsed, 3),
        "attempts": result.attempts,
        "content_type": result.content_type,
        "checked_at": result.checked_at.isoformat() if result.checked_at else None,
    }


def finding_record(finding: Finding) -> dict[str, Any]:
    record: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.span.end.line,
        "end_column": finding.span.end.column,
        "message": finding.message,
        "fix": finding.fix,
        "department": finding.department,
        "url": finding.url,
        "fingerprint": finding.fingerprint,
        "fields": dict(finding.fields),
    }
    if finding.related:
        record["related"] = [
            {
                "path": place.path,
                "line": place.span.start.line,
                "column": place.span.start.column,
                "end_line": place.span.end.line,
                "end_column": place.span.end.column,
                "message": place.message,
            }
            for place in finding.related
        ]
    if finding.exempt is not None:
        record["exempt"] = finding.exempt  # shown, but it does not fail the run
    if finding.link is not None:
        record["evidence"] = link_record(finding.link)
    return record


def rule_record(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind,
        "level": rule.level.label if rule.level is not None else "off",
        "default_level": rule.default_level.label,
        "description": rule.description,
        "fix": rule.fix,
        "source": rule.source,
    }


def document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    summary: dict[str, Any] = {
        "files": len(report.files),
        "findings": len(report.findings),
        **{f"{level.label}s": counts[level] for level in sorted(Severity, reverse=True)},
        "unreadable": len(report.errors),
        "hidden": sum(report.hidden.values()),
        "rule_failures": len(report.failures),
    }
    if report.links is not None:
        summary["links"] = {
            "urls": report.links.urls,
            "requests": report.links.requests,
            "elapsed": round(report.links.elapsed, 3),
            "network_down": report.links.network_down,
            "unchecked": report.links.unchecked,
            "cached": report.links.cached,
        }
    return {
        "version": VERSION,
        "findings": [finding_record(finding) for finding in report.findings],
        "summary": summary,
        "errors": [
            {"path": error.path, "line": error.line, "message": error.message} for error in report.errors
        ],
        "rule_failures": [
            {"rule": failure.rule, "path": failure.path, "error": failure.error}
            for failure in report.failures
        ],
        "notes": list(report.notes),
        "rules": [rule_record(rule) for rule in report.rules],
        "links": [link_record(report.link_results[key]) for key in sorted(report.link_results)],
        "run": {
            "root": report.root,
            "started": report.started.isoformat() if report.started else None,
            "finished": report.finished.isoformat() if report.finished else None,
        },
    }


def _dump(data: dict[str, Any], stream: TextIO) -> None:
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


@dataclass(frozen=True)
class _Json:
    name: str = "json"
    description: str = "the documented machine format: findings with fingerprints, rules, link results"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        _dump(document(report), stream)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        _dump({"version": VERSION, "rules": [rule_record(rule) for rule in rules]}, stream)


FORMATTER = _Json()
