"""Which parts of ``checker/`` may import which, checked on the source with ``ast``.

The model (with the leaf helpers text, urls and errors) is the bottom layer that every part may use;
parse, crawl, checks, config and output sit on it, where checks and config see only the engine's API
(``checker.engine.api``, which itself sees only the model) and the crawler never sees the checks.
The engine runs those parts but never sees output or the CLI, and only the CLI sees everything.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "checker"

ANYTHING = "*"
ENGINE_API = "checker.engine.api"
LEAF = ("text", "errors")

# part -> what it may import besides itself. A bare name is a whole part; a dotted name is one
# module of another part (and nothing else of that part); ANYTHING allows every part.
ALLOWED: dict[str, tuple[str, ...]] = {
    "model": LEAF,
    "text": (),
    "urls": (),
    "errors": (),
    "atomic": (),
    "builtin": ("errors",),
    "parse": ("model", *LEAF),
    "crawl": ("model", *LEAF, "urls"),
    "checks": ("model", *LEAF, "urls", ENGINE_API),
    "config": ("model", *LEAF, ENGINE_API),
    "output": ("model", *LEAF),
    "store": ("model", *LEAF),
    "engine": ("model", *LEAF, "urls", "atomic", "builtin", "parse", "crawl", "checks", "config", "store"),
    "cli": (ANYTHING,),
    "package": ("cli",),
}

# Single modules held to a stricter rule than their part; nothing else is implied, not even their own part.
MODULE_ALLOWED: dict[str, tuple[str, ...]] = {
    ENGINE_API: ("model", *LEAF),
}


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository, e.g. checker/crawl/fetch.py
    line: int
    importer: str  # module name of the importing file
    target: str  # absolute module name imported, e.g. checker.crawl.config


def module_name(path: Path) -> str:
    """Module name of a file: ``checker/crawl/fetch.py`` is ``checker.crawl.fetch``, an ``__init__.py``
    its package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def part_of(module: str) -> str:
    """The first component below ``checker``; ``checker`` and ``checker.__main__`` are ``package``."""
    names = module.split(".")
    if len(names) == 1 or names[1] == "__main__":
        return "package"
    return names[1]


def is_checker(module: str) -> bool:
    return module == "checker" or module.startswith("checker.")


def imports_in(
    source: str | bytes, path: str, module: str, is_package: bool, known: Collection[str]
) -> list[Import]:
    """Every import of a ``checker`` module anywhere in ``source``, relative imports made absolute.

    ``from X import name`` counts as importing ``X.name`` when that is a module in ``known``,
    otherwise as importing ``X``.
    """
    with warnings.catch_warnings():
        # an invalid escape in a string is not this test's business
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(source, filename=path)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            if node.level:
                base_parts = package.split(".")
                if node.level - 1 >= len(base_parts):
                    raise ValueError(f"{path}:{node.lineno}: relative import beyond the top-level package")
                base = ".".join(base_parts[: len(base_parts) - (node.level - 1)])
                if node.module:
                    base = f"{base}.{node.module}"
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in known else base)
        for target in dict.fromkeys(targets):
            if is_checker(target):
                found.append(Import(path, node.lineno, module, target))
    return sorted(found, key=lambda found_import: (found_import.line, found_import.target))


def source_files() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def collect_imports() -> list[Import]:
    files = source_files()
    known = {module_name(path) for path in files}
    found: list[Import] = []
    for path in files:
        found += imports_in(
            path.read_bytes(),
            path.relative_to(ROOT).as_posix(),
            module_name(path),
            path.name == "__init__.py",
            known,
        )
    return found


def permits(allowed: Iterable[str], target: str) -> bool:
    for entry in allowed:
        if entry == ANYTHING:
            return True
        if "." in entry:
            if target == entry or target.startswith(f"{entry}."):
                return True
        elif part_of(target) == entry:
            return True
    return False


def offence(found: Import, who: str, allowed: Iterable[str]) -> str:
    may = ", ".join(allowed) or "nothing"
    return f"{found.path}:{found.line} imports {found.target} ({who} may import: {may})"


def part_violations(imports: Iterable[Import], part: str) -> list[str]:
    allowed = ALLOWED[part]
    return [
        offence(found, f"part {part}", allowed)
        for found in imports
        if part_of(found.importer) == part
        and part_of(found.target) != part
        and not permits(allowed, found.target)
    ]


def module_violations(imports: Iterable[Import], module: str) -> list[str]:
    allowed = MODULE_ALLOWED[module]
    return [
        offence(found, f"module {module}", allowed)
        for found in imports
        if found.importer == module and found.target != module and not permits(allowed, found.target)
    ]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    return collect_imports()


@pytest.mark.parametrize("part", list(ALLOWED))
def test_part_imports(imports: list[Import], part: str) -> None:
    offending = part_violations(imports, part)
    assert not offending, f"part {part} imports what it may not:\n" + "\n".join(offending)


@pytest.mark.parametrize("module", list(MODULE_ALLOWED))
def test_module_imports(imports: list[Import], module: str) -> None:
    offending = module_violations(imports, module)
    assert not offending, f"module {module} imports what it may not:\n" + "\n".join(offending)


def test_every_part_has_rules() -> None:
    parts = {part_of(module_name(path)) for path in source_files()}
    missing = sorted(parts - ALLOWED.keys())
    assert not missing, (
        f"parts under checker/ with no row in ALLOWED (decide what they may import): {missing}"
    )


def test_table_names_what_exists() -> None:
    modules = {module_name(path) for path in source_files()}
    parts = {part_of(module) for module in modules}
    assert ALLOWED.keys() <= parts, f"ALLOWED names parts that do not exist: {sorted(ALLOWED.keys() - parts)}"
    assert MODULE_ALLOWED.keys() <= modules, f"no such modules: {sorted(MODULE_ALLOWED.keys() - modules)}"
    for part, allowed in (*ALLOWED.items(), *MODULE_ALLOWED.items()):
        for entry in allowed:
            if entry == ANYTHING:
                continue
            known = modules if "." in entry else parts
            assert entry in known, f"{part} allows {entry}, which does not exist"


def test_walker_sees_the_real_tree(imports: list[Import]) -> None:
    assert len(source_files()) > 30
    assert len(imports) > 50, f"only {len(imports)} checker imports found in {PACKAGE}"
    assert all(is_checker(found.target) for found in imports)
    parts = {part_of(found.importer) for found in imports}
    assert {"model", "engine", "cli", "crawl", "checks", "config"} <= parts


KNOWN = {
    "checker",
    "checker.crawl",
    "checker.crawl.x",
    "checker.crawl.config",
    "checker.engine",
    "checker.engine.api",
    "checker.model",
    "checker.z",
}


def targets(
    source: str, module: str = "checker.crawl.fetch", is_package: bool = False
) -> list[tuple[int, str]]:
    return [
        (found.line, found.target) for found in imports_in(source, "snippet.py", module, is_package, KNOWN)
    ]


def test_resolver_relative_imports() -> None:
    assert targets("from .x import y\n") == [(1, "checker.crawl.x")]
    assert targets("from . import config\n") == [(1, "checker.crawl.config")]
    assert targets("from . import helper\n") == [(1, "checker.crawl")]
    assert targets("from .. import z\n") == [(1, "checker.z")]
    assert targets("from .. import __version__\n") == [(1, "checker")]
    assert targets("from ..model.links import LinkResult\n") == [(1, "checker.model.links")]
    # in a package's __init__, "." is the package itself
    assert targets("from .config import C\n", "checker.crawl", is_package=True) == [
        (1, "checker.crawl.config")
    ]
    assert targets("from .. import z\n", "checker.crawl", is_package=True) == [(1, "checker.z")]
    with pytest.raises(ValueError, match="beyond the top-level package"):
        targets("from ... import z\n")


def test_resolver_absolute_imports() -> None:
    assert targets("import checker.model.links as l\n") == [(1, "checker.model.links")]
    assert targets("import os, checker.urls\n") == [(1, "checker.urls")]
    assert targets("from checker import __version__\n") == [(1, "checker")]
    assert targets("from checker.engine import api\n") == [(1, "checker.engine.api")]
    assert targets("from checker.engine import Rule, api\n") == [
        (1, "checker.engine"),
        (1, "checker.engine.api"),
    ]
    assert (
        targets("import os\nimport checkers\nfrom checker_x import y\nfrom __future__ import annotations\n")
        == []
    )


def test_resolver_sees_nested_imports() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from checker.checks import crest\n"
        "def late():\n"
        "    import checker.output\n"
        "    from .x import y\n"
        "class C:\n"
        "    try:\n"
        "        from checker.cli import main\n"
        "    except ImportError:\n"
        "        pass\n"
    )
    assert targets(source) == [
        (3, "checker.checks"),
        (5, "checker.output"),
        (6, "checker.crawl.x"),
        (9, "checker.cli"),
    ]


def test_rules_report_offenders() -> None:
    found = [
        Import("checker/crawl/fetch.py", 7, "checker.crawl.fetch", "checker.checks.crest"),
        Import("checker/crawl/fetch.py", 8, "checker.crawl.fetch", "checker.crawl.config"),
        Import("checker/crawl/fetch.py", 9, "checker.crawl.fetch", "checker.urls"),
        Import("checker/checks/crest.py", 3, "checker.checks.crest", "checker.engine.api"),
        Import("checker/checks/crest.py", 4, "checker.checks.crest", "checker.engine.run"),
        Import("checker/checks/crest.py", 5, "checker.checks.crest", "checker.engine"),
        Import("checker/engine/run.py", 2, "checker.engine.run", "checker.output"),
        Import("checker/engine/api.py", 2, "checker.engine.api", "checker.engine.kinds"),
        Import("checker/cli/commands.py", 2, "checker.cli.commands", "checker"),
        Import("checker/__main__.py", 2, "checker.__main__", "checker.cli"),
        Import("checker/__init__.py", 2, "checker", "checker.model"),
    ]
    assert part_violations(found, "crawl") == [
        "checker/crawl/fetch.py:7 imports checker.checks.crest"
        " (part crawl may import: model, text, errors, urls)"
    ]
    assert [line.split(" (")[0] for line in part_violations(found, "checks")] == [
        "checker/checks/crest.py:4 imports checker.engine.run",
        "checker/checks/crest.py:5 imports checker.engine",
    ]
    assert len(part_violations(found, "engine")) == 1
    assert part_violations(found, "cli") == []
    assert part_violations(found, "package") == [
        "checker/__init__.py:2 imports checker.model (part package may import: cli)"
    ]
    assert module_violations(found, ENGINE_API) == [
        "checker/engine/api.py:2 imports checker.engine.kinds"
        " (module checker.engine.api may import: model, text, errors)"
    ]
