"""Finding identities: a fingerprint from content, not from line numbers or wording.

``fingerprint = sha256(rule, page key, department, subject, occurrence)``, where the page
key is the path relative to the run's root, the subject is what the check named (a URL,
the placeholder text) or else the whitespace-collapsed source text under the finding,
and the occurrence counts identical (rule, page, department, subject) in source order.
Inserting lines above a finding, rewording a message or running on another machine
leaves it unchanged; editing the text it points at changes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from checker.model import Page, Span
from checker.model.finding import Finding

# CPython's own SHA-256 (``_sha2`` from 3.12, ``_sha256`` before): the same digests as hashlib's,
# without loading OpenSSL, which costs an offline check 4-6 ms of its start-up
try:
    from _sha2 import sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found, no-redef, unused-ignore]
    except ImportError:  # another Python: hashlib's
        from hashlib import sha256  # type: ignore[assignment, unused-ignore]

_SPACE = re.compile(r"\s+")
_SUBJECT_LIMIT = 300


def source_text(lines: Sequence[str], span: Span) -> str:
    """The source under ``span`` (1-based, end column exclusive), whitespace collapsed."""
    line, column, end_line, end_column = span.start_line, span.start_column, span.end_line, span.end_column
    if not lines or line < 1 or line > len(lines):
        return ""
    last = min(end_line, len(lines))
    if line == last:
        text = lines[line - 1][column - 1 : end_column - 1]
    else:
        parts = [lines[line - 1][column - 1 :], *lines[line : last - 1]]
        parts.append(lines[last - 1][: end_column - 1] if end_line == last else lines[last - 1])
        text = "\n".join(parts)
    return _SPACE.sub(" ", text).strip()[:_SUBJECT_LIMIT]


def fingerprint(
    findings: Iterable[Finding], pages: Mapping[str, Page], keys: Mapping[str, str]
) -> list[Finding]:
    """``findings`` with ``fingerprint`` (and a content ``subject``) filled in.

    ``pages`` and ``keys`` are by display path: the page model, and the page's path
    relative to the root. Findings must be in source order within a page.
    """
    seen: dict[tuple[str, str, str, str], int] = {}
    out: list[Finding] = []
    append = out.append
    path: str | None = None
    page: Page | None = None
    key = ""
    for finding in findings:
        if finding.path != path:  # findings come a page at a time: its model and key, once a page
            path = finding.path
            page = pages.get(path)
            key = keys.get(path, path)
        subject = finding.subject or (source_text(page.lines, finding.span) if page is not None else "")
        identity = (finding.rule, key, finding.department or "", subject)
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        text = f"{identity[0]}\x1f{key}\x1f{identity[2]}\x1f{subject}\x1f{occurrence}"  # parts joined by US
        append(finding.identified(subject, sha256(text.encode("utf-8")).hexdigest()[:20]))
    return out
