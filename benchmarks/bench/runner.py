"""One workload from start to end: its server, its corpus, the rounds, each run judged."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from bench import tools as commands
from bench import verdict
from bench.corpora import Corpus, generate
from bench.procs import Measured, run_measured
from bench.results import Sample, ToolRow, WorkloadResult
from bench.server import Server, running_server
from bench.stages import medians, summary
from bench.stages import read as read_stages
from bench.tools import Tools
from bench.verdict import Verdict
from bench.workloads import Workload

NOWHERE = "http://127.0.0.1:9"  # the discard port: offline pages name it, nothing fetches it
Judge = Callable[[Path, Path, Measured], Verdict]  # (stdout, report file, measured) -> verdict


@dataclass(frozen=True)
class Job:
    """One tool's run in a round: its command, where its report goes, and how to judge it."""

    row: ToolRow
    command: list[str]
    report: Path | None  # the file the verdict reads (None: standard output)
    judge: Judge


@dataclass(frozen=True)
class Settings:
    rounds: int
    timeout: float
    tools: Tools
    work: Path
    allow_nginx: bool
    keep: bool


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_job(job: Job, settings: Settings, folder: Path, server: Server | None) -> Sample:
    """Run one job measured, count the requests it caused and judge what it reported."""
    name = f"{job.row.tool.split()[0]}-{len(job.row.samples) + 1}"
    stdout, stderr = folder / f"{name}.out", folder / f"{name}.err"
    if job.report is not None:
        job.report.unlink(missing_ok=True)  # never judge the last round's report
    before = server.served() if server else None
    measured = run_measured(job.command, cwd=folder, stdout=stdout, stderr=stderr, timeout=settings.timeout)
    requests = server.served() - before if server and before is not None else None
    judged = job.judge(stdout, job.report or stdout, measured)
    if measured.timed_out:
        say(f"  {job.row.tool} was stopped after {settings.timeout:.0f} s (--timeout)")
    stages, rules = read_stages(stderr)
    wall, rss, code, late = measured.wall, measured.rss_kib, measured.exit_code, measured.timed_out
    return Sample(wall, rss, requests, code, judged, late, stages, rules)


def crawl_jobs(workload: Workload, corpus: Corpus, settings: Settings, runs: Path) -> tuple[Job, Job]:
    tools, limit = settings.tools, settings.timeout
    mine = Job(
        ToolRow("checker"),
        commands.checker_crawl(tools, corpus.folder, workload.defaults),
        None,
        lambda out, report, m: verdict.checker_crawl(report, corpus, m.exit_code, m.timed_out, limit),
    )
    lychee_report = runs / "lychee.json"
    theirs = Job(
        ToolRow("lychee", unavailable=tools.lychee_missing),
        commands.lychee_crawl(tools, corpus.folder, lychee_report, workload.defaults) if tools.lychee else [],
        lychee_report,
        lambda out, report, m: verdict.lychee_crawl(report, corpus, m.exit_code, m.timed_out, limit),
    )
    return mine, theirs


def offline_jobs(corpus: Corpus, settings: Settings) -> tuple[Job, Job]:
    tools, limit = settings.tools, settings.timeout
    mine = Job(
        ToolRow("checker"),
        commands.checker_offline(tools, corpus.folder),
        None,
        lambda out, report, m: verdict.checker_offline(report, corpus, m.exit_code, m.timed_out, limit),
    )
    theirs = Job(
        ToolRow("markdown-it-py"),
        commands.markdown_it(tools, corpus.folder),
        None,
        lambda out, report, m: verdict.markdown_it(out, corpus, m.exit_code, m.timed_out, limit),
    )
    return mine, theirs


def startup_jobs(settings: Settings) -> tuple[Job, Job]:
    tools, limit = settings.tools, settings.timeout
    mine = Job(
        ToolRow("checker"),
        commands.checker_startup(tools),
        None,
        # the sample page has errors: the README says it exits 1
        lambda out, report, m: verdict.exit_only(1, "exit 1, as documented", m.exit_code, m.timed_out, limit),
    )
    theirs = Job(
        ToolRow("python -c pass"),
        commands.python_pass(tools),
        None,
        lambda out, report, m: verdict.exit_only(0, "exit 0", m.exit_code, m.timed_out, limit),
    )
    return mine, theirs


@contextmanager
def workload_folder(settings: Settings, workload: Workload) -> Iterator[Path]:
    """The workload's scratch folder (corpus, server files, outputs), removed afterwards
    unless ``--keep``: the large corpora would otherwise fill the disk."""
    folder = settings.work / workload.name
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    finally:
        if not settings.keep:
            shutil.rmtree(folder, ignore_errors=True)


def rounds(jobs: tuple[Job, Job], settings: Settings, runs: Path, server: Server | None, name: str) -> None:
    """Alternate the two tools, the other one first every second round. A tool stopped at the
    time limit is not run again: it would only spend the limit once more."""
    for number in range(settings.rounds):
        order = jobs if number % 2 == 0 else jobs[::-1]
        for job in order:
            if not job.command or job.row.timed_out:
                continue
            sample = run_job(job, settings, runs, server)
            job.row.samples.append(sample)
            if sample.timed_out:
                job.row.timed_out = True
                say(f"  [{name}] {job.row.tool} is not run again in this workload (over --timeout)")
            say(f"  [{name}] round {number + 1}/{settings.rounds} {job.row.tool}: {sample.wall:.2f} s, "
                f"{sample.rss_kib / 1024:.0f} MiB, {sample.requests if sample.requests is not None else '-'} "
                f"requests, {sample.verdict.summary}")  # fmt: skip


def run_workload(workload: Workload, settings: Settings) -> WorkloadResult:
    say(f"{workload.name}: {workload.about}")
    with workload_folder(settings, workload) as folder:
        runs = folder / "runs"
        runs.mkdir()
        crawl = workload.kind == "crawl"
        serving = (
            running_server(folder / "server", workload.delay_ms, settings.allow_nginx) if crawl else None
        )
        with serving or nullcontext() as server:
            base = server.base_url if server else NOWHERE
            corpus = generate(folder / "corpus", workload.corpus(), base) if workload.links else None
            compiled = commands.compile_checker(settings.tools)
            if compiled:
                say(f"  [{workload.name}] checker's bytecode was not compiled ({compiled})")
            if corpus is None:
                jobs = startup_jobs(settings)
            elif crawl:
                jobs = crawl_jobs(workload, corpus, settings, runs)
            else:
                jobs = offline_jobs(corpus, settings)
            rounds(jobs, settings, runs, server, workload.name)
            label = "none (no request)"
            if server is not None:
                label = server.kind + (f" {workload.delay_ms:g} ms" if workload.delay_ms else "")
    result = WorkloadResult(workload.name, workload.about, label, jobs[0].row, jobs[1].row)
    if corpus is not None:
        planted = len(corpus.dead) if crawl else 0  # offline, nothing is fetched: nothing is dead
        result.size(len(corpus.files), corpus.blocks, corpus.links, corpus.unique, planted)
    result.notes.extend(notes(result))
    if corpus is None and not compiled:
        result.notes.append(
            "checker's modules were compiled to bytecode first (python -m compileall), as an installed "
            "package has them"
        )
    return result


def notes(result: WorkloadResult) -> list[str]:
    """What a reader needs beside the numbers: checker's other findings on these pages."""
    found: list[str] = []
    samples = result.checker.samples
    if samples and samples[0].verdict.other_findings:
        tally = ", ".join(
            f"{rule} {count:,}" for rule, count in sorted(samples[0].verdict.other_findings.items())
        )
        found.append(f"checker's findings besides the link verdicts: {tally}")
    timed = [sample for sample in samples if sample.stages]
    if timed:
        line = summary(medians([s.stages for s in timed]), medians([s.rules for s in timed]))
        rounds = "one round" if len(timed) == 1 else f"median of {len(timed)} rounds"
        found.append(f"where checker's time went (its --timings, {rounds}): {line}")
    return found
