"""The examples stay true: every checker command in them parses with today's options."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from checker.cli.commands import _parser
from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / "examples" / "github").glob("*.yml"))


def commands_in(step_run: str) -> list[list[str]]:
    text = re.sub(r"\$\{\{[^}]*\}\}", "X", step_run)
    found = []
    for line in text.replace("\n", " ").split("&&"):
        words = shlex.split(line.split("||")[0])
        if words and words[0] == "checker":
            found.append(words[1:])
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_workflow_commands_parse(workflow: Path) -> None:
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    runs = [step["run"] for job in document["jobs"].values() for step in job["steps"] if "run" in step]
    argvs = [argv for run in runs for argv in commands_in(run)]
    assert argvs, f"{workflow.name} runs no checker command"
    for argv in argvs:
        _parser().parse_args(argv)  # exits 2 on an unknown option


def test_pre_commit_hooks_parse() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"checker", "checker-strict"}
    for hook in hooks:
        words = shlex.split(hook["entry"])
        assert words[0] == "checker"
        _parser().parse_args([*words[1:], "page.md"])
        assert re.search(hook["files"], "pages/_action01.md")
