"""Bad rule files, registries, profiles and config files: file:line: what is wrong, exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.builtin import builtin_rules_dir as builtin_rules
from checker.cli import main
from checker.config.rules import load_rules
from checker.engine.kinds import KINDS
from checker.engine.plan import make_plan as plan
from checker.errors import ConfigError

SEED = "fixtures/corpus/seed/action11-2012-12-20.md"


def rules_dir(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


GOOD = "id: my-rule\nkind: statement-pattern\nlevel: warning\nmessage: '{department}: {text}'\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            GOOD + "colour: red\n",
            5,
            "unknown key 'colour' in a rule (allowed: description, fix, id, kind, level",
        ),
        (
            GOOD.replace("level: warning", "level: fatal"),
            3,
            "level is 'fatal' (allowed: error, warning, info)",
        ),
        (
            GOOD.replace("kind: statement-pattern", "kind: spelling"),
            2,
            "unknown kind 'spelling' (allowed: crest-",
        ),
        (GOOD.replace("level: warning", "level: [error]"), 3, "level should be text, not a list"),
        (GOOD + "options:\n  patterns: ['(unclosed']\n", 6, "is not a valid regular expression"),
        (GOOD + "options:\n  patterns: 'x'\n", 6, "option 'patterns' should be a list"),
        (
            GOOD + "options:\n  size: 3\n",
            6,
            "unknown key 'size' in options of kind 'statement-pattern' "
            "(allowed: patterns, placeholder, whole)",
        ),
        (
            GOOD.replace("{text}", "{colour}"),
            4,
            "message uses {colour}, which kind 'statement-pattern' does not provide",
        ),
        (GOOD.replace("id: my-rule", "id: My Rule"), 1, "should be lowercase words joined by hyphens"),
        ("id: x\nid: y\n", 2, "duplicate key 'id'"),
        ("id: [x\n", 2, "is not valid YAML"),
        ("kind: placeholder\n", 1, "is missing the key 'id'"),
    ],
)
def test_bad_rule_file(tmp_path: Path, text: str, line: int, words: str) -> None:
    folder = rules_dir(tmp_path, "my-rule.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_rules([builtin_rules(), folder], KINDS)
    assert caught.value.line == line
    assert caught.value.path == str(folder / "my-rule.yaml")
    assert words in caught.value.message


def test_bad_rule_file_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = rules_dir(tmp_path, "my-rule.yaml", GOOD + "colour: red\n")
    assert main(["check", "--offline", "--rules", str(folder), SEED]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'my-rule.yaml'}:5: unknown key 'colour' in a rule (allowed: " in err
    assert "Traceback" not in err


def test_user_rule_is_added_and_overrides(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path, "my-rule.yaml", GOOD + "options:\n  patterns: ['(?i)digital']\n")
    (folder / "link-insecure.yaml").write_text(
        (builtin_rules() / "link-insecure.yaml")
        .read_text(encoding="utf-8")
        .replace("level: warning", "level: info")
    )
    the_plan = plan([folder], "default")
    levels = {rule.id: rule.level.label for rule in the_plan.selected}
    assert levels["my-rule"] == "warning"
    assert levels["link-insecure"] == "info"


def test_profiles_override_levels_and_disable() -> None:
    default = {rule.id: rule.level.label for rule in plan([], "default").selected}
    strict = {rule.id: rule.level.label for rule in plan([], "strict").selected}
    assert strict["link-insecure"] == "error"
    # "every warning is an error": every one, link rules included; info stays info
    assert {rule for rule, level in default.items() if level == "warning"} >= {
        "link-blocked",
        "link-redirect",
    }
    assert set(strict.values()) == {"error", "info"}
    assert {rule for rule, level in strict.items() if level == "info"} == {
        rule for rule, level in default.items() if level == "info"
    }
    content = plan([], "content")
    ids = {rule.id for rule in content.selected}
    assert "link-insecure" not in ids and "placeholder-text" in ids and "link-malformed" in ids
    assert not content.reads_link_results and not {"link-dead", "link-slow"} & ids
    with pytest.raises(
        ConfigError, match="unknown profile 'nope' \\(allowed: ci, content, default, strict\\)"
    ):
        plan([], "nope")


def test_profile_naming_an_unknown_rule(tmp_path: Path) -> None:
    folder = rules_dir(
        tmp_path, "profiles.yaml", "profiles:\n  mine:\n    levels:\n      no-such-rule: off\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_rules([builtin_rules(), folder], KINDS)
    assert caught.value.line == 4 and "unknown rule 'no-such-rule'" in caught.value.message


def test_bad_registry(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(builtin_rules(), folder)
    registry = folder / "departments.yaml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            "    crest: logo-ho\n", "    crest: logo-ho\n    colour: red\n"
        )
    )
    with pytest.raises(ConfigError, match="unknown key 'colour' in a department"):
        load_rules([folder], KINDS)


def test_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = Path(SEED).resolve()
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".checker.yaml").write_text("profile: content\noffline: true\nformat: json\n")
    assert main(["check", str(page)]) == 1
    rules = {finding["rule"] for finding in json.loads(capsys.readouterr().out)["findings"]}
    assert "link-insecure" not in rules and "placeholder-text" in rules
    (tmp_path / ".checker.yaml").write_text("profile: content\nofline: true\n")
    assert main(["check", str(page)]) == 2
    assert ".checker.yaml:2: unknown key 'ofline' in the config file" in capsys.readouterr().err


def test_readme_example_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's own pattern rule, with no Python; it does not make statements count as placeholders."""
    folder = rules_dir(
        tmp_path,
        "codename.yaml",
        "id: codename\nkind: statement-pattern\nlevel: warning\n"
        'message: "{department}: code name \\"{text}\\""\n'
        "options:\n  patterns: ['(?i)\\bproject (?:falcon|osprey)\\b']\n",
    )
    page = tmp_path / "p.md"
    page.write_text(
        "{{DEPARTMENTRESPONSE}}\n#Action 01: x\n{div .department}\n##Home Office\n{: .logo-ho}\n"
        "{div .statement}\nWe run Project Falcon.\n{/div}\n{/div}\n",
        encoding="utf-8",
    )
    assert main(["check", "--offline", "--rules", str(folder), str(page)]) == 1
    out = capsys.readouterr().out
    assert f'{page}:7:8: warning: Home Office: code name "Project Falcon" [codename]' in out
    assert "[read-more-missing]" in out


def test_profile_levels_must_be_a_mapping(tmp_path: Path) -> None:
    folder = rules_dir(tmp_path, "profiles.yaml", "profiles:\n  mine:\n    levels: [link-slow]\n")
    with pytest.raises(ConfigError) as caught:
        load_rules([builtin_rules(), folder], KINDS)
    assert (
        caught.value.line == 3 and "the levels of profile 'mine' should be a mapping" in caught.value.message
    )


def test_profile_switches_apply_to_user_rules(tmp_path: Path) -> None:
    """warnings_are_errors and fetch_links: false reach rules the user adds, not only the built-in ones."""
    folder = rules_dir(tmp_path, "my-rule.yaml", GOOD)
    (folder / "link-gone.yaml").write_text(
        "id: link-gone\nkind: link-status\nlevel: warning\nmessage: '{text}'\noptions:\n  statuses: [dead]\n"
    )
    (folder / "profiles.yaml").write_text(
        "profiles:\n  words:\n    extends: strict\n    fetch_links: false\n"
        "  loud:\n    extends: words\n    warnings_are_errors: false\n    fetch_links: true\n"
    )
    words = {rule.id: rule.level.label for rule in plan([folder], "words").selected}
    assert words["my-rule"] == "error" and "link-gone" not in words and "link-dead" not in words
    loud = {rule.id: rule.level.label for rule in plan([folder], "loud").selected}
    assert loud["my-rule"] == "warning" and loud["link-gone"] == "warning"
    folder.joinpath("profiles.yaml").write_text("profiles:\n  x:\n    fetch_links: sometimes\n")
    with pytest.raises(ConfigError) as caught:
        plan([folder], "x")
    assert caught.value.line == 3 and "fetch_links should be true or false" in caught.value.message
