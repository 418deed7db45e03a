"""``checker check --fix``: what is rewritten, what is left, and how the file is written.

The planner is tested on its own with made-up link results (no network), the writer on files
with every kind of line ending, and the whole of ``checker check --fix`` against the local
imitation sites (``tests/crawl/sites.py``), whose https port serves the same routes as the
plain one, so the https:// variant of an http:// link is checked for real, over TLS.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import os
import socket
import stat
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from checker.cli import commands as cli
from checker.cli import options
from checker.engine.fix import Edit, FixPlan, edited, plan_fixes, read_pages
from checker.engine.fix_apply import FixRefused, apply_edits
from checker.engine.links import LinkOptions
from checker.model.links import Hop, LinkResult, LinkStatus, fetch_key
from checker.parse import parse_file
from tests.crawl.conftest import FAST
from tests.crawl.sites import Handler, SiteResolver, SiteServer, html, redirect, status

OLD = "http://old.example.gov.uk/a"
NEW = "https://www.example.gov.uk/b"
CONFIG = replace(FAST, host_interval=0.0, retries=0, read_timeout=2.0, total_timeout=5.0)
#: for plans that must not fetch: every name lookup fails (a fetch would show as unchecked, never OK)
NO_NETWORK = LinkOptions(config=CONFIG, resolver=SiteResolver({}, fail_all=socket.EAI_AGAIN))


def result(
    url: str,
    status_: LinkStatus = LinkStatus.OK,
    *,
    hops: tuple[tuple[str, int], ...] = (),
    content_type: str | None = "text/html",
) -> LinkResult:
    """A result for ``url``; ``hops`` are (location, code) in order, the last location is final."""
    chain, current = [], fetch_key(url)
    for location, code in hops:
        chain.append(Hop(current, code, fetch_key(location)))
        current = fetch_key(location)
    return LinkResult(
        url=fetch_key(url),
        status=status_,
        status_code=200 if status_ is LinkStatus.OK else 404,
        final_url=current,
        redirects=tuple(chain),
        permanent_redirect=bool(chain) and all(hop.status_code in (301, 308) for hop in chain),
        error_kind=None,
        detail="",
        elapsed=0.1,
        attempts=1,
        content_type=content_type,
        anchors=None,
    )


def results_of(*items: LinkResult) -> dict[str, LinkResult]:
    return {item.url: item for item in items}


def write_page(tmp_path: Path, text: str, name: str = "page.md") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def plan_for(path: Path, results: Mapping[str, LinkResult], links: LinkOptions = NO_NETWORK) -> FixPlan:
    return plan_fixes([parse_file(str(path))], results, links)


def fix(path: Path, plan: FixPlan) -> str:
    (page,) = plan.pages
    return apply_edits(page.path, page.edits, page.lines)


# --- the planner ---------------------------------------------------------------------------------

EVERY_KIND = f"""# Links

See [the page]({OLD}#part "{OLD}") and ![a chart]({OLD}).
Auto <{OLD}> and bare {OLD} here, but `{OLD}` is code.
Html <a href="{OLD}">x</a>, [angle](<{OLD}>), [by reference][r] and [within the site](/a/b).
[{OLD}]({OLD}) as its own text.

```
[in a code block]({OLD})
```

<p>A block of HTML: <a class="x" href='{OLD}'>y</a></p>

[r]: {OLD}
"""


def test_a_permanent_redirect_becomes_the_final_url_in_every_kind_of_link(tmp_path: Path) -> None:
    path = write_page(tmp_path, EVERY_KIND)
    plan = plan_for(path, results_of(result(OLD, hops=((NEW, 301),))))
    assert plan.edits == 8
    assert {edit.why for edit in plan.pages[0].edits} == {"moved permanently (301)"}
    diff = fix(path, plan)
    text = path.read_text(encoding="utf-8")
    assert text == (
        EVERY_KIND.replace(f"({OLD}#part ", f"({NEW}#part ")  # the fragment kept as written
        .replace(f"![a chart]({OLD})", f"![a chart]({NEW})")
        .replace(f"<{OLD}>", f"<{NEW}>")
        .replace(f"bare {OLD}", f"bare {NEW}")
        .replace(f'href="{OLD}"', f'href="{NEW}"')
        .replace(f"href='{OLD}'", f"href='{NEW}'")
        .replace(f"[{OLD}]({OLD})", f"[{OLD}]({NEW})")  # the link's text is the editor's
    )
    assert f'"{OLD}")' in text and f"`{OLD}`" in text  # a title and a code span are not links
    assert f"[in a code block]({OLD})" in text and f"[r]: {OLD}" in text
    # the reference link is named, not changed: its URL is in the definition
    (skip,) = plan.skipped
    assert (skip.line, skip.url) == (5, OLD) and "[label]: definition" in skip.reason
    assert diff.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert f"-Auto <{OLD}> and bare {OLD} here, but `{OLD}` is code.\n" in diff
    assert f"+Auto <{NEW}> and bare {NEW} here, but `{OLD}` is code.\n" in diff


@pytest.mark.parametrize(
    ("link_result", "why"),
    [
        (result(OLD, hops=((NEW, 302),)), "a temporary redirect"),
        (result(OLD, hops=((NEW, 307),)), "a temporary redirect"),
        (result(OLD, hops=(("http://old.example.gov.uk/c", 301), (NEW, 302))), "a temporary hop"),
        (result(OLD, LinkStatus.DEAD), "a dead link"),
        (result(OLD, LinkStatus.DEAD, hops=((NEW, 301),)), "moved to a dead page"),
        (result(OLD, LinkStatus.SOFT_404, hops=(("https://www.example.gov.uk/", 301),)), "moved home"),
        (result(OLD, LinkStatus.UNCHECKED), "not checked"),
    ],
)
def test_what_is_not_one_right_answer_is_not_touched(
    tmp_path: Path, link_result: LinkResult, why: str
) -> None:
    path = write_page(tmp_path, f"[a link]({OLD}) and [another](https://www.example.gov.uk/b)\n")
    https_variant = result("https://old.example.gov.uk/a", LinkStatus.DEAD)  # no https upgrade either
    plan = plan_for(path, results_of(link_result, https_variant))
    assert plan.pages == () and plan.skipped == (), why


def test_permanent_hops_to_another_host_are_a_fix_and_308_counts(tmp_path: Path) -> None:
    path = write_page(tmp_path, f"[a link]({OLD}?x=1)\n")
    moved = result(f"{OLD}?x=1", hops=(("http://old.example.gov.uk/c", 308), (NEW, 301)))
    fix(path, plan_for(path, results_of(moved)))
    assert path.read_text(encoding="utf-8") == f"[a link]({NEW})\n"


def test_site_relative_links_are_never_fixed(tmp_path: Path) -> None:
    path = write_page(tmp_path, "[within the site](/a)\n")
    # even when the run checked it against a base URL and found it moved
    plan = plan_for(path, {"/a": result("/a", hops=(("/b", 301),))})
    assert plan.pages == () and plan.skipped == ()


def test_a_move_from_https_to_http_is_named_not_made(tmp_path: Path) -> None:
    path = write_page(tmp_path, "[a link](https://www.example.gov.uk/a)\n")
    moved = result("https://www.example.gov.uk/a", hops=(("http://x.gov.uk/", 301),))
    plan = plan_for(path, results_of(moved))
    assert plan.pages == ()
    assert [skip.reason for skip in plan.skipped] == [
        "it moved to http://x.gov.uk/, which is not https://; change it by hand"
    ]


def test_a_url_not_written_as_it_is_read_is_named_not_guessed(tmp_path: Path) -> None:
    path = write_page(tmp_path, "[escaped](http://old.example.gov.uk/a\\_b) and [twice](<http://x.gov.uk/>\n")
    plan = plan_for(path, results_of(result("http://old.example.gov.uk/a_b", hops=((NEW, 301),))))
    assert plan.pages == ()
    (skip,) = plan.skipped
    assert skip.url == "http://old.example.gov.uk/a_b"
    assert "an escape, an entity or a line break" in skip.reason


def test_an_edit_that_would_change_how_the_page_reads_is_dropped(tmp_path: Path) -> None:
    path = write_page(tmp_path, f"[a link]({OLD}) and [fine](http://old.example.gov.uk/ok)\n")
    odd = "https://www.example.gov.uk/b)c"  # a ")" would end the link early
    plan = plan_for(
        path,
        results_of(
            result(OLD, hops=((odd, 301),)),
            result("http://old.example.gov.uk/ok", hops=((NEW, 301),)),
        ),
    )
    (page,) = plan.pages
    assert [edit.new for edit in page.edits] == [NEW]
    (skip,) = plan.skipped
    assert skip.url == OLD and "would not read" in skip.reason


PLAIN = "http://www.example.gov.uk/x"


@pytest.mark.parametrize(
    ("variant", "fixed"),
    [
        (result("https://www.example.gov.uk/x"), True),
        (result("https://www.example.gov.uk/x", hops=(("https://www.example.gov.uk/y", 301),)), False),
        (result("https://www.example.gov.uk/x", content_type="application/pdf"), False),
        (result("https://www.example.gov.uk/x", hops=((PLAIN, 301),)), False),  # back to http
        (result("https://www.example.gov.uk/x", LinkStatus.UNREACHABLE), False),
    ],
)
def test_http_becomes_https_only_for_the_same_page(tmp_path: Path, variant: LinkResult, fixed: bool) -> None:
    # the run checked the https variant already (the page links it too), so nothing is fetched
    path = write_page(tmp_path, f"[plain]({PLAIN}#top)\n")
    plan = plan_for(path, results_of(result(PLAIN), variant))
    assert plan.edits == fixed and plan.skipped == () and plan.notes == ()
    if fixed:
        fix(path, plan)
        assert path.read_text(encoding="utf-8") == "[plain](https://www.example.gov.uk/x#top)\n"


def test_https_variants_not_checked_change_nothing(tmp_path: Path) -> None:
    path = write_page(tmp_path, f"[plain]({PLAIN})\n")
    plan = plan_for(path, results_of(result(PLAIN)))  # the crawl finds the network down
    assert plan.pages == ()
    assert plan.notes == (
        "--fix: the network became unavailable, so no http:// link was changed to https://",
    )


def test_edits_are_applied_from_the_end_of_a_line_and_checked() -> None:
    edits = [
        Edit("p.md", 1, 2, 4, "bc", "BBCC", "x"),
        Edit("p.md", 1, 5, 6, "e", "E", "x"),
    ]
    assert edited(["abcdef", "z"], edits) == ["aBBCCdEf", "z"]
    with pytest.raises(ValueError, match="is not there"):
        edited(["abXdef"], edits)
    with pytest.raises(ValueError, match="overlap"):
        edited(["abcdef"], [Edit("p.md", 1, 2, 4, "bc", "", "x"), Edit("p.md", 1, 3, 5, "cd", "", "x")])


# --- the writer ----------------------------------------------------------------------------------


def test_bom_and_every_line_ending_are_kept_byte_for_byte(tmp_path: Path) -> None:
    body = f"# Title\r\n\r\n[a link]({OLD}) and <{OLD}>\r\nunix line\nold mac line\r[last]({OLD})"
    path = tmp_path / "page.md"
    path.write_bytes(codecs.BOM_UTF8 + body.encode("utf-8"))
    path.chmod(0o640)
    diff = fix(path, plan_for(path, results_of(result(OLD, hops=((NEW, 301),)))))
    assert path.read_bytes() == codecs.BOM_UTF8 + body.replace(OLD, NEW).encode("utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(tmp_path.iterdir()) == [path]  # no temporary file left behind
    assert "\r" not in diff
    no_newline = "\\ No newline at end of file\n"
    assert diff.endswith(f"-[last]({OLD})\n{no_newline}+[last]({NEW})\n{no_newline}")


def test_a_page_changed_since_it_was_checked_is_refused(tmp_path: Path) -> None:
    path = write_page(tmp_path, f"[a link]({OLD})\n")
    plan = plan_for(path, results_of(result(OLD, hops=((NEW, 301),))))
    path.write_text(f"[a link]({OLD})\nan editor's new line\n", encoding="utf-8")
    changed = path.read_bytes()
    with pytest.raises(FixRefused, match="changed on disk since it was checked"):
        fix(path, plan)
    assert path.read_bytes() == changed
    assert sorted(tmp_path.iterdir()) == [path]


def test_a_page_reached_through_a_symbolic_link_stays_linked(tmp_path: Path) -> None:
    real = write_page(tmp_path, f"[a link]({OLD})\n", "real.md")
    link = tmp_path / "page.md"
    link.symlink_to(real)
    fix(link, plan_for(link, results_of(result(OLD, hops=((NEW, 301),)))))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == f"[a link]({NEW})\n"


# --- checker check --fix, against the imitation sites --------------------------------------------


def by_scheme(plain: Handler, secure: Handler) -> Handler:
    async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
        return await (secure if request.secure else plain)(request, site)

    return handler


PAGE = html("A page", "<h1>A page</h1>")
GOVUK = "https://www.gov.uk"
ROUTES: dict[str, dict[str, Handler]] = {
    "www.dcms.gov.uk": {
        "/moved": redirect(f"{GOVUK}/government/new", 301),
        "/moved-twice": redirect("http://www.dcms.gov.uk/moved-again", 308),
        "/moved-again": redirect(f"{GOVUK}/government/new", 301),
        "/temporary": redirect(f"{GOVUK}/government/new", 302),
        "/dead": status(404),
        "/plain": PAGE,  # its certificate does not name www.dcms.gov.uk: https fails
    },
    "www.gov.uk": {
        "/government/new": PAGE,
        "/both": PAGE,  # the same page on http and https
        "/elsewhere": by_scheme(PAGE, redirect(f"{GOVUK}/government/new", 301)),
        "/not-on-https": by_scheme(PAGE, status(404)),
    },
}
LINKS = """# Links

- [moved](http://www.dcms.gov.uk/moved#summary)
- [moved twice](http://www.dcms.gov.uk/moved-twice)
- [temporary](http://www.dcms.gov.uk/temporary)
- [dead](http://www.dcms.gov.uk/dead)
- [no https](http://www.dcms.gov.uk/plain)
- [both](http://www.gov.uk/both) and <http://www.gov.uk/both>
- [elsewhere](http://www.gov.uk/elsewhere)
- [not on https](http://www.gov.uk/not-on-https)
"""
FIXED = (
    LINKS.replace("http://www.dcms.gov.uk/moved#summary", f"{GOVUK}/government/new#summary")
    .replace("http://www.dcms.gov.uk/moved-twice", f"{GOVUK}/government/new")
    .replace("http://www.gov.uk/both", f"{GOVUK}/both")
)


@pytest.fixture
def pages_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


def route_links(monkeypatch: pytest.MonkeyPatch, site: SiteServer) -> None:
    links = LinkOptions(config=CONFIG, resolver=site.resolver, ssl_context=site.client_ssl)
    monkeypatch.setattr(options, "link_options", lambda settings: links)


async def test_check_fix_rewrites_what_has_one_right_answer(
    pages_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = pages_folder / "links.md"
    page.write_bytes(codecs.BOM_UTF8 + LINKS.replace("\n", "\r\n").encode("utf-8"))
    async with SiteServer(routes=ROUTES) as site:
        route_links(monkeypatch, site)
        code = await asyncio.to_thread(cli.main, ["check", "--fix", "links.md"])
        # one extra request per https variant of an http link that answered OK as it is
        assert site.requests[("www.gov.uk", "/both", "GET")] == 2
        assert site.hits("www.dcms.gov.uk", "/dead") == 1
    assert page.read_bytes() == codecs.BOM_UTF8 + FIXED.replace("\n", "\r\n").encode("utf-8")
    assert files_in(pages_folder) == [page]
    out = capsys.readouterr().out
    diff, _, report = out.partition("checker: --fix: fixed 4 links in 1 page; ")
    assert diff == (
        "--- a/links.md\n+++ b/links.md\n@@ -1,10 +1,10 @@\n # Links\n \n"
        "-- [moved](http://www.dcms.gov.uk/moved#summary)\n"
        "-- [moved twice](http://www.dcms.gov.uk/moved-twice)\n"
        f"+- [moved]({GOVUK}/government/new#summary)\n"
        f"+- [moved twice]({GOVUK}/government/new)\n"
        " - [temporary](http://www.dcms.gov.uk/temporary)\n"
        " - [dead](http://www.dcms.gov.uk/dead)\n"
        " - [no https](http://www.dcms.gov.uk/plain)\n"
        "-- [both](http://www.gov.uk/both) and <http://www.gov.uk/both>\n"
        f"+- [both]({GOVUK}/both) and <{GOVUK}/both>\n"
        " - [elsewhere](http://www.gov.uk/elsewhere)\n"
        " - [not on https](http://www.gov.uk/not-on-https)\n"
    )
    assert report.startswith("the findings reported are from the check before the fix\n")
    assert "[link-redirect]" in report and "[link-dead]" in report  # the findings before the fix
    assert code == 1


async def test_without_fix_nothing_is_written(
    pages_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = pages_folder / "links.md"
    page.write_text(LINKS, encoding="utf-8")
    before = page.read_bytes()
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    async with SiteServer(routes=ROUTES) as site:
        route_links(monkeypatch, site)
        code = await asyncio.to_thread(cli.main, ["check", "--no-store", "links.md"])
        assert site.hits("www.gov.uk", "/both") == 1  # no https variant is fetched either
    assert code == 1
    assert page.read_bytes() == before and page.stat().st_mtime_ns == 1_000_000_000
    assert "--fix" not in capsys.readouterr().out


async def test_fix_keeps_json_on_standard_output_valid(
    pages_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = pages_folder / "links.md"
    page.write_text(LINKS, encoding="utf-8")
    async with SiteServer(routes=ROUTES) as site:
        route_links(monkeypatch, site)
        await asyncio.to_thread(cli.main, ["check", "--fix", "--no-store", "--format", "json", "links.md"])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert any(finding["rule"] == "link-redirect" for finding in document["findings"])
    assert "+++ b/links.md" in captured.err and "fixed 4 links in 1 page" in captured.err
    assert page.read_text(encoding="utf-8") == FIXED


async def test_a_page_edited_while_links_are_checked_is_refused(
    pages_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = pages_folder / "links.md"
    page.write_text(LINKS, encoding="utf-8")
    edited_text = LINKS + "- a line the editor added while the links were checked\n"

    async def editor_saves(request: web.Request, site: SiteServer) -> web.StreamResponse:
        page.write_text(edited_text, encoding="utf-8")
        return await PAGE(request, site)

    routes = {host: dict(paths) for host, paths in ROUTES.items()}
    routes["www.gov.uk"]["/government/new"] = editor_saves
    async with SiteServer(routes=routes) as site:
        route_links(monkeypatch, site)
        code = await asyncio.to_thread(cli.main, ["check", "--fix", "--no-store", "links.md"])
    assert code == 2
    assert page.read_text(encoding="utf-8") == edited_text
    captured = capsys.readouterr()
    assert "checker: error: links.md: changed on disk since it was checked; not fixed" in captured.err
    assert "fixed 0 links in 0 pages" in captured.out


@pytest.mark.parametrize(
    ("flags", "why"),
    [
        (["--offline"], "--offline is given"),
        (["--profile", "content"], "no selected rule checks links (profile content)"),
    ],
)
def test_fix_needs_link_checks(
    pages_folder: Path, capsys: pytest.CaptureFixture[str], flags: list[str], why: str
) -> None:
    page = pages_folder / "links.md"
    page.write_text(LINKS, encoding="utf-8")
    assert cli.main(["check", "--fix", *flags, "links.md"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "checker: error: --fix: needs the links checked (it rewrites them from what checking found), "
        f"but {why}\n"
    )
    assert captured.out == "" and page.read_text(encoding="utf-8") == LINKS


def test_read_pages_reads_as_the_check_does(pages_folder: Path) -> None:
    (pages_folder / "a.md").write_text("[x](http://x.gov.uk/)\n", encoding="utf-8")
    (pages_folder / "notes.txt").write_text("not a page", encoding="utf-8")
    (page,) = read_pages(["."])
    assert page.path == "a.md" and page.lines == ("[x](http://x.gov.uk/)", "")
