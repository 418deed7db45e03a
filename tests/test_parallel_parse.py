"""Parsing pages in worker processes (issue 12): the same pages and errors as one by one, in input
order; a page that cannot be read is that page's error; a dead worker is an error that says so;
Ctrl-C and SIGTERM still stop the run, and leave no worker behind."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.engine import pages
from checker.engine.collect import PageFile, collect
from checker.engine.pages import ParsedPages, ParseWorkerCrashed, parse_pages, worker_count
from checker.engine.plan import make_plan
from checker.engine.run import RunRequest, run
from checker.errors import CheckerError, InputError
from checker.output import FORMATS, OutputOptions
from tests.conftest import FIXTURES

HTML_PAGE = FIXTURES / "html" / "departmentactions" / "_action01.html"


def _publication(folder: Path) -> Path:
    """Every Markdown case, an HTML page, and pages that cannot be read, mixed in."""
    folder.mkdir()
    for number, case in enumerate(sorted((FIXTURES / "cases").glob("*.md"))):
        shutil.copy(case, folder / f"p{number:03}-{case.name}")
    shutil.copy(HTML_PAGE, folder / "p010-built.html")
    (folder / "p005-latin1.md").write_bytes("{{DEPARTMENTRESPONSE}}\ncaf\xe9\n".encode("latin-1"))
    (folder / "p020-empty.md").write_bytes(b"")
    (folder / "p030-html-named-md.md").write_text("<!DOCTYPE html><html><p>x</p></html>\n", encoding="utf-8")
    return folder


def _files(folder: Path) -> list[PageFile]:
    names = sorted(str(path) for path in folder.iterdir())
    files, errors = collect(names)
    assert not errors
    return files


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch per page or two, so that even these small pages spread over several workers."""
    monkeypatch.setattr(pages, "CHUNK_BYTES", 2000)


def _said(errors: list[CheckerError]) -> list[tuple[type, str, str, int | None]]:
    return [(type(error), error.path, str(error), error.line) for error in errors]


@pytest.mark.usefixtures("small_batches")
def test_workers_give_the_same_pages_and_errors_in_input_order(tmp_path: Path) -> None:
    files = _files(_publication(tmp_path / "site"))
    alone, alone_errors = parse_pages(files, workers=1)
    together, together_errors = parse_pages(files, workers=2)
    assert together == alone
    assert [page.path for page in together] == [file.path for file in files if "latin1" not in file.path]
    assert _said(together_errors) == _said(alone_errors)
    (error,) = together_errors
    assert isinstance(error, InputError)
    assert error.path.endswith("p005-latin1.md")
    assert "UTF-8" in str(error)


@pytest.mark.usefixtures("small_batches")
def test_the_report_is_the_same_with_workers(tmp_path: Path) -> None:
    site = _publication(tmp_path / "site")
    plan = make_plan()

    def reported(workers: int) -> str:
        report = run(RunRequest([str(site)], plan, root=tmp_path, workers=workers))
        out = io.StringIO()
        FORMATS["json"].write(report, out, OutputOptions())
        document = json.loads(out.getvalue())
        for key in ("started", "finished", "elapsed", "duration"):
            document.get("run", {}).pop(key, None)
            document.pop(key, None)
        return json.dumps(document, sort_keys=True)

    assert reported(2) == reported(1)


def test_small_inputs_are_parsed_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(_publication(tmp_path / "site"))
    assert sum(Path(file.path).stat().st_size for file in files) < pages.PARALLEL_MIN_BYTES
    assert worker_count(files) == 1
    assert worker_count(files, workers=1) == 1
    monkeypatch.setattr(pages, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(pages, "CHUNK_BYTES", 1)  # a batch per page
    monkeypatch.setattr(pages, "_cpus", lambda: 3)
    assert worker_count(files) == 3
    assert worker_count(files[:2]) == 2  # never more workers than batches
    assert worker_count(files, workers=5) == 5


@pytest.mark.usefixtures("small_batches")
def test_pages_arrive_for_an_event_loop_in_input_order(tmp_path: Path) -> None:
    files = _files(_publication(tmp_path / "site"))

    async def arrived(workers: int) -> list[object]:
        with ParsedPages(files, workers) as parsed:
            return [outcome async for outcome in parsed.arrivals()]

    alone, together = asyncio.run(arrived(1)), asyncio.run(arrived(2))
    assert [str(outcome) if isinstance(outcome, CheckerError) else outcome for outcome in together] == [
        str(outcome) if isinstance(outcome, CheckerError) else outcome for outcome in alone
    ]
    assert len(together) == len(files)


def _dies_on(name: str) -> object:
    real = pages.parse_page

    def parse(path: str) -> object:
        if path.endswith(name):
            os._exit(1)  # as a worker killed for lack of memory would
        return real(path)

    return parse


@pytest.mark.usefixtures("small_batches")
def test_a_worker_that_dies_is_an_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(_publication(tmp_path / "site"))
    monkeypatch.setattr(pages, "parse_page", _dies_on("placeholder.md"))  # the workers are forks
    with pytest.raises(ParseWorkerCrashed, match=r"stopped unexpectedly .* --jobs 1"):
        parse_pages(files, workers=2)
    # in this process the same page is parsed as usual: --jobs 1 is the way round
    monkeypatch.undo()
    assert len(parse_pages(files, workers=1)[0]) == len(files) - 1


# --- stopping: the whole command in a process of its own -----------------------------------------

#: the CLI with every page slow to parse (in the workers, which are forks), saying when it started
_SLOW = """
import sys, time
from pathlib import Path
from checker.engine import pages
from checker.cli import main

started = Path(sys.argv[1])
pages.CHUNK_BYTES = 1  # a batch per page

def parse_page(path):
    started.touch()
    time.sleep(60)

pages.parse_page = parse_page
sys.exit(main(["check", "--jobs", "2", *sys.argv[2:]]))
"""


def _gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    ("how", "said"),
    [("SIGINT", "checker: interrupted"), ("SIGTERM", "checker: stopped (SIGTERM)")],
)
@pytest.mark.parametrize(
    "links",
    [
        ["--offline"],
        # links checked: the crawl waits on an event loop for the pages' links (none comes)
        ["--no-store", "--allow-private", "--dns-probe", "localhost.localdomain"],
    ],
    ids=["offline", "links"],
)
def test_stopping_while_pages_are_parsed_stops_the_workers(
    tmp_path: Path, how: str, said: str, links: list[str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for number in range(1, 5):  # links to this machine only: no test reaches the internet
        (site / f"_action0{number}.md").write_text(
            f"{{{{DEPARTMENTRESPONSE}}}}\n#Action 0{number}: x\n{{div .section}}\n{{div .department}}\n"
            "##Cabinet<br>Office\n{: .logo-single}\n{div .statement}\n"
            f"We [publish](http://127.0.0.1:9/p{number}).\n{{/div}}\n{{/div}}\n{{/div}}\n",
            encoding="utf-8",
        )
    started = tmp_path / "started"
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW, str(started), *links, str(site)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job would be
    )
    try:
        for _ in range(600):  # until a worker is parsing
            if started.exists() or child.poll() is not None:
                break
            time.sleep(0.05)
        assert started.exists(), child.communicate()[1]
        if how == "SIGINT":
            os.killpg(child.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the whole group
        else:
            os.kill(child.pid, signal.SIGTERM)  # a service manager: the main process only
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert said in err
        assert "Traceback" not in err
        for _ in range(200):  # its workers went with it
            if _gone(child.pid):
                break
            time.sleep(0.05)
        assert _gone(child.pid)
    finally:
        if child.poll() is None:
            child.kill()
        if not _gone(child.pid):
            os.killpg(child.pid, signal.SIGKILL)
