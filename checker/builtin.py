"""Where the rules that ship with checker are: the package ``checker.builtin_rules``.

The YAML files live in the checkout's top-level ``rules/`` folder.  ``pyproject.toml``
maps that folder onto the package ``checker.builtin_rules`` (setuptools ``package-dir``),
so a wheel, ``pip install --user``, ``pip install --target`` and ``pip install -e`` all put
the rules where the import system, and therefore ``importlib.resources``, finds them.
The rule loader reads files with ``pathlib``, so the package must be a folder on disk.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from checker.errors import ConfigError

PACKAGE = "checker.builtin_rules"
_REGISTRY = "departments.yaml"
_MISSING = "the built-in rules are missing; reinstall checker"


def builtin_rules_dir() -> Path:
    """The folder with the built-in rule files, ``departments.yaml`` and ``profiles.yaml``.

    Raises ConfigError when the package cannot be imported (a broken install, or an
    editable install made before the rules became a package), when it has no
    ``departments.yaml``, or when it is not a folder on disk (installed inside a zip file).
    """
    try:
        package = importlib.import_module(PACKAGE)
    except ModuleNotFoundError:
        raise ConfigError(PACKAGE, _MISSING) from None
    # A regular package on disk (every install but a zip): its folder, without importlib.resources,
    # whose import (tempfile, shutil, zipfile...) takes about 15 ms of a one-page check's start-up.
    origin = getattr(package, "__file__", None)
    if origin is not None and (Path(origin).parent / _REGISTRY).is_file():
        return Path(origin).parent
    from importlib import resources  # noqa: PLC0415

    root = resources.files(PACKAGE)
    # A regular package gives a Path.  A namespace package gives a MultiplexedPath, whose
    # children are Paths.  A zip import gives neither, and the rule loader cannot read it.
    registry = root / _REGISTRY
    if not isinstance(registry, Path):
        raise ConfigError(str(root), "the built-in rules are not a folder on disk; reinstall checker")
    if not registry.is_file():
        raise ConfigError(str(registry.parent), _MISSING)
    return registry.parent
