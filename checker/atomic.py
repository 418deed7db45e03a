"""Writing a text file whole or not at all: a temporary file beside it, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_atomically(path: Path, write: Callable[[TextIO], object]) -> None:
    """Create ``path``'s folder if needed, let ``write`` fill a temporary file, rename it into place.

    A reader sees the old file or the new one, never half of one; on any error the temporary
    file is removed and the old file stays as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            write(stream)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
