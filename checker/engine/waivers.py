"""Stage *waivers*: the page's ``checker: allow`` comments, after evaluate and fingerprint.

The parser reads each waiver into ``Page.waivers`` (``checker.parse.waivers``; docs/waivers.md)
with the lines it covers: its line, its department block, or the whole page. This stage
judges them against the run's findings and gives back

- the findings with the ``waiver-*`` findings added (fingerprinted like every other), and
- a ``FindingFilter`` that leaves out every finding a live waiver covers, counted in
  ``Report.hidden`` as "under a waiver". It runs before the other filters.

A waiver covers a finding when the finding is on the same page, its rule is one the waiver
names (an id, or a family as ``--select`` takes it) and its lines overlap the waiver's scope.
For each waiver, in this order:

1. *malformed* (the parser's ``problem``, or a name that is no loaded rule, or a ``waiver-``
   rule, which no waiver can waive): it waives nothing; ``waiver-malformed``.
2. *not judged*: no rule it names ran in this run (``--select``, ``--ignore``, the profile),
   so it says nothing and nothing is said about it.
3. *expired*: ``until`` is before ``today``: it waives nothing and ``waiver-expired`` says so,
   with how many findings are reported again because of it.
4. *live*: the findings it covers are left out; if there are none, ``waiver-unused``, unless a
   rule it names reads link results and the links were not all checked (``--offline``, the
   network down), when the finding it was written for may simply not have been looked for.

Only selected ``waiver-*`` rules report (``--ignore waiver-unused`` works); waivers work whether
or not those rules are selected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from checker.checks import waiver as waiver_kind
from checker.config.selection import families, matches
from checker.engine.api import Rule
from checker.engine.fingerprint import fingerprint
from checker.engine.kinds import KINDS
from checker.engine.plan import Plan
from checker.model import Page, Span
from checker.model.finding import Finding
from checker.model.page import Reach, Waiver
from checker.model.report import LinkSummary

REASON = "under a waiver"

_WHERE = {Reach.LINE: "on its line", Reach.BLOCK: "in its department block", Reach.PAGE: "on this page"}

#: what identifies a finding through the filters that follow (they may mark it, never move it)
_Key = tuple[str, str, Span, str, str]


def _key(finding: Finding) -> _Key:
    return (finding.rule, finding.path, finding.span, finding.subject, finding.fingerprint)


@dataclass(frozen=True)
class Waived:
    """The ``FindingFilter`` of this stage: leaves out the findings live waivers cover."""

    keys: frozenset[_Key] = frozenset()

    @property
    def reason(self) -> str:
        return REASON

    def keep(self, finding: Finding) -> bool:
        return not self.keys or _key(finding) not in self.keys  # most runs waive nothing


def covers(waiver: Waiver, finding: Finding) -> bool:
    """Whether ``waiver`` names ``finding``'s rule and its lines overlap the finding's (same page)."""
    scope = waiver.scope
    return (
        finding.span.start_line <= scope.end_line
        and scope.start_line <= finding.span.end_line
        and any(matches(finding.rule, name) for name in waiver.rules)
    )


def _department(page: Page, waiver: Waiver) -> str | None:
    line = waiver.span.start_line
    return next(
        (block.name for block in page.departments if block.span.start_line <= line <= block.span.end_line),
        None,
    )


def _consequence(count: int) -> str:
    if count == 0:
        return "it no longer waives anything"
    if count == 1:
        return "the finding it covered is reported again"
    return f"the {count} findings it covered are reported again"


class _Judge:
    def __init__(self, plan: Plan, links: LinkSummary | None, today: date) -> None:
        loaded = plan.rule_set.rules
        self.ids = [rule.id for rule in loaded if rule.kind != waiver_kind.KIND]
        self.waiver_ids = [rule.id for rule in loaded if rule.kind == waiver_kind.KIND]
        self.ran = {rule.id: rule for rule in plan.selected if rule.kind != waiver_kind.KIND}
        self.links_checked = links is not None and not links.network_down and not links.unchecked
        self.today = today
        self.reporters: Mapping[str, list[Rule[Any]]] = {
            problem: [
                rule
                for rule in plan.selected
                if rule.kind == waiver_kind.KIND and rule.options.problem == problem
            ]
            for problem in waiver_kind.PROBLEMS
        }

    def problem(self, waiver: Waiver) -> str | None:
        """What makes ``waiver`` malformed: the parser's problem, or a name that is no rule."""
        if waiver.problem is not None:
            return waiver.problem
        for name in waiver.rules:
            if any(matches(rule, name) for rule in self.waiver_ids):
                return f"{name!r} names a waiver- rule, which no waiver can waive (use --ignore for those)"
            if not any(matches(rule, name) for rule in self.ids):
                return f"{name!r} names no rule (families: {', '.join(families(self.ids))})"
        return None

    def ran_rules(self, waiver: Waiver) -> list[Rule[Any]]:
        return [rule for rule in self.ran.values() if any(matches(rule.id, name) for name in waiver.rules)]

    def report(
        self, kind: str, page: Page, waiver: Waiver, *, problem: str = "", consequence: str = ""
    ) -> Iterable[Finding]:
        for rule in self.reporters[kind]:
            yield rule.finding(
                page,
                waiver.span,
                department=_department(page, waiver),
                rules=", ".join(waiver.rules),
                until=waiver.until.isoformat() if waiver.until else "",
                reason=waiver.reason,
                problem=problem,
                consequence=consequence,
                where=_WHERE[waiver.reach],
            )

    def judge(self, page: Page, findings: Sequence[Finding], waived: set[_Key]) -> list[Finding]:
        """The ``waiver-*`` findings of ``page``; the keys of the findings it waives go in ``waived``."""
        out: list[Finding] = []
        for waiver in page.waivers:
            problem = self.problem(waiver)
            if problem is not None:
                out.extend(self.report(waiver_kind.MALFORMED, page, waiver, problem=problem))
                continue
            ran = self.ran_rules(waiver)
            if not ran:
                continue
            covered = [finding for finding in findings if covers(waiver, finding)]
            if waiver.until is not None and waiver.until < self.today:
                consequence = _consequence(len(covered))
                out.extend(self.report(waiver_kind.EXPIRED, page, waiver, consequence=consequence))
            elif covered:
                waived.update(_key(finding) for finding in covered)
            elif self.links_checked or not any(KINDS[rule.kind].reads_link_results for rule in ran):
                out.extend(self.report(waiver_kind.UNUSED, page, waiver))
        return out


def apply_waivers(
    findings: Sequence[Finding],
    pages: Sequence[Page],
    plan: Plan,
    keys: Mapping[str, str],
    *,
    links: LinkSummary | None = None,
    today: date | None = None,
) -> tuple[list[Finding], Waived]:
    """``findings`` with the ``waiver-*`` findings added (sorted), and the filter of the waived ones.

    ``keys``: each page's key relative to the root, by display path, for the fingerprints;
    ``links``: what the link stage did (None: links were not checked); ``today``: the run's date.
    """
    judge = _Judge(plan, links, today or date.today())
    by_page: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_page[finding.path].append(finding)
    waived: set[_Key] = set()
    made: list[Finding] = []
    for page in pages:
        if page.waivers:
            made.extend(judge.judge(page, by_page.get(page.path, []), waived))
    made = fingerprint(sorted(made, key=Finding.sort_key), {page.path: page for page in pages}, keys)
    return sorted([*findings, *made], key=Finding.sort_key), Waived(frozenset(waived))
