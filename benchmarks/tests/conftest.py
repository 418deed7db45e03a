"""The harness's own tests: ``.venv/bin/python -m pytest benchmarks/tests``. Network tests
talk only to servers they start on 127.0.0.1."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
