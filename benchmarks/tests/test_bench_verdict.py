"""Verdicts: right only when exactly the planted dead URLs are dead and nothing else fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import verdict
from bench.corpora import Corpus

DEAD = "http://127.0.0.1:1/dead/7"
LIVE = "http://127.0.0.1:1/ok/1"
RULES = [
    {"id": "link-dead", "kind": "link-status"},
    {"id": "link-error", "kind": "link-status"},
    {"id": "link-insecure", "kind": "link-scheme"},
]


def corpus(tmp_path: Path) -> Corpus:
    page = tmp_path / "_action01.md"
    return Corpus(tmp_path, (page,), links=3, unique=2, dead=frozenset({DEAD}), dead_links=2, blocks=2)


def finding(rule: str, url: str) -> dict[str, Any]:
    return {"rule": rule, "url": url}


def checker_json(tmp_path: Path, findings: list[dict[str, Any]], urls: int = 2) -> Path:
    document = {
        "version": 2,
        "findings": findings,
        "summary": {"files": 1, "links": {"urls": urls, "unchecked": 0, "network_down": False}},
        "errors": [],
        "rule_failures": [],
        "rules": RULES,
    }
    path = tmp_path / "checker.json"
    path.write_text(json.dumps(document))
    return path


def test_checker_right(tmp_path: Path) -> None:
    path = checker_json(tmp_path, [finding("link-dead", DEAD)] * 2 + [finding("link-insecure", LIVE)])
    judged = verdict.checker_crawl(path, corpus(tmp_path), 1, False, 60)
    assert judged.ok, judged.summary
    assert judged.other_findings == {"link-insecure": 1}


def test_checker_missing_a_dead_link_is_wrong(tmp_path: Path) -> None:
    path = checker_json(tmp_path, [])
    judged = verdict.checker_crawl(path, corpus(tmp_path), 0, False, 60)
    assert not judged.ok
    assert "missed 1 planted dead URLs" in judged.summary


def test_checker_reporting_a_live_link_as_failing_is_wrong(tmp_path: Path) -> None:
    path = checker_json(tmp_path, [finding("link-dead", DEAD)] * 2 + [finding("link-error", LIVE)])
    judged = verdict.checker_crawl(path, corpus(tmp_path), 1, False, 60)
    assert not judged.ok
    assert "1 link-error findings" in judged.summary


def test_checker_skipping_urls_or_a_dead_occurrence_is_wrong(tmp_path: Path) -> None:
    path = checker_json(tmp_path, [finding("link-dead", DEAD)], urls=1)
    judged = verdict.checker_crawl(path, corpus(tmp_path), 1, False, 60)
    assert not judged.ok
    assert "1 link-dead findings for 2 dead links" in judged.summary
    assert "checked 1 distinct URLs of 2" in judged.summary


def test_checker_crash_and_timeout_are_wrong(tmp_path: Path) -> None:
    assert not verdict.checker_crawl(tmp_path / "missing.json", corpus(tmp_path), 1, False, 60).ok
    path = checker_json(tmp_path, [finding("link-dead", DEAD)] * 2)
    assert not verdict.checker_crawl(path, corpus(tmp_path), 3, False, 60).ok
    assert "time limit" in verdict.checker_crawl(path, corpus(tmp_path), -9, True, 60).summary


def lychee_json(tmp_path: Path, entries: list[dict[str, Any]], total: int = 3) -> Path:
    document = {"total": total, "excludes": 0, "unsupported": 0, "unknown": 0, "error_map": {"a.md": entries}}
    path = tmp_path / "lychee.json"
    path.write_text(json.dumps(document))
    return path


def test_lychee_right_and_wrong(tmp_path: Path) -> None:
    dead = {"url": DEAD, "status": {"text": "404", "code": 404}}
    assert verdict.lychee_crawl(lychee_json(tmp_path, [dead]), corpus(tmp_path), 2, False, 60).ok
    failing = {"url": LIVE, "status": {"text": "Timeout"}}
    judged = verdict.lychee_crawl(lychee_json(tmp_path, [dead, failing]), corpus(tmp_path), 2, False, 60)
    assert not judged.ok
    assert "1 other failing URLs" in judged.summary
    assert not verdict.lychee_crawl(lychee_json(tmp_path, [dead], total=2), corpus(tmp_path), 2, False, 60).ok
    assert not verdict.lychee_crawl(lychee_json(tmp_path, []), corpus(tmp_path), 0, False, 60).ok
