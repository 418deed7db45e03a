"""Did each tool get the right answer? Every run is judged, not only timed.

A crawl is right when the tool reported exactly the planted dead URLs as dead, no other link as
failing, and checked every link. checker is read from its JSON (``"version": 2``, see
checker/output/json_format.py): ``link-dead`` findings and their ``url``; a failure is a finding
of a rule of kind ``link-status`` or ``link-fragment``. lychee from its JSON report:
``error_map`` (``fail_map`` in older versions) and ``timeout_map``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.corpora import Corpus

FAILURE_KINDS = frozenset({"link-status", "link-fragment"})
DEAD_CODES = frozenset({404, 410})
SHOWN = 3  # examples named per problem


@dataclass(frozen=True)
class Verdict:
    ok: bool
    summary: str
    problems: tuple[str, ...] = ()
    other_findings: Mapping[str, int] = field(default_factory=dict)  # checker's other rules, for notes


def _examples(urls: Iterable[str]) -> str:
    ordered = sorted(urls)
    more = f" and {len(ordered) - SHOWN} more" if len(ordered) > SHOWN else ""
    return ", ".join(ordered[:SHOWN]) + more


def _load(path: Path) -> dict[str, Any] | str:
    """The JSON document, or why it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"no readable JSON output ({error.__class__.__name__}: {str(error)[:120]})"
    return data if isinstance(data, dict) else "the JSON output is not an object"


def judge(problems: list[str], ok_summary: str, other: Mapping[str, int] | None = None) -> Verdict:
    tally = dict(other or {})  # a plain dict: dataclasses.asdict mangles a Counter
    if problems:
        return Verdict(False, "WRONG: " + "; ".join(problems), tuple(problems), tally)
    return Verdict(True, ok_summary, (), tally)


def dead_problems(found: set[str], corpus: Corpus) -> list[str]:
    problems = []
    if missed := corpus.dead - found:
        problems.append(f"missed {len(missed)} planted dead URLs ({_examples(missed)})")
    if extra := found - corpus.dead:
        problems.append(f"reported {len(extra)} live URLs as dead ({_examples(extra)})")
    return problems


def _exit_problem(code: int, allowed: set[int], timed_out: bool, timeout: float) -> list[str]:
    if timed_out:
        return [f"killed after the {timeout:g} s time limit"]
    return [] if code in allowed else [f"exit code {code}"]


def checker_report(data: dict[str, Any], corpus: Corpus) -> tuple[list[str], Counter[str], set[str]]:
    """Problems common to online and offline runs, other rules' counts, and the dead URLs."""
    problems: list[str] = []
    kinds = {rule.get("id"): rule.get("kind") for rule in data.get("rules", [])}
    findings = data.get("findings", [])
    summary = data.get("summary", {})
    if summary.get("files") != len(corpus.files):
        problems.append(f"checked {summary.get('files')} pages of {len(corpus.files)}")
    failed, unreadable = data.get("rule_failures") or [], data.get("errors") or []
    if failed or unreadable:
        problems.append(f"{len(failed)} rule failures, {len(unreadable)} unreadable pages")
    failures = Counter(
        f["rule"] for f in findings if kinds.get(f["rule"]) in FAILURE_KINDS and f["rule"] != "link-dead"
    )
    for rule, count in sorted(failures.items()):
        urls = {f.get("url") or "?" for f in findings if f["rule"] == rule}
        problems.append(f"{count} {rule} findings ({_examples(urls)})")
    other = Counter(f["rule"] for f in findings if kinds.get(f["rule"]) not in FAILURE_KINDS)
    dead = {f.get("url") or "?" for f in findings if f["rule"] == "link-dead"}
    return problems, other, dead


def checker_crawl(output: Path, corpus: Corpus, code: int, timed_out: bool, timeout: float) -> Verdict:
    problems = _exit_problem(code, {0, 1}, timed_out, timeout)
    data = _load(output)
    if isinstance(data, str):
        return judge([*problems, data], "")
    common, other, dead = checker_report(data, corpus)
    problems += common + dead_problems(dead, corpus)
    reported = sum(1 for f in data.get("findings", []) if f["rule"] == "link-dead")
    if reported != corpus.dead_links and not corpus.dead - dead:
        problems.append(f"{reported} link-dead findings for {corpus.dead_links} dead links in the pages")
    links = data.get("summary", {}).get("links") or {}
    if links.get("urls") != corpus.unique:
        problems.append(f"checked {links.get('urls')} distinct URLs of {corpus.unique}")
    if links.get("unchecked") or links.get("network_down"):
        problems.append(
            f"{links.get('unchecked')} links not checked (network down: {links.get('network_down')})"
        )
    return judge(problems, f"ok: {len(dead)} of {len(corpus.dead)} dead", other)


def checker_offline(output: Path, corpus: Corpus, code: int, timed_out: bool, timeout: float) -> Verdict:
    problems = _exit_problem(code, {0, 1}, timed_out, timeout)
    data = _load(output)
    if isinstance(data, str):
        return judge([*problems, data], "")
    common, other, dead = checker_report(data, corpus)
    if dead:
        problems.append(f"reported {len(dead)} dead links offline")
    return judge(problems + common, f"ok: {len(corpus.files)} pages, no link verdict", other)


def _lychee_entries(data: dict[str, Any]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for key in ("error_map", "fail_map", "timeout_map"):
        for items in (data.get(key) or {}).values():
            entries.extend(items)
    return entries


def lychee_crawl(output: Path, corpus: Corpus, code: int, timed_out: bool, timeout: float) -> Verdict:
    problems = _exit_problem(code, {0, 2}, timed_out, timeout)
    data = _load(output)
    if isinstance(data, str):
        return judge([*problems, data], "")
    entries = _lychee_entries(data)
    dead = {e["url"] for e in entries if (e.get("status") or {}).get("code") in DEAD_CODES}
    failing = {e["url"] for e in entries} - dead
    problems += dead_problems(dead, corpus)
    if failing:
        problems.append(f"{len(failing)} other failing URLs ({_examples(failing)})")
    if data.get("total") != corpus.links:
        problems.append(f"checked {data.get('total')} links of {corpus.links}")
    skipped = {key: data.get(key) for key in ("excludes", "unsupported", "unknown") if data.get(key)}
    if skipped:
        problems.append(f"links left out: {skipped}")
    return judge(problems, f"ok: {len(dead)} of {len(corpus.dead)} dead")


def exit_only(expected: int, what: str, code: int, timed_out: bool, timeout: float) -> Verdict:
    """For the baselines and start-up: the process ran to the end it should have."""
    return judge(_exit_problem(code, {expected}, timed_out, timeout), f"ok: {what}")


def markdown_it(stdout: Path, corpus: Corpus, code: int, timed_out: bool, timeout: float) -> Verdict:
    problems = _exit_problem(code, {0}, timed_out, timeout)
    text = stdout.read_text(errors="replace").strip() if stdout.exists() else ""
    if not text.startswith(f"parsed {len(corpus.files)} files"):
        problems.append(f"unexpected output {text[:80]!r}")
    return judge(problems, f"ok: {len(corpus.files)} pages parsed")
