"""Shared test helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shown(path: str | Path) -> str:
    """How checker names a page: relative to the working folder when below it."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@pytest.fixture(autouse=True)
def _own_link_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test that runs `checker check` online gets a link store of its own, never the checkout's."""
    folder = tmp_path_factory.mktemp("store")
    monkeypatch.setattr("checker.cli.options.default_path", lambda root=None: folder / "links.db")


@pytest.fixture(autouse=True)
def _not_under_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite expects text output; under GitHub Actions checker would choose the github format."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
