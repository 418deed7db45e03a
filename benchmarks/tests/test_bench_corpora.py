"""The generated pages: planted dead links known exactly, realistic markup, quiet content rules."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from pathlib import Path

from bench.corpora import CorpusSpec, departments, generate
from bench.tools import checker_binary

BASE = "http://127.0.0.1:9"
LINK = re.compile(r"\]\((http://[^)]+)\)")


def links_in(files: tuple[Path, ...]) -> list[str]:
    return [url for path in files for url in LINK.findall(path.read_text(encoding="utf-8"))]


def test_unique_corpus_plants_one_dead_url_in_a_hundred(tmp_path: Path) -> None:
    corpus = generate(tmp_path, CorpusSpec(pages=3, blocks=0, links=350, unique=350), BASE)
    urls = links_in(corpus.files)
    assert len(urls) == corpus.links == 350
    assert len(set(urls)) == corpus.unique == 350
    dead = {url for url in urls if "/dead/" in url}
    assert dead == corpus.dead == {f"{BASE}/dead/{n}" for n in (7, 107, 207, 307)}
    assert corpus.dead_links == 4


def test_duplicate_corpus_uses_each_url_equally(tmp_path: Path) -> None:
    corpus = generate(tmp_path, CorpusSpec(pages=4, blocks=0, links=400, unique=20), BASE)
    counts = Counter(links_in(corpus.files))
    assert len(counts) == corpus.unique == 20
    assert set(counts.values()) == {20}
    assert corpus.dead == {f"{BASE}/dead/7"}
    assert corpus.dead_links == 20


def test_pages_follow_the_markup(tmp_path: Path) -> None:
    corpus = generate(tmp_path, CorpusSpec(pages=101, blocks=0, links=2020, unique=2020), BASE)
    names = [department.name for department in departments()]
    assert corpus.blocks == len(names) == 18
    for path in corpus.files:
        text = path.read_text(encoding="utf-8")
        number = re.fullmatch(r"_action(\d\d)\.md", path.name)
        assert number is not None
        assert f"\n#Action {number.group(1)}: " in text
        headings = re.findall(r"^##(.+)$", text, re.MULTILINE)
        assert [heading.replace("<br>", " ") for heading in headings] == [
            name.replace(",", "") for name in names
        ]
        assert text.count("[Read more »](") == len(headings)
    assert len({path.parent for path in corpus.files}) == 2  # 99 actions a folder


def test_checker_reports_nothing_but_plain_http_on_the_pages(tmp_path: Path) -> None:
    """Real names, crests, order and distinct statements: the content rules stay quiet, so
    the benchmark measures a publication without faults (every link is http:// to 127.0.0.1)."""
    corpus = generate(tmp_path / "pages", CorpusSpec(pages=4, blocks=0, links=200, unique=200), BASE)
    done = subprocess.run(
        [str(checker_binary()), "check", "--offline", "--format", "json", str(corpus.folder)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["files"] == 4
    assert Counter(finding["rule"] for finding in report["findings"]) == {"link-insecure": 200}
