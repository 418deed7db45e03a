"""Finding identities: a fingerprint from content, not from line numbers or wording.

``fingerprint = sha256(rule, page key, department, subject, occurrence)``, where the page
key is the path relative to the run's root, the subject is what the check named (a URL,
the placeholder text) or else the whitespace-collapsed source text under the finding,
and the occurrence counts identical (rule, page, department, subject) in source order.
Inserting lines above a finding, rewording a message or running on another machine
leaves it unchanged; editing the text it points at changes it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from checker.model import Page, Span
from checker.model.finding import Finding

_SPACE = re.compile(r"\s+")
_SUBJECT_LIMIT = 300


def source_text(lines: Sequence[str], span: Span) -> str:
    """The source under ``span`` (1-based, end column exclusive), whitespace collapsed."""
    start, end = span.start, span.end
    if not lines or start.line < 1 or start.line > len(lines):
        return ""
    last = min(end.line, len(lines))
    if start.line == last:
        text = lines[start.line - 1][start.column - 1 : end.column - 1]
    else:
        parts = [lines[start.line - 1][start.column - 1 :], *lines[start.line : last - 1]]
        parts.append(lines[last - 1][: end.column - 1] if end.line == last else lines[last - 1])
        text = "\n".join(parts)
    return _SPACE.sub(" ", text).strip()[:_SUBJECT_LIMIT]


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def fingerprint(
    findings: Sequence[Finding], pages: Mapping[str, Page], keys: Mapping[str, str]
) -> list[Finding]:
    """``findings`` with ``fingerprint`` (and a content ``subject``) filled in.

    ``pages`` and ``keys`` are by display path: the page model, and the page's path
    relative to the root. Findings must be in source order within a page.
    """
    seen: Counter[tuple[str, str, str, str]] = Counter()
    out: list[Finding] = []
    for finding in findings:
        page = pages.get(finding.path)
        subject = finding.subject or (source_text(page.lines, finding.span) if page is not None else "")
        identity = (finding.rule, keys.get(finding.path, finding.path), finding.department or "", subject)
        occurrence = seen[identity]
        seen[identity] += 1
        out.append(finding.identified(subject, _digest(*identity, str(occurrence))))
    return out
