"""The link store end to end: nights simulated against local imitation sites, the cache, a killed run.

Every request goes to 127.0.0.1 (the test resolver maps the names there). Each "night" is one
`checker nightly` run; the imitation site changes its answers between nights: a link that breaks on
night 2, one that recovers on night 3, one that flaps, and a host that refuses connections every
night (unreachable, which escalates to an error on the third night in a row).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from checker.cli import commands, options
from checker.engine.links import LinkOptions
from tests.crawl.conftest import FAST
from tests.crawl.sites import REFUSED_HOST, SiteServer, html

STRATEGY = "http://www.cabinetoffice.gov.uk/resource-library/cabinet-office-digital-strategy"
PAGE = f"""{{{{DEPARTMENTRESPONSE}}}}
#Action 01: Departments will publish their digital strategies
{{div .section}}

{{div .department}}
##Cabinet<br>Office
{{: .logo-single}}
{{div .statement}}
We publish [the guide](http://www.gov.uk/ok), [the plan](http://www.gov.uk/breaks),
[the data](http://www.gov.uk/recovers), [the service](http://www.gov.uk/flaps) and
[the budget](http://{REFUSED_HOST}/budget). [Read more »]({STRATEGY})
{{/div}}
{{/div}}
{{/div}}
"""
OK, BREAKS, RECOVERS, FLAPS = (f"http://www.gov.uk/{name}" for name in ("ok", "breaks", "recovers", "flaps"))
REFUSED = f"http://{REFUSED_HOST}/budget"
#: night -> path -> does it answer 200 (else 404)
WORKS = {
    "/ok": (True, True, True, True),
    "/breaks": (True, False, False, False),
    "/recovers": (False, False, True, True),
    "/flaps": (True, False, True, False),
}


class Nights:
    """The imitation sites, night by night."""

    def __init__(self) -> None:
        self.night = 0
        page = html("Publication", "<h1>Publication</h1>")

        def answer(path: str) -> Any:
            async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
                if WORKS[path][self.night]:
                    return await page(request, site)
                return web.Response(status=404, text="not found")

            return handler

        self.routes = {
            "www.gov.uk": {path: answer(path) for path in WORKS},
            "www.cabinetoffice.gov.uk": {"/resource-library/cabinet-office-digital-strategy": page},
        }


def links_for(site: SiteServer) -> LinkOptions:
    return LinkOptions(
        config=replace(FAST, host_interval=0.0, retries=0),
        resolver=site.resolver,
        ssl_context=site.client_ssl,
    )


async def nightly(tmp_path: Path, *extra: str) -> int:
    argv = [
        "nightly",
        str(tmp_path / "page.md"),
        "--db",
        str(tmp_path / "links.db"),
        "--out",
        str(tmp_path / "out"),
    ]
    return await asyncio.to_thread(commands.main, [*argv, *extra])


def report(tmp_path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    return document


def urls(entries: list[dict[str, Any]]) -> set[str]:
    return {entry["url"] for entry in entries}


async def test_four_nights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the run's root: pages are named relative to it
    nights = Nights()
    async with SiteServer(routes=nights.routes) as site:
        monkeypatch.setattr(options, "link_options", lambda settings: links_for(site))
        seen: list[dict[str, Any]] = []
        for night in range(4):
            nights.night = night
            before = sum(site.requests.values())
            assert await nightly(tmp_path) == 1  # link-dead errors every night
            assert sum(site.requests.values()) - before == 5, "every link re-checked every night"
            seen.append(report(tmp_path))
    out = capsys.readouterr().out
    assert out.count("report of run") == 4

    first, second, third, fourth = seen
    assert urls(first["newly_broken"]) == {RECOVERS, REFUSED}
    assert (first["still_broken"], first["recovered"]) == ([], [])

    assert urls(second["newly_broken"]) == {BREAKS, FLAPS}
    assert urls(second["still_broken"]) == {RECOVERS, REFUSED}
    assert second["recovered"] == []

    assert third["newly_broken"] == []
    assert urls(third["still_broken"]) == {BREAKS, REFUSED}
    assert urls(third["recovered"]) == {RECOVERS, FLAPS}
    refused = next(entry for entry in third["still_broken"] if entry["url"] == REFUSED)
    assert (refused["status"], refused["consecutive_failures"]) == ("unreachable", 3)
    assert (refused["rule"], refused["severity"]) == ("link-unreachable", "error"), "escalated on night 3"
    earlier = next(entry for entry in second["still_broken"] if entry["url"] == REFUSED)
    assert earlier["severity"] == "warning", "one or two bad nights only warn"
    breaks = next(entry for entry in third["still_broken"] if entry["url"] == BREAKS)
    broke_on = next(entry for entry in second["newly_broken"] if entry["url"] == BREAKS)
    assert breaks["failing_since"] == broke_on["checked_at"], "broken since the night it broke"
    assert breaks["last_good"] is not None and breaks["last_good"] < broke_on["checked_at"]
    assert breaks["places"] == [
        {"path": "page.md", "line": 9, "column": 47, "department": "Cabinet Office", "text": "the plan"}
    ]

    assert urls(fourth["newly_broken"]) == {FLAPS}
    assert urls(fourth["flapping"]) == {FLAPS}
    assert [point["failing"] for point in fourth["trend"]] == [2, 4, 2, 3]
    assert fourth["summary"]["complete"] is True

    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Broke last night" in html and REFUSED in html
    summary = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert FLAPS in summary

    report_again_and_prune(tmp_path, capsys, refused)


def report_again_and_prune(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], refused: dict[str, Any]
) -> None:
    """After the four nights: `checker report --run` and `checker prune`, from the store alone."""
    # the report of an earlier run, again from the store alone
    db, out_dir = str(tmp_path / "links.db"), str(tmp_path / "again")
    assert commands.main(["report", "--db", db, "--out", out_dir, "--run", "2"]) == 0
    again = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))
    assert again["run"]["id"] == 2 and urls(again["newly_broken"]) == {BREAKS, FLAPS}
    # pruning keeps the newest runs and every URL's history
    assert commands.main(["prune", "--db", db, "--keep-runs", "2"]) == 0
    assert "removed 2 runs" in capsys.readouterr().out
    assert commands.main(["report", "--db", db, "--out", out_dir]) == 0
    pruned = json.loads((tmp_path / "again" / "report.json").read_text(encoding="utf-8"))
    refused_now = next(entry for entry in pruned["still_broken"] if entry["url"] == REFUSED)
    assert (
        refused_now["consecutive_failures"] == 4 and refused_now["failing_since"] == refused["failing_since"]
    )
    assert [point["run_id"] for point in pruned["trend"]] == [3, 4]
    assert commands.main(["prune", "--db", db]) == 2
    assert "--keep-runs: say how many" in capsys.readouterr().err


async def test_second_check_within_the_ttl_fetches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    nights = Nights()
    async with SiteServer(routes=nights.routes) as site:
        monkeypatch.setattr(options, "link_options", lambda settings: links_for(site))
        argv = ["check", str(tmp_path / "page.md"), "--db", str(tmp_path / "links.db")]
        first = await asyncio.to_thread(commands.main, argv)
        fetched = sum(site.requests.values())
        first_out = capsys.readouterr().out
        second = await asyncio.to_thread(commands.main, argv)
        second_out = capsys.readouterr().out
        assert sum(site.requests.values()) == fetched, "nothing fetched the second time"
        # the same verdicts, from the store
        assert first == second == 1
        assert first_out.splitlines()[:-1] == second_out.splitlines()[:-1]
        assert second_out.splitlines()[-1].endswith("(6 from the link store)")
        # failures are kept only briefly; --no-cache fetches everything
        await asyncio.to_thread(commands.main, [*argv, "--failure-max-age", "0"])
        # the two failing links again (the refused host takes no request), not the four good ones
        assert sum(site.requests.values()) - fetched == 1
        assert capsys.readouterr().out.splitlines()[-1].endswith("(4 from the link store)")
        await asyncio.to_thread(commands.main, [*argv, "--no-cache"])
        assert sum(site.requests.values()) - fetched == 1 + 5
        assert "from the link store" not in capsys.readouterr().out


def _slow_server_script(port_file: Path) -> str:
    return f"""
import asyncio, pathlib
from aiohttp import web

async def handler(request):
    await asyncio.sleep(0.4)
    page = "<html><head><title>ok</title></head><body>ok</body></html>"
    return web.Response(text=page, content_type="text/html")

async def main():
    app = web.Application()
    app.router.add_route("GET", "/{{tail:.*}}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    pathlib.Path({str(port_file)!r}).write_text(str(port))
    await asyncio.sleep(60)

asyncio.run(main())
"""


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


async def _wait_for(path: Path, seconds: float) -> str:
    for _ in range(int(seconds / 0.05)):
        if text := _read(path):
            return text
        await asyncio.sleep(0.05)
    raise AssertionError(f"{path} did not appear within {seconds}s")


async def test_sigterm_mid_run_keeps_what_was_checked(tmp_path: Path) -> None:
    """A real SIGTERM to a real `checker nightly`: every result recorded before it stays, the run is
    closed as interrupted, the database is sound, and the next run carries on from the cache."""
    port_file = tmp_path / "port"
    server = await asyncio.create_subprocess_exec(sys.executable, "-c", _slow_server_script(port_file))
    try:
        port = int(await _wait_for(port_file, 20))
        links = " ".join(f"[page {n}](http://127.0.0.1:{port}/p{n})" for n in range(30))
        # only loopback addresses: no name to look up, nothing leaves the machine
        page = (
            PAGE.replace("We publish", f"We publish {links} and")
            .replace(f"[the budget](http://{REFUSED_HOST}/budget)", "the budget")
            .replace("http://www.gov.uk/", f"http://127.0.0.1:{port}/")
            .replace(STRATEGY, f"http://127.0.0.1:{port}/strategy")
        )
        (tmp_path / "page.md").write_text(page, encoding="utf-8")
        db = tmp_path / "links.db"
        argv = ["check", str(tmp_path / "page.md"), "--db", str(db), "--allow-private", "--concurrency", "1"]
        argv += ["--host-concurrency", "1", "--host-interval", "0"]
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "checker",
            *argv,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(200):  # until a few results are committed, at most 20 s
            await asyncio.sleep(0.1)
            if db.exists() and _committed(db) >= 3:
                break
        child.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(child.communicate(), 30)
        assert child.returncode == 130, err
        assert b"checker: stopped (SIGTERM); what was checked is kept" in err and b"Traceback" not in err
        recorded = _count(db, "SELECT count(*) FROM checks")
        assert 3 <= recorded < 30
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT outcome FROM runs").fetchall() == [("interrupted",)]
        # the next run carries on: what was checked comes from the store
        quick = [*argv, "--concurrency", "16", "--host-concurrency", "16"]
        again = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "checker",
            *quick,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(again.communicate(), 60)
        assert again.returncode in (0, 1), err
        assert f"({recorded} from the link store)".encode() in out.splitlines()[-1]
    finally:
        server.send_signal(signal.SIGTERM)
        await asyncio.wait_for(server.wait(), 10)


def _committed(db: Path) -> int:
    """Results committed so far; 0 while the store is still being created (file there, tables not yet)."""
    try:
        return _count(db, "SELECT count(*) FROM checks")
    except sqlite3.OperationalError:
        return 0


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=5) as conn:
        value: int = conn.execute(sql).fetchone()[0]
    return value


def test_report_without_a_store_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert commands.main(["report", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path)]) == 2
    assert "none.db: does not exist; run `checker nightly PATH...` first" in capsys.readouterr().err
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    assert commands.main(["report", "--db", str(garbage), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "garbage.db" in err and "Traceback" not in err
    assert os.environ.get("CHECKER_DEBUG") is None
