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
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
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
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "message": finding.message,
        "fix": finding.fix,
        "department": finding.department,
        "url": finding.url,
        "fingerprint": finding.fingerprint,
        "fields": dict(finding.fields),
    }
    if finding.related:
        record["related"] = _related_records(finding)
    if finding.exempt is not None:
        record["exempt"] = finding.exempt  # shown, but it does not fail the run
    if finding.link is not None:
        record["evidence"] = link_record(finding.link)
    return record


def _related_records(finding: Finding) -> list[dict[str, Any]]:
    return [
        {
            "path": place.path,
            "line": place.span.start_line,
            "column": place.span.start_column,
            "end_line": place.span.end_line,
            "end_column": place.span.end_column,
            "message": place.message,
        }
        for place in finding.related
    ]


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


class _Items:
    """A JSON array whose items are made and written one at a time (``findings``, ``links``), so
    that a report of any size is never held whole, as records or as text: each of ``items`` is
    ``record(item)`` in the document, and written by ``text(parts, item)`` when given, which adds
    the same text to ``parts``."""

    def __init__(
        self,
        items: Iterable[Any],
        record: Callable[[Any], Any],
        text: Callable[[list[str], Any], None] | None = None,
    ) -> None:
        self.items = items
        self.record = record
        self.text = text


def _sections(report: Report) -> dict[str, Any]:
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
        "findings": _Items(report.findings, finding_record, partial(_finding_text, evidence={})),
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
        "links": _Items((report.link_results[key] for key in sorted(report.link_results)), link_record),
        "run": {
            "root": report.root,
            "started": report.started.isoformat() if report.started else None,
            "finished": report.finished.isoformat() if report.finished else None,
        },
    }


def document(report: Report) -> dict[str, Any]:
    """The report as the JSON document's data."""
    return {
        key: [value.record(item) for item in value.items] if isinstance(value, _Items) else value
        for key, value in _sections(report).items()
    }


#: the C string encoder where there is one (what ``json`` itself uses with ``ensure_ascii=False``)
_string: Callable[[str], str] = json.encoder.encode_basestring
#: items (a finding, a link) gathered as text before they are written: a few hundred kilobytes
_BATCH = 512


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == math.inf:
        return "Infinity"
    if value == -math.inf:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    """A dict key as ``json`` writes it (it takes str, float, bool, None and int keys)."""
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_float(key))
    if key is True or key is False or key is None:
        return _string({True: "true", False: "false", None: "null"}[key])
    if isinstance(key, int):
        return _string(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _append(parts: list[str], value: Any, level: int) -> None:
    """``value`` as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it ``level`` deep.

    The same tests in the same order as ``json.encoder``'s own (``str`` before ``int``, ``True``
    before ``int``...), but gathering text in ``parts`` with no generator per value: the standard
    encoder has no C version when it indents. Anything else goes to ``json`` itself.
    """
    if isinstance(value, str):
        parts.append(_string(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = "\n" + "  " * (level + 1)
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            separator = "," + inner
            _append(parts, item, level + 1)
        parts.append("\n" + "  " * level + "]")
    elif isinstance(value, dict):
        _append_items(parts, value, level)
    else:  # what json would hand to ``default`` (and refuse): let it say so
        parts.append(json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level))


def _append_items(parts: list[str], mapping: Mapping[Any, Any], level: int) -> None:
    """``mapping`` as ``_append`` writes a dict ``level`` deep (any mapping: a finding's fields
    are written without being copied into a dict)."""
    if not mapping:
        parts.append("{}")
        return
    inner = "\n" + "  " * (level + 1)
    separator = "{" + inner
    for key, item in mapping.items():
        # the commonest values inline (the same text as ``_append`` gives them), else ``_append``
        name = _string(key) if type(key) is str else _key(key)
        kind = type(item)
        if kind is str:
            parts.append(f"{separator}{name}: {_string(item)}")
        elif item is None:
            parts.append(f"{separator}{name}: null")
        elif kind is int:
            parts.append(f"{separator}{name}: {int.__repr__(item)}")
        else:
            parts.append(f"{separator}{name}: ")
            _append(parts, item, level + 1)
        separator = "," + inner
    parts.append("\n" + "  " * level + "}")


def _maybe(text: str | None) -> str:
    return "null" if text is None else _string(text)


#: each level as ``_string`` writes its label
_LABELS = {level: _string(level.label) for level in Severity}


def _finding_text(
    parts: list[str], finding: Finding, evidence: dict[int, tuple[LinkResult, str]] | None = None
) -> None:
    """``finding_record(finding)`` as ``_append`` writes it in the findings array, added to ``parts``:
    made in one go for the fixed part (the fields a finding always has), its ``fields`` written as
    ``_append`` writes a dict (without copying them into one), the rest as ``_append`` does it.

    ``evidence``: the text of each link result written already, by identity (with the result, so
    that its id stays its own), for a report that names one result in many findings.
    """
    span = finding.span
    parts.append(
        f'{{\n      "rule": {_string(finding.rule)},\n      "severity": {_LABELS[finding.severity]},'
        f'\n      "path": {_string(finding.path)},\n      "line": {int.__repr__(span.start_line)},'
        f'\n      "column": {int.__repr__(span.start_column)},'
        f'\n      "end_line": {int.__repr__(span.end_line)},'
        f'\n      "end_column": {int.__repr__(span.end_column)},'
        f'\n      "message": {_string(finding.message)},'
        f'\n      "fix": {_maybe(finding.fix)},\n      "department": {_maybe(finding.department)},'
        f'\n      "url": {_maybe(finding.url)},\n      "fingerprint": {_string(finding.fingerprint)},'
        '\n      "fields": '
    )
    _append_items(parts, finding.fields, 3)
    if finding.related:
        parts.append(',\n      "related": ')
        _append(parts, _related_records(finding), 3)
    if finding.exempt is not None:
        parts.append(',\n      "exempt": ')
        _append(parts, finding.exempt, 3)
    if finding.link is not None:
        parts.append(',\n      "evidence": ')
        parts.append(_evidence_text(finding.link, evidence))
    parts.append("\n    }")


def _evidence_text(result: LinkResult, known: dict[int, tuple[LinkResult, str]] | None) -> str:
    """``link_record(result)`` as ``_append`` writes it 3 deep, once per result when ``known`` is given."""
    if known is not None:
        found = known.get(id(result))
        if found is not None and found[0] is result:
            return found[1]
    parts: list[str] = []
    _append(parts, link_record(result), 3)
    text = "".join(parts)
    if known is not None:
        known[id(result)] = (result, text)
    return text


def _write(data: Mapping[str, Any], stream: TextIO) -> None:
    """``json.dump(data, stream, indent=2, ensure_ascii=False)`` and a newline, byte for byte.

    Written in batches of a few hundred kilobytes, ``_Items`` one item at a time: the standard encoder
    writes each token on its own (a million writes for a large report).
    """
    if not data:
        stream.write("{}\n")
        return
    parts: list[str] = []
    separator = "{\n  "
    for key, value in data.items():
        parts.append(separator + _key(key) + ": ")
        separator = ",\n  "
        if not isinstance(value, _Items):
            _append(parts, value, 1)
            continue
        opening = "[\n    "
        text, count = value.text, 0
        for item in value.items:
            parts.append(opening)
            opening = ",\n    "
            if text is not None:
                text(parts, item)
            else:
                _append(parts, value.record(item), 2)
            count += 1
            if count == _BATCH:
                stream.write("".join(parts))
                parts.clear()
                count = 0
        parts.append("[]" if opening == "[\n    " else "\n  ]")
    parts.append("\n}\n")
    stream.write("".join(parts))


@dataclass(frozen=True)
class _Json:
    name: str = "json"
    description: str = "the documented machine format: findings with fingerprints, rules, link results"

    def write(self, report: Report, stream: TextIO, options: OutputOptions) -> None:
        _write(_sections(report), stream)

    def write_rules(self, rules: Sequence[RuleInfo], stream: TextIO, options: OutputOptions) -> None:
        _write({"version": VERSION, "rules": [rule_record(rule) for rule in rules]}, stream)


FORMATTER = _Json()
