"""``--timings`` (issue 12): where a run's time went, by stage and by rule, on stderr.

The figures are wall-clock times, so the tests check what holds whatever the machine: which
stages a run goes through and in what order, that the stages add up to the total, that the rules'
times fit inside the stages that run them, that a slow rule is named first, and that the report
itself (standard output, the exit code) is the same with and without the flag.
"""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

from checker.cli import main
from checker.cli import timings as cli_timings
from checker.engine import evaluate as evaluate_module
from checker.engine import kinds
from checker.engine import pages as pages_stage
from checker.engine.api import CheckKind
from checker.engine.links import LinkOptions
from checker.engine.plan import make_plan
from checker.engine.run import RunRequest, run
from checker.engine.timing import Timings, stage
from checker.model.finding import Finding
from tests.conftest import FIXTURES
from tests.crawl.conftest import FAST
from tests.crawl.sites import SiteServer

SEED = str(FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md")
LINE = re.compile(r"^  (\S.*?)\s+(\d+\.\d{3})$")
RULE_LINE = re.compile(r"^    (\S+)\s+(\d+\.\d{3})\s+(\d+%)$")


def _table(err: str) -> tuple[dict[str, float], dict[str, float]]:
    """The stages (with ``total``) and the rules of a ``--timings`` table on stderr."""
    lines = err.splitlines()
    start = lines.index("checker: timings (wall clock, seconds):")
    stages: dict[str, float] = {}
    rules: dict[str, float] = {}
    for line in lines[start + 1 :]:
        if found := RULE_LINE.match(line):
            rules[found[1]] = float(found[2])
        elif found := LINE.match(line):
            stages[found[1]] = float(found[2])
    return stages, rules


def test_stage_adds_up_and_costs_nothing_without_timings() -> None:
    ticks = iter([1.0, 1.5, 2.0, 4.0])
    timings = Timings(clock=lambda: next(ticks))
    with stage(timings, "parse"):
        pass
    with stage(timings, "parse"):
        pass
    assert timings.stages == {"parse": 2.5}
    with stage(None, "parse"):  # no timings: nothing asked of any clock
        pass
    timings.add_rule("b", 1.0)
    timings.add_rule("a", 1.0)
    timings.add_rule("c", 3.0)
    assert timings.slowest_rules(2) == [("c", 3.0), ("a", 1.0)]


def test_a_stage_that_raises_is_still_timed() -> None:
    timings = Timings()
    with pytest.raises(ValueError), stage(timings, "broken"):
        raise ValueError("no")
    assert list(timings.stages) == ["broken"]


def test_offline_check_prints_its_stages_in_order_and_leaves_the_report_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    plain_code = main(["check", "--offline", "--format", "json", SEED])
    plain_out, plain_err = capsys.readouterr()
    code = main(["check", "--offline", "--timings", "--format", "json", SEED])
    out, err = capsys.readouterr()
    assert (code, _without_times(out)) == (plain_code, _without_times(plain_out))
    assert "timings" not in plain_err
    stages, rules = _table(err)
    named = [name for name in stages if name != "start-up (Python and imports)"]  # Linux only
    assert named == [
        "arguments and settings",
        "rule files",
        "find pages",
        "parse pages and run page rules (at once)",
        "publication rules",
        "fingerprints",
        "waivers and filters",
        "output",
        "total",
    ]
    parts = sum(seconds for name, seconds in stages.items() if name != "total")
    assert stages["total"] == pytest.approx(parts, abs=0.006)  # each figure is rounded to 1 ms
    # the rules run inside the two stages that run them, so their times fit in those stages
    assert "placeholder-text" in rules and "statement-duplicate" in rules
    running = stages["parse pages and run page rules (at once)"] + stages["publication rules"]
    assert sum(rules.values()) <= running + 0.01


def _without_times(json_text: str) -> str:
    return re.sub(r'"(started|finished|elapsed_seconds|elapsed)": [^,}\n]+', "", json_text)


def test_the_timings_go_after_the_outputs_on_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Standard output is the report's; the table comes once everything else is written."""
    report = tmp_path / "out.json"
    main(["check", "--offline", "--timings", "--output", f"json={report}", SEED])
    out, err = capsys.readouterr()
    assert "timings" not in out and report.is_file()
    assert err.rstrip().splitlines()[-1].startswith("    ")  # the last line is a rule's


def test_a_slow_rule_is_named_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that takes long on every block (a pattern that backtracks, say) leads the list."""
    slow_kind = "statement-empty"
    real = kinds.KINDS[slow_kind]

    def slow(*args: object) -> Iterable[Finding]:
        time.sleep(0.01)
        return real.check(*args)

    patched = dict(kinds.KINDS)
    patched[slow_kind] = CheckKind(real.name, real.options, real.fields, real.scope, slow)
    monkeypatch.setattr(kinds, "KINDS", patched)
    monkeypatch.setattr(evaluate_module, "KINDS", patched)  # the engine reads the table it imported
    main(["check", "--offline", "--timings", SEED])
    _, err = capsys.readouterr()
    _, rules = _table(err)
    slowest = next(iter(rules))
    assert slowest == "statement-empty", rules
    assert rules[slowest] >= 0.01 * 7  # the seed page has seven department blocks


def test_timings_from_the_config_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.md"
    shutil.copy(SEED, page)
    (tmp_path / "checker.yaml").write_text("timings: true\noffline: true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "page.md"])
    assert "checker: timings" in capsys.readouterr().err
    main(["check", "--no-timings", "page.md"])
    assert "checker: timings" not in capsys.readouterr().err


def test_rules_too_quick_to_show_are_left_out() -> None:
    timings = Timings()
    timings.add("rules", 0.01)
    timings.add_rule("quick", 0.0001)
    out = io.StringIO()
    cli_timings.show(timings, out)
    assert "quick" not in out.getvalue() and "took longest" not in out.getvalue()
    timings.add_rule("slow", 0.005)
    out = io.StringIO()
    cli_timings.show(timings, out)
    stages, rules = _table(out.getvalue())
    assert rules == {"slow": 0.005} and stages == {"rules": 0.01, "total": 0.01}


def test_the_start_up_is_the_process_age_before_main() -> None:
    age = cli_timings._process_age()
    if age is None:
        pytest.skip("no /proc here")
    assert 0 < age < 24 * 3600  # this test process started a moment ago, not before the epoch


def _page(number: int) -> str:
    return (
        f"{{{{DEPARTMENTRESPONSE}}}}\n#Action {number:02}: Digital strategies\n{{div .section}}\n"
        "{div .department}\n##Cabinet<br>Office\n{: .logo-single}\n{div .statement}\n"
        "We publish [our plan](https://www.gov.uk/). [Read more »](https://www.gov.uk/missing)\n"
        "{/div}\n{/div}\n{/div}\n"
    )


@pytest.mark.parametrize(
    ("workers", "expected"),
    [
        (1, ["find pages", "parse pages", "check links", "rules"]),
        (2, ["find pages", "parse pages and check links (at once)", "rules"]),
    ],
)
async def test_a_run_that_checks_links_names_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int, expected: list[str]
) -> None:
    monkeypatch.setattr(pages_stage, "CHUNK_BYTES", 1)  # a batch a page: two workers for four pages
    folder = tmp_path / "site"
    folder.mkdir()
    for number in range(1, 5):
        (folder / f"_action{number:02}.md").write_text(_page(number), encoding="utf-8")
    timings = Timings()
    async with SiteServer() as site:
        links = LinkOptions(config=FAST, resolver=site.resolver, ssl_context=site.client_ssl)
        request = RunRequest([str(folder)], make_plan(), links, root=folder, workers=workers, timings=timings)
        report = await asyncio.to_thread(run, request)
    assert len(report.files) == 4
    assert list(timings.stages)[: len(expected)] == expected
    assert "link-dead" in timings.rules  # the rules that wait for the crawl are timed too
    assert sum(timings.rules.values()) <= timings.stages["rules"]


def test_a_baseline_is_timed_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    shutil.copy(SEED, page)
    baseline = str(tmp_path / "b.json")
    assert main(["baseline", "--offline", "--timings", "--baseline", baseline, str(page)]) == 0
    out, err = capsys.readouterr()
    stages, rules = _table(err)
    assert "parse pages and run page rules (at once)" in stages and "placeholder-text" in rules
    assert out.startswith("recorded 14 findings")
