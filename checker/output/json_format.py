"""Machine-readable JSON: ``{"version": 1, "findings": [...], "summary": {...}, "errors": [...]}``."""

from __future__ import annotations

import json
from typing import Any, TextIO

from checker.finding import Finding, Severity
from checker.report import Report

VERSION = 1


def finding_record(finding: Finding) -> dict[str, Any]:
    return {
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
        **({"evidence": dict(finding.evidence)} if finding.evidence else {}),
    }


def document(report: Report) -> dict[str, Any]:
    counts = report.counts()
    summary: dict[str, Any] = {
        "files": len(report.files),
        "findings": len(report.findings),
        **{f"{level.label}s": counts[level] for level in sorted(Severity, reverse=True)},
        "unreadable": len(report.errors),
    }
    if report.links is not None:
        summary["links"] = {
            "urls": report.links.urls,
            "requests": report.links.requests,
            "elapsed": round(report.links.elapsed, 3),
            "network_down": report.links.network_down,
        }
    return {
        "version": VERSION,
        "findings": [finding_record(finding) for finding in report.findings],
        "summary": summary,
        "errors": [
            {"path": error.path, "line": error.line, "message": error.message} for error in report.errors
        ],
        "notes": list(report.notes),
    }


def write(report: Report, stream: TextIO, colour: bool) -> None:
    json.dump(document(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
