"""Stopping checker: a second Ctrl-C ends it at once, SIGTERM says so, a closed pipe keeps the verdict."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import FIXTURES
from tests.test_nightly import _slow_server_script, _wait_for

SEED = FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md"


async def _checking(tmp_path: Path) -> tuple[asyncio.subprocess.Process, asyncio.subprocess.Process]:
    """A slow local server, and `checker check` busy with 40 of its links (about 16 s one by one)."""
    port_file = tmp_path / "port"
    server = await asyncio.create_subprocess_exec(sys.executable, "-c", _slow_server_script(port_file))
    port = int(await _wait_for(port_file, 20))
    links = " ".join(f"[page {n}](http://127.0.0.1:{port}/p{n})" for n in range(40))
    (tmp_path / "page.md").write_text(
        "{{DEPARTMENTRESPONSE}}\n#Action 01: x\n{div .section}\n{div .department}\n##Cabinet<br>Office\n"
        f"{{: .logo-single}}\n{{div .statement}}\nWe {links}.\n{{/div}}\n{{/div}}\n{{/div}}\n",
        encoding="utf-8",
    )
    argv = ["check", str(tmp_path / "page.md"), "--db", str(tmp_path / "links.db"), "--allow-private"]
    argv += ["--concurrency", "1", "--host-concurrency", "1", "--host-interval", "0"]
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "checker", *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    await asyncio.sleep(2.0)  # well into the crawl
    return server, child


async def test_second_interrupt_stops_at_once(tmp_path: Path) -> None:
    server, child = await _checking(tmp_path)
    try:
        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        child.send_signal(signal.SIGINT)
        _, err = await asyncio.wait_for(child.communicate(), 10)
        assert child.returncode == 130, err
        assert time.monotonic() - started < 5
        assert b"Traceback" not in err
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 10)


async def test_sigterm_says_it_was_stopped(tmp_path: Path) -> None:
    server, child = await _checking(tmp_path)
    try:
        child.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(child.communicate(), 20)
        assert child.returncode == 130
        assert b"checker: stopped (SIGTERM); what was checked is kept" in err
        assert b"Traceback" not in err
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 10)


def test_a_closed_pipe_keeps_the_exit_code() -> None:
    """`checker ... | head -1`: the reader leaves early; the run still fails for its errors, quietly."""
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checker",
            "check",
            "--offline",
            "--format",
            "json",
            str(FIXTURES / "corpus"),
        ],  # 300 KB
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.readline()
        child.stdout.close()
        err = child.stderr.read()
        code = child.wait(timeout=60)
    assert code == 1
    assert b"Traceback" not in err and b"Exception ignored" not in err
