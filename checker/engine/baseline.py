"""Baselines: today's findings recorded in a file, so that later runs fail only on new ones.

A baseline holds each finding's fingerprint (with its rule, page, line and message, for the
people reading the file in a review); a later run leaves out every finding whose fingerprint is
in it. Fingerprints do not change when lines move, so a baseline survives edits elsewhere on
the page; editing the faulty text itself makes a new finding, which fails the run.

    {"version": 1, "tool": "checker", "findings": [
       {"fingerprint": "275a6fa0a8b33c00e706", "rule": "link-insecure", "path": "pages/_action01.md",
        "line": 25, "message": "..."}, ...]}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.atomic import write_atomically
from checker.errors import CheckerError
from checker.model.finding import Finding

VERSION = 1
DEFAULT_NAME = ".checker-baseline.json"


@dataclass(frozen=True)
class Baseline:
    """The fingerprints of a baseline file; a finding filter (``checker.engine.filter``)."""

    path: str
    fingerprints: frozenset[str]

    @property
    def reason(self) -> str:
        return f"in the baseline {self.path}"

    def keep(self, finding: Finding) -> bool:
        return finding.fingerprint not in self.fingerprints


def load_baseline(path: Path) -> Baseline:
    name = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckerError(name, "does not exist; make it with `checker baseline PATH...`") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CheckerError(name, f"cannot be read: {error}") from None
    except json.JSONDecodeError as error:
        raise CheckerError(name, f"is not JSON ({error.msg})", error.lineno) from None
    if not isinstance(document, dict) or document.get("tool") != "checker":
        raise CheckerError(name, 'is not a checker baseline (no "tool": "checker")')
    if document.get("version") != VERSION:
        raise CheckerError(
            name, f"is a version {document.get('version')!r} baseline; this checker reads {VERSION}"
        )
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str) for entry in entries
    ):
        raise CheckerError(name, 'should hold "findings": a list of objects, each with a "fingerprint"')
    return Baseline(name, frozenset(entry["fingerprint"] for entry in entries))


def _record(finding: Finding) -> dict[str, Any]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
    }


def save_baseline(path: Path, findings: Sequence[Finding]) -> int:
    """Write the baseline whole or not at all; returns how many findings it holds."""
    records = sorted(
        (_record(finding) for finding in findings),
        key=lambda r: (r["path"], r["line"], r["rule"], r["fingerprint"]),
    )
    unique = list({record["fingerprint"]: record for record in records}.values())
    text = json.dumps(
        {"version": VERSION, "tool": "checker", "findings": unique}, indent=2, ensure_ascii=False
    )
    write_atomically(path, lambda stream: stream.write(text + "\n"))
    return len(unique)
