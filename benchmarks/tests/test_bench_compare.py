"""The command end to end at the smallest size, and its sizes."""

from __future__ import annotations

import json
from pathlib import Path

import compare
import pytest
from bench.workloads import WORKLOADS, select


def test_scaled_sizes_keep_a_planted_dead_link() -> None:
    smoke = {workload.name: workload.scaled(0.01) for workload in WORKLOADS}
    assert (smoke["unique-10k-20ms"].links, smoke["unique-10k-20ms"].unique) == (100, 100)
    assert (smoke["dup-20k-20ms"].links, smoke["dup-20k-20ms"].unique) == (200, 20)
    assert smoke["unique-100k-0ms"].pages == 10
    assert smoke["startup"] == WORKLOADS[-1]


def test_unknown_workload_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown workload nope"):
        select("startup,nope")


def test_smoke_run_writes_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = compare.main(
        ["--smoke", "--no-lychee", "--only", "unique-10k-0ms,startup", "--report-dir", str(tmp_path)]
    )
    assert code == 0
    table = capsys.readouterr().out
    assert "| unique-10k-0ms |" in table
    assert "lychee: not run (--no-lychee)" in table
    assert "ok: 1 of 1 dead" in table
    document = json.loads((tmp_path / "smoke.json").read_text())
    row = document["workloads"][0]
    assert row["checker"]["samples"][0]["verdict"]["ok"]
    assert row["checker"]["samples"][0]["requests"] >= 100
    assert (tmp_path / "smoke.md").read_text() == table.rstrip("\n") + "\n"


def test_a_run_over_the_time_limit_is_a_wrong_verdict_and_not_repeated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--smoke", "--no-lychee", "--only", "startup", "--rounds", "2", "--timeout", "0.001"]
    code = compare.main([*arguments, "--report-dir", str(tmp_path)])
    assert code == 1
    out, err = capsys.readouterr()
    assert "WRONG VERDICT: startup, checker, round 1: WRONG: killed after the 0.001 s time limit" in err
    assert "**WRONG: killed after" in out
    checker = json.loads((tmp_path / "smoke.json").read_text())["workloads"][0]["checker"]
    assert len(checker["samples"]) == 1
    assert checker["timed_out"]
