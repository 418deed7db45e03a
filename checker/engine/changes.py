"""What a change touched, from git: the pages it changed and, in each, the lines it added or modified.

``changed_since(rev)`` diffs the working tree against the merge base of ``rev`` and ``HEAD``
(``git diff --merge-base REV``), so on a pull request branch ``--changed-since origin/main``
sees exactly the branch's changes, committed or not. Lines are those of the new version of
each file (what checker reads); where lines were only deleted, the line before and the line
after the gap count as changed (deleting the ``{: .logo-ho}`` under a heading makes a finding on
the heading, which the change caused). Renamed files count as changed only where their lines did.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from checker.errors import CheckerError
from checker.model.finding import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(?P<start>\d+)(?:,(?P<count>\d+))? @@")
_TIMEOUT = 60.0


@dataclass(frozen=True)
class Changes:
    """The files a change touched (absolute, resolved) and the new-side lines it added or modified."""

    rev: str
    lines: Mapping[Path, frozenset[int]]

    def touches(self, path: str | Path) -> bool:
        return _resolved(path) in self.lines

    def changed(self, path: str | Path, first: int, last: int) -> bool:
        """Whether any of the lines ``first``..``last`` of ``path`` were added or modified."""
        lines = self.lines.get(_resolved(path), frozenset())
        return any(line in lines for line in range(first, last + 1))


def _resolved(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise CheckerError("--changed-since", "needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise CheckerError("--changed-since", f"git did not answer within {_TIMEOUT:g} s") from None
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"
        raise CheckerError("--changed-since", f"git {args[0]} failed: {why}")
    return done.stdout


def parse_diff(text: str, top: Path) -> dict[Path, frozenset[int]]:
    """File -> new-side line numbers added or modified, from ``git diff -U0`` output."""
    lines: dict[Path, set[int]] = {}
    current: set[int] | None = None
    for row in text.splitlines():
        if row.startswith("+++ "):
            name = row[4:]
            current = None
            if name != "/dev/null":
                name = name[2:] if name.startswith("b/") else name
                current = lines.setdefault(_resolved(top / _unquote(name)), set())
        elif (match := _HUNK.match(row)) and current is not None:
            start, count = int(match["start"]), int(match["count"] if match["count"] is not None else 1)
            if count:
                current.update(range(start, start + count))
            else:  # lines deleted after new line ``start``: the lines on either side changed their context
                current.update((start, start + 1))
    return {path: frozenset(numbers) for path, numbers in lines.items()}


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(name: str) -> str:
    """A file name as git writes it: unusual ones are C-quoted ("a\\tb.md", octal bytes)."""
    if not (len(name) >= 2 and name[0] == name[-1] == '"'):
        return name
    raw, body, index = bytearray(), name[1:-1], 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            raw += char.encode()
            index += 1
        elif body[index + 1 : index + 4].isdigit() and len(body[index + 1 : index + 4]) == 3:
            raw.append(int(body[index + 1 : index + 4], 8) & 0xFF)
            index += 4
        else:
            raw.append(_ESCAPES.get(body[index + 1], ord(body[index + 1])))
            index += 2
    return raw.decode("utf-8", errors="replace")


def changed_since(rev: str, cwd: Path | None = None) -> Changes:
    folder = cwd or Path.cwd()
    if rev.startswith("-"):
        raise CheckerError("--changed-since", f"{rev!r} is not a git revision")
    top = Path(_git(["rev-parse", "--show-toplevel"], folder).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], folder)
    diff = _git(
        [
            "-c",
            "core.quotePath=false",
            "diff",
            "--merge-base",
            rev,
            "--unified=0",
            "--no-color",
            "--no-ext-diff",
            "--diff-filter=AMR",
            "--find-renames",
            "--",
        ],
        folder,
    )
    # files git does not track yet are new pages too
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], top)
    lines = parse_diff(diff, top)
    for name in filter(None, untracked.split("\0")):
        path = _resolved(top / name)
        try:
            count = len(path.read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            continue
        lines[path] = frozenset(range(1, count + 1))
    return Changes(rev, lines)


OUTSIDE = "not on a line changed since {rev}"


def mark_outside(findings: Iterable[Finding], changes: Changes) -> list[Finding]:
    """Findings on lines the change did not touch are still shown, but exempt from failing the run."""
    reason = OUTSIDE.format(rev=changes.rev)
    return [
        finding
        if changes.changed(finding.path, finding.span.start_line, finding.span.end_line)
        else replace(finding, exempt=reason)
        for finding in findings
    ]
