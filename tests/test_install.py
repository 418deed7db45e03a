"""Install checker the ways users do, then run the installed ``checker`` command.

The built-in rules ship as the package ``checker.builtin_rules`` (the top-level ``rules/``
folder, mapped in pyproject.toml).  These tests catch an install mode that loses them,
and a subpackage missing from pyproject's explicit ``packages`` list.

One wheel is built per session, offline, with ``--no-build-isolation``: the build uses the
setuptools installed next to pytest (the ``test`` extra asks for one that builds wheels
without the separate ``wheel`` package).  It is built from a copy of ``pyproject.toml``,
``README.md``, ``checker/`` and ``rules/``, not in the checkout: an in-tree build writes
``build/`` and ``checker.egg-info`` into the checkout, and setuptools packs whatever is
left in ``build/lib``, so a module deleted or renamed in the checkout would still ship.

No test downloads anything: every pip call has ``--no-index --no-deps``.  The installed
command takes its dependencies (aiohttp, PyYAML, ...) from the site-packages of the
interpreter running pytest, never its ``checker``: each test asks the same interpreter,
with the same environment and working folder, which ``checker`` it imports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest

import checker
from checker.builtin import builtin_rules_dir

ROOT = Path(__file__).resolve().parent.parent
CLEAN_PAGE = ROOT / "fixtures" / "cases" / "clean-page.md"
# Where the dependencies are installed: the site-packages of the interpreter running pytest.
DEPS = list(dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib")))
PIP = [
    "-m",
    "pip",
    "--isolated",
    "--disable-pip-version-check",
    "--no-input",
    "--no-cache-dir",
]
OFFLINE = ["--no-index", "--no-deps"]
WHICH_CHECKER = "import checker, checker.builtin as b; print(checker.__file__); print(b.builtin_rules_dir())"

pytestmark = pytest.mark.install


@dataclass(frozen=True)
class Built:
    source: Path  # the copy the wheel was built from
    wheel: Path


def run(
    command: list[str], *, timeout: float, env: dict[str, str] | None = None, cwd: Path | None = None
) -> str:
    """Run a command; fail the test with its output unless it exits 0.  Returns stdout."""
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"timed out after {timeout}s: {command}\n{error.stdout!r}\n{error.stderr!r}")
    if result.returncode != 0:
        pytest.fail(
            f"exit {result.returncode}: {command}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result.stdout


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without Python and pip settings, plus ``settings``."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))
    }
    return env | settings


def script_python(script: Path) -> str:
    """The interpreter named in an installed script's ``#!`` line."""
    first = script.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("#!"), first
    return first[2:].strip()


def check_installed(script: Path, site: Path, env: dict[str, str], cwd: Path) -> None:
    """Run the installed ``checker``; it, and the rules it reads, must come from ``site``."""
    python = script_python(script)
    checker_file, rules_dir = run([python, "-c", WHICH_CHECKER], env=env, cwd=cwd, timeout=60).splitlines()
    assert Path(checker_file) == site / "checker" / "__init__.py"
    assert Path(rules_dir) == site / "checker" / "builtin_rules"

    out = run([str(script), "rules"], env=env, cwd=cwd, timeout=60)
    assert "link-dead" in out.split()
    out = run([str(script), "check", "--offline", str(CLEAN_PAGE)], env=env, cwd=cwd, timeout=60)
    assert out == "no problems in 1 page\n"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    version = metadata.version("setuptools")
    if tuple(int(part) for part in version.split(".")[:2]) < (70, 1):
        pytest.fail(f"setuptools {version} cannot build a wheel offline; run: pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("build")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("checker", "rules"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    dist = work / "dist"
    command = [sys.executable, *PIP, "wheel", *OFFLINE, "--no-build-isolation", "-w", str(dist), str(source)]
    run(command, env=clean_env(), timeout=180)
    (wheel,) = dist.glob("checker-*.whl")
    return Built(source, wheel)


def test_editable_checkout_uses_its_rules_folder() -> None:
    if Path(checker.__file__).parent != ROOT / "checker":
        pytest.skip(f"checker is imported from {checker.__file__}, not from this checkout")
    assert builtin_rules_dir() == ROOT / "rules"


def test_wheel_ships_every_module_and_rule(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
    modules = {
        path.relative_to(built.source).as_posix()
        for path in (built.source / "checker").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    rules = {f"checker/builtin_rules/{path.name}" for path in (built.source / "rules").iterdir()}
    assert "checker/builtin_rules/departments.yaml" in rules
    missing = sorted((modules | rules) - names)
    assert not missing, f"not in the wheel (check pyproject's packages and package-data): {missing}"
    assert not [name for name in names if name.startswith("share/") or ".data/" in name]


def test_target_install(built: Built, tmp_path: Path) -> None:
    """``pip install --target T``; ``PYTHONPATH=T``, the dependencies come from pytest's venv."""
    target = tmp_path / "target"
    command = [sys.executable, *PIP, "install", *OFFLINE, "--target", str(target), str(built.wheel)]
    run(command, env=clean_env(), timeout=120)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(PYTHONPATH=str(target))
    check_installed(target / "bin" / "checker", target, env, elsewhere)


def test_user_install(built: Built, tmp_path: Path) -> None:
    """``pip install --user`` with ``PYTHONUSERBASE`` pointing at a temporary folder.

    pip refuses ``--user`` in a venv without system site packages (user site-packages
    are not visible there), and pytest runs in such a venv.  So the test makes a
    throwaway venv with ``--system-site-packages --without-pip`` (a second or less: no
    pip is installed, nothing is downloaded), where the user site is enabled, and runs
    the pytest venv's pip against it with ``pip --python``.  pip then installs with the
    real user scheme: the package in ``$PYTHONUSERBASE/lib/pythonX.Y/site-packages`` and
    the ``checker`` script in ``$PYTHONUSERBASE/bin``, its ``#!`` naming the throwaway
    venv's python.  The base interpreter's own site-packages and ``~/.local`` are never
    written.  The installed script gets its dependencies through ``PYTHONPATH`` (the
    pytest venv's site-packages; a plain path entry, so that folder's ``.pth`` files,
    among them an editable install of checker, are not run), and the test checks that
    ``checker`` itself comes from the user site.
    """
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], timeout=60)
    userbase = tmp_path / "userbase"
    env = clean_env(PYTHONUSERBASE=str(userbase))
    python = venv / "bin" / "python"
    command = [sys.executable, *PIP, "--python", str(python), "install", *OFFLINE, "--user", str(built.wheel)]
    run(command, env=env, timeout=120)
    user_site = run(
        [str(python), "-c", "import site; print(site.getusersitepackages())"], env=env, timeout=60
    )
    site_packages = Path(user_site.strip())
    assert site_packages.is_relative_to(userbase)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(PYTHONUSERBASE=str(userbase), PYTHONPATH=os.pathsep.join(DEPS))
    check_installed(userbase / "bin" / "checker", site_packages, env, elsewhere)
