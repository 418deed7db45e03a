"""checker's --timings table, read back from its stderr for the table's notes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bench import stages

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "fixtures" / "corpus" / "seed" / "action11-2012-12-20.md"


def test_the_table_checker_prints_is_read_back(tmp_path: Path) -> None:
    """The real command's stderr: the stages in order, ``total`` last, and the rules."""
    err = tmp_path / "checker.err"
    with err.open("wb") as stream:
        done = subprocess.run(
            [sys.executable, "-m", "checker", "check", "--offline", "--timings", str(SEED)],
            stdout=subprocess.DEVNULL, stderr=stream, cwd=ROOT, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 1  # the sample page has errors
    found, rules = stages.read(err)
    assert list(found)[-1] == "total"
    assert "parse pages and run page rules (at once)" in found
    assert found["total"] == pytest.approx(sum(v for k, v in found.items() if k != "total"), abs=0.01)
    assert "placeholder-text" in rules


def test_no_table_reads_as_nothing(tmp_path: Path) -> None:
    err = tmp_path / "checker.err"
    err.write_text("checker: error: nothing here\n", encoding="utf-8")
    assert stages.read(err) == ({}, {})
    assert stages.read(tmp_path / "missing.err") == ({}, {})


def test_the_note_gives_each_stage_its_share_and_the_slowest_rules() -> None:
    runs = [
        {"parse": 1.0, "rules": 2.0, "output": 0.01, "total": 3.01},
        {"parse": 3.0, "rules": 2.0, "output": 0.01, "total": 5.01},
        {"parse": 2.0, "rules": 2.0, "output": 0.01, "total": 4.01},
    ]
    middle = stages.medians(runs)
    assert middle == {"parse": 2.0, "rules": 2.0, "output": 0.01, "total": 4.01}
    line = stages.summary(middle, {"a": 0.5, "b": 1.5, "c": 0.1, "d": 0.2})
    assert line == (
        "parse 2.00 s (50%); rules 2.00 s (50%); total 4.01 s; slowest rules: b 1.50 s, a 0.50 s, d 0.20 s"
    )  # output is under 2% of the total: left out
    assert stages.summary({}, {}) == ""
