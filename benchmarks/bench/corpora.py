"""Generated department-response publications with planted dead links.

Pages look like the real ones (docs/markup.md): the marker line, ``#Action NN: Title`` in
``_actionNN.md``, ``{div .department}`` blocks with a ``##Name`` heading split by ``<br>``, the
department's crest class on the line below, and a ``{div .statement}`` of a few sentences ending
in ``[Read more »](URL)``. Departments, names and crests come from the built-in registry
(rules/departments.yaml) in its order, each once a page as on the real pages, so the content
rules have nothing to say about them (more blocks than departments repeat departments, which
``department-duplicate`` reports). Where a page has more links than blocks, the extra links sit
inside the sentences, as "a statement may hold other links too" (docs/markup.md).

Every link goes to the benchmark server: ``/ok/N``, or ``/dead/N`` for one distinct URL in
``dead_every`` (those with N % dead_every == 7), so the dead URLs are known exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "rules" / "departments.yaml"
PAGES_PER_FOLDER = 99  # action numbers are two digits: 01 to 99 in each folder
DEAD_OFFSET = 7

OPENERS = (
    "We will", "The department will", "Our digital team will", "Over the next year we will",
    "By April 2013 we will", "Working with our agencies, we will", "This year we plan to",
    "With the Government Digital Service we will", "Our board has agreed to",
)  # fmt: skip
VERBS = (
    "redesign", "move online", "publish", "test with real users", "retire", "bring together",
    "simplify", "open up", "measure the use of", "rebuild", "replace", "review", "shorten",
    "make accessible", "put on GOV.UK",
)  # fmt: skip
OBJECTS = (
    "our grant applications", "the licensing service", "payments to suppliers", "guidance for schools",
    "the casework system", "the complaints process", "its data on spending", "the booking service",
    "paper forms for farmers", "the register of charities", "claims for expenses", "our consultations",
    "the helpline scripts", "the inspection reports", "its procurement pages", "the visitor service",
)  # fmt: skip
ENDS = (
    "so that users can finish them online", "and report the take-up every quarter",
    "with help from the people who use them", "before the end of the spending review",
    "as set out in our digital strategy", "and share what we learn with other departments",
    "to cut the cost of each transaction", "so that fewer people need to call us",
    "without leaving anyone behind", "in the open, on our blog",
)  # fmt: skip
TITLES = (
    "Departments will make their services digital by default",
    "Departments will publish their digital strategies",
    "Departments will build the skills they need",
    "Departments will open up their data",
    "Departments will measure what their services cost",
)


@dataclass(frozen=True)
class Department:
    name: str
    crest: str

    def heading(self) -> str:
        """The name as pages write it: a ``<br>`` after the second word, and then every two."""
        words = self.name.replace(",", "").split()
        lines = [" ".join(words[:2])] + [" ".join(words[i : i + 2]) for i in range(2, len(words), 2)]
        return "<br>".join(line for line in lines if line)


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate: ``links`` link occurrences over ``unique`` distinct URLs (unique=links:
    all different), in ``pages`` pages of up to ``blocks`` department blocks (0: one block per
    department of the registry)."""

    pages: int
    blocks: int
    links: int
    unique: int
    dead_every: int = 100


@dataclass(frozen=True)
class Corpus:
    folder: Path
    files: tuple[Path, ...]
    links: int
    unique: int
    dead: frozenset[str]  # every planted dead URL, in full
    dead_links: int  # how many link occurrences go to one of them
    blocks: int  # department blocks on the fullest page


def departments(registry: Path = REGISTRY) -> list[Department]:
    """The registry's departments in order (a two-field reading of the YAML, enough for this
    file and independent of checker's own loader)."""
    found: list[Department] = []
    name = ""
    for line in registry.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"\s*- name:\s*(.+?)\s*$", line):
            name = match.group(1).strip("'\"")
        elif (match := re.match(r"\s+crest:\s*(\S+)", line)) and name:
            found.append(Department(name, match.group(1)))
            name = ""
    if len(found) < 5:
        raise ValueError(f"{registry}: expected the department registry, found {len(found)} departments")
    return found


def url_for(base: str, index: int, dead_every: int) -> str:
    kind = "dead" if index % dead_every == DEAD_OFFSET else "ok"
    return f"{base}/{kind}/{index}"


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal whole parts, the larger first."""
    size, extra = divmod(total, parts)
    return [size + (1 if i < extra else 0) for i in range(parts)]


def url_order(spec: CorpusSpec, rng: random.Random) -> list[int]:
    """The distinct URL index of each link occurrence: in order when all are distinct, else
    each URL used equally often, shuffled, so no department links one URL from most pages."""
    if spec.unique >= spec.links:
        return list(range(spec.links))
    order = [i % spec.unique for i in range(spec.links)]
    rng.shuffle(order)
    return order


def sentence(rng: random.Random, link: str | None) -> str:
    thing = rng.choice(OBJECTS)
    if link is not None:
        thing = f"[{thing}]({link})"
    return f"{rng.choice(OPENERS)} {rng.choice(VERBS)} {thing} {rng.choice(ENDS)}."


def statement(rng: random.Random, links: list[str]) -> str:
    """Three or more sentences; all links but the last inside them, the last as "Read more »"."""
    inline, read_more = links[:-1], links[-1]
    count = max(3, len(inline))
    marks: list[str | None] = [*inline, *([None] * (count - len(inline)))]
    text = " ".join(sentence(rng, link) for link in marks)
    return f"{text} [Read more »]({read_more})"


def page_text(number: int, title: str, blocks: list[tuple[Department, str]]) -> str:
    lines = [
        "{{DEPARTMENTRESPONSE}}", f"#Action {number:02d}: {title}", "", "{div .section}", "",
        "{navigation}", "", "Here's how departments are responding to this action:", "",
    ]  # fmt: skip
    for department, text in blocks:
        lines += [
            "{div .department}", f"##{department.heading()}", f"{{: .{department.crest}}}",
            "{div .statement}", text, "{/div}", "{/div}", "",
        ]  # fmt: skip
    lines += ["{/div}", ""]
    return "\n".join(lines)


def generate(folder: Path, spec: CorpusSpec, base_url: str, seed: int = 12) -> Corpus:
    """Write the pages under ``folder`` (folders of up to 99 actions) and say what is planted."""
    rng = random.Random(seed)
    registry = departments()
    order = url_order(spec, rng)
    urls = [url_for(base_url, index, spec.dead_every) for index in order]
    files: list[Path] = []
    position = fullest = 0
    most = spec.blocks or len(registry)
    for page, links in enumerate(split(spec.links, spec.pages)):
        blocks = max(1, min(most, links))
        fullest = max(fullest, blocks)
        content: list[tuple[Department, str]] = []
        for block, count in enumerate(split(links, blocks)):
            mine, position = urls[position : position + count], position + count
            text = statement(rng, mine) if mine else sentence(rng, None)
            content.append((registry[block % len(registry)], text))
        path = folder / f"set{page // PAGES_PER_FOLDER:03d}" / f"_action{page % PAGES_PER_FOLDER + 1:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_text(page % PAGES_PER_FOLDER + 1, TITLES[page % len(TITLES)], content), "utf-8")
        files.append(path)
    dead = frozenset(url for url in urls if "/dead/" in url)
    dead_links = sum("/dead/" in url for url in urls)
    return Corpus(folder, tuple(files), spec.links, len(set(urls)), dead, dead_links, fullest)
