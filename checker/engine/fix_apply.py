"""``checker check --fix``: write a page's planned edits (see ``engine/fix.py`` for what is planned).

The file is read again as bytes and kept as it is outside the edits: UTF-8 with or without a BOM,
each line's own ending (LF, CRLF or a lone CR, mixed as they are). A file whose text is no longer
the one that was checked is refused, as is one that changes while it is being fixed. The new bytes
go to a temporary file in the same folder, which takes the page's permission bits and replaces it
in one rename, so a reader sees the old page or the new one, never half of one; a page reached
through a symbolic link is written where the link points, and the link is kept.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from itertools import zip_longest
from pathlib import Path

from checker.engine.fix import Edit, edited
from checker.errors import CheckerError

__all__ = ["FixRefused", "apply_edits"]

#: what ``parse.source`` folds to "\n": CRLF first, then a lone CR or LF
_LINE_END = re.compile(r"(\r\n|\r|\n)")
_AGAIN = "run checker check --fix again"


class FixRefused(CheckerError):
    """A page --fix would not write: changed since it was checked, unreadable, or unwritable."""


def _split(text: str) -> tuple[list[str], list[str]]:
    """The lines as the parser numbers them, and the ending each had ("" for the last)."""
    parts = _LINE_END.split(text)
    return parts[0::2], parts[1::2]


def apply_edits(path: str, edits: Sequence[Edit], checked: Sequence[str]) -> str:
    """Apply ``edits`` to the page at ``path``, atomically, and return a unified diff of the change.

    ``checked`` are the page's lines as they were parsed and checked (``Page.lines``): if the file
    no longer reads so, nothing is written and ``FixRefused`` says why.
    """
    target = Path(path).resolve()
    try:
        before = target.stat()
        data = target.read_bytes()
    except OSError as error:
        raise FixRefused(path, f"cannot be read: {error.strerror or error}; not fixed") from None
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise FixRefused(path, f"is no longer UTF-8 text; not fixed ({_AGAIN})") from None
    lines, endings = _split(text)
    if tuple(lines) != tuple(checked):
        raise FixRefused(path, f"changed on disk since it was checked; not fixed ({_AGAIN})")
    try:
        new_lines = edited(lines, edits)
    except ValueError as error:
        raise FixRefused(path, f"{error}; not fixed") from None
    new_text = "".join(line + ending for line, ending in zip_longest(new_lines, endings, fillvalue=""))
    _replace(target, path, bom + new_text.encode("utf-8"), before)
    old_name, new_name = (path, path) if Path(path).is_absolute() else (f"a/{path}", f"b/{path}")
    return "".join(difflib.unified_diff(_shown(lines), _shown(new_lines), old_name, new_name))


def _shown(lines: Sequence[str]) -> list[str]:
    """Lines as a diff shows them: the empty "line" after a final newline is no line; a last line
    without one is marked as git marks it."""
    shown = [f"{line}\n" for line in lines[:-1]]
    if lines and lines[-1]:
        shown.append(f"{lines[-1]}\n\\ No newline at end of file\n")
    return shown


def _replace(target: Path, path: str, data: bytes, before: os.stat_result) -> None:
    """Write ``data`` over ``target`` in one rename, unless the file changed since ``before``."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".fix", dir=target.parent)
    except OSError as error:
        raise FixRefused(path, f"cannot be written: {error.strerror or error}; not fixed") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(stat.S_IMODE(before.st_mode))
        now = target.stat()
        if (now.st_mtime_ns, now.st_size, now.st_ino) != (before.st_mtime_ns, before.st_size, before.st_ino):
            raise FixRefused(path, f"changed on disk while it was being fixed; not fixed ({_AGAIN})")
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise FixRefused(path, f"cannot be written: {error.strerror or error}; not fixed") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
