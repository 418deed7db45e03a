"""Start-up (issue 12): an offline check of Markdown pages imports neither the crawler nor the HTML parser.

``checker check --offline page.md`` from an editor or a pre-commit hook should start at once, so
what only link checking (the crawler, aiohttp), HTML input (beautifulsoup4), the link store
(sqlite3) or another output format needs is imported when it is used. Each test runs the real
command in a fresh interpreter and reads which modules it had imported when it finished: a
deterministic stand-in for a timing, which would be too noisy for a test.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.builtin import builtin_rules_dir
from checker.checks import statements
from checker.cli import commands
from checker.config import yamlfile
from checker.engine import fingerprint
from checker.errors import ConfigError
from checker.text import plain_typography, typography_changes
from tests.conftest import FIXTURES

SEED = FIXTURES / "corpus" / "seed" / "action11-2012-12-20.md"
CLEAN = FIXTURES / "cases" / "clean-page.md"
HTML_PAGE = FIXTURES / "html" / "departmentactions" / "_action01.html"

#: what an offline check of Markdown pages never needs
NOT_OFFLINE = (
    "aiohttp",
    "bs4",
    "soupsieve",
    "checker.crawl",
    "checker.parse.html",
    "sqlite3",
    "checker.store",
    "checker.engine.nightly",
    "checker.output.sarif",
    "checker.output.junit",
    "asyncio",  # an event loop is for checking links
    "yarl",  # the client's URL reading: plain hosts are read without it
    "_hashlib",  # OpenSSL: fingerprints use CPython's own SHA-256
    "concurrent.futures",  # worker processes are for big inputs
    "multiprocessing",
    "checker.engine.links",  # the link stage and the run history: only when links are checked
    "checker.engine.history",
    "html.parser",  # for <a href> in a page's inline HTML (the seed page has none)
)

#: runs the CLI in this interpreter, then writes the names of the imported modules to a file
_PROBE = """
import json, sys
from checker.cli import main
try:
    code = main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)
sys.exit(code)
"""


def _imported(tmp_path: Path, *argv: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The modules ``checker ARGV...`` had imported when it finished, and how it ended."""
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(listing), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert listing.is_file(), f"the probe wrote no module list: {done.stderr}"
    return set(json.loads(listing.read_text(encoding="utf-8"))), done


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(module.startswith(f"{name}.") for module in modules)


def test_an_offline_markdown_check_imports_no_crawler_html_parser_or_store(tmp_path: Path) -> None:
    modules, done = _imported(tmp_path, "check", "--offline", str(SEED))
    assert done.returncode == 1, done.stderr  # the seed page has error-level findings: it was checked
    assert "[placeholder-text]" in done.stdout
    assert _loaded(modules, "checker.checks")  # the probe sees what the run imported
    assert [name for name in NOT_OFFLINE if _loaded(modules, name)] == []


def test_a_clean_page_imports_only_the_text_format(tmp_path: Path) -> None:
    modules, done = _imported(tmp_path, "check", "--offline", str(CLEAN))
    assert (done.returncode, done.stdout) == (0, "no problems in 1 page\n"), done.stderr
    formats = sorted(name for name in modules if name.startswith("checker.output."))
    assert formats == ["checker.output.base", "checker.output.safe", "checker.output.text"]


def test_what_a_run_uses_is_still_imported(tmp_path: Path) -> None:
    """The other side: HTML input brings in the HTML parser, --format sarif the SARIF writer."""
    modules, done = _imported(tmp_path, "check", "--offline", "--format", "sarif", str(HTML_PAGE))
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["version"] == "2.1.0"
    assert {"bs4", "checker.parse.html", "checker.output.sarif"} <= modules
    assert not _loaded(modules, "checker.crawl")


# --- what start-up no longer computes, checked against what it computed -----------------------------


def test_the_typography_table_is_every_character_plain_typography_changes() -> None:
    """``typography_changes`` reads the table instead of trying 65,536 code points at each start."""
    scanned = []
    for code in range(0x110000):
        char = chr(code)
        plain = plain_typography(char)
        if plain != char:
            scanned.append((char, plain))
    assert typography_changes() == tuple(scanned) == statements._typography()
    assert all(not char.isascii() and ord(char) <= 0xFFFF and plain.isascii() for char, plain in scanned)


def _shape(node: yaml.Node | None) -> object:
    """A node tree as comparable values: kind, tag, value or children, style and place."""
    if node is None:
        return None
    place = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):  # a plain scalar's style: None, or "" from libyaml
        return ("scalar", node.tag, node.value, node.style or None, place)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, [_shape(item) for item in node.value], node.flow_style, place)
    assert isinstance(node, yaml.MappingNode)
    pairs = [(_shape(key), _shape(value)) for key, value in node.value]
    return ("mapping", node.tag, pairs, node.flow_style, place)


def test_the_shipped_rules_compose_as_the_strict_loader_composes_them() -> None:
    """Checker's own files are composed by libyaml (parser and composer); every one gives the
    tree the strict pure-Python loader gives, which reads the user's files."""
    paths = sorted(builtin_rules_dir().glob("*.yaml"))
    assert len(paths) > 40
    for path in paths:
        assert _shape(yamlfile.load(path, shipped=True)) == _shape(yamlfile.load(path)), path


@pytest.mark.parametrize(
    "text",
    [
        "id: a\nkind: &k placeholder\nlevel: *k\n",  # an alias of a scalar
        "a: &x [1, 2]\nb: *x\n",  # of a list
        "a: *nowhere\n",  # of no anchor
        "[" * 33 + "]" * 33,  # nested too deep
        "a: [1\n",  # not YAML at all
        "a: 1\n---\nb: 2\n",  # two documents
    ],
)
def test_a_shipped_file_the_strict_loader_refuses_is_refused_alike(tmp_path: Path, text: str) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as strict:
        yamlfile.load(path)
    with pytest.raises(ConfigError) as shipped:
        yamlfile.load(path, shipped=True)
    assert str(shipped.value) == str(strict.value)


@pytest.mark.parametrize("depth", [31, 32])
def test_a_shipped_file_nested_to_the_limit_is_read(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("[" * depth + "]" * depth, encoding="utf-8")
    assert _shape(yamlfile.load(path, shipped=True)) == _shape(yamlfile.load(path))


def _help(parser_argv: list[str], *, whole: bool) -> str:
    """What ``checker ARGV`` prints for ``--help``, with the whole parser or the one made for the
    command that runs (``main``'s)."""
    command = None if whole else commands._command_in(parser_argv)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        commands._parser(command).parse_args(parser_argv)
    return out.getvalue()


@pytest.mark.parametrize("command", sorted(commands.COMMANDS))
def test_a_command_s_parser_is_the_whole_parser_s(command: str) -> None:
    """``main`` gives argparse only the subcommand that runs; its help is the same as before."""
    assert commands._command_in([command, "x.md"]) == command
    assert _help([command, "--help"], whole=False) == _help([command, "--help"], whole=True)


def test_without_a_leading_command_the_parser_has_every_command() -> None:
    for argv in ([], ["--help"], ["--help", "check"], ["--", "check"], ["chek", "x.md"]):
        assert commands._command_in(argv) is None
    text = _help(["--help"], whole=False)
    assert all(name in text for name in commands.COMMANDS)


def test_fingerprints_use_the_same_sha256_as_hashlib() -> None:
    samples = (b"", b"abc", b"link-dead|page.md|Cabinet Office|https://x/|0", bytes(range(256)) * 9)
    for data in samples:
        assert fingerprint.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
