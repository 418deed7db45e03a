"""The nightly link-rot report's writers: ``index.html``, ``report.json`` and ``summary.md``.

:func:`write_report` renders all three first, then writes each to a temporary file in
the output folder (flushed to disk), and only when all three are written renames them
over the old ones (``os.replace``, atomic on one file system).  A reader therefore sees
either the old file or the new one, never half of one; a failure leaves the old report
in place and no temporary file behind.  The writers see only the model
(``checker.model.nightly``) and ``checker.output.json_format``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from checker.model.nightly import NightlyReport
from checker.output.nightly import html, json_report, markdown

__all__ = ["FILES", "render_all", "write_report"]

#: the files of a report, in the order they are written
FILES = ("index.html", "report.json", "summary.md")


def render_all(report: NightlyReport) -> dict[str, str]:
    """Each file's name and its whole text."""
    return {
        "index.html": html.render(report),
        "report.json": json_report.render(report),
        "summary.md": markdown.render(report),
    }


def _write_temporary(folder: Path, name: str, content: str) -> Path:
    """``content`` in a new temporary file next to ``name``, flushed to disk; removed on failure."""
    handle, raw = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    temporary = Path(raw)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(0o644)  # mkstemp makes it 0600; a report is for others to read
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def write_report(report: NightlyReport, out_dir: Path) -> list[Path]:
    """Write ``index.html``, ``report.json`` and ``summary.md`` into ``out_dir`` (made if missing).

    Returns the paths written, in :data:`FILES` order.
    """
    contents = render_all(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    pending: dict[str, Path] = {}
    try:
        for name in FILES:
            pending[name] = _write_temporary(out_dir, name, contents[name])
        written = []
        for name in FILES:
            target = out_dir / name
            pending[name].replace(target)
            del pending[name]  # only once it is renamed: until then, a failure removes it
            written.append(target)
    finally:
        for temporary in pending.values():
            with contextlib.suppress(OSError):
                temporary.unlink()
    return written
