"""The parse baseline of the offline row: markdown-it-py alone on the same files.

    <checker's venv>/bin/python mdparse.py FOLDER

Parses every ``*.md`` below FOLDER with ``MarkdownIt("commonmark").parse(text)``, one file at a
time as checker reads them, and prints ``parsed N files, T tokens``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from markdown_it import MarkdownIt


def main() -> None:
    parser = MarkdownIt("commonmark")
    files = sorted(Path(sys.argv[1]).rglob("*.md"))
    tokens = sum(len(parser.parse(path.read_text(encoding="utf-8"))) for path in files)
    print(f"parsed {len(files)} files, {tokens} tokens")


if __name__ == "__main__":
    main()
