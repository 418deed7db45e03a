"""Every setting, declared once: the command line and the config file are both made from ``SETTINGS``.

The config file is ``.checker.yaml`` in the working folder, or ``--config FILE``::

    rules: [our-rules/]        # more rule folders, relative to this file
    profile: strict
    select: [link-, crest-]    # only these rules (ids or families)
    ignore: [department-order]
    min_level: warning         # leave out findings below this level
    offline: false
    format: text               # what goes to standard output
    output: [json=reports/checker.json]   # more outputs: FORMAT=PATH
    base_url: https://www.gov.uk/   # site-relative links are checked against it
    jobs: 2                    # processes that parse pages (default: one per CPU for big inputs)
    crawl:
      concurrency: 16
      host_concurrency: 8      # most requests at once to one host (pacing adapts below it)
      host_interval: 0         # least seconds between requests to one host (0: as the host allows)
      robots: true             # keep to each host's Crawl-delay (robots.txt, read once per host)
      timeout: 60              # seconds to give one link, retries included
      max_time: 20m            # checking links stops after this long; the rest is "not checked" (0: no limit)
      allow_private: false     # check links to private and local addresses (intranets)
      private_hosts: [intranet.example.gov.uk]   # these hosts may be private, the rest may not
      dns_probes: [www.gov.uk, www.google.com]   # looked up when a link's name does not resolve; [] = never
    store:
      db: .checker/links.db    # the link store, relative to this file
      enabled: true            # record link results and use them as a cache
      cache: true
      max_age: 1h              # a working link's result stands in for a fetch this long
      failure_max_age: 5m      # a failing link's, much shorter
      keep_runs: 0             # nightly: keep only the newest N runs (0: all)
    report:
      out: reports/            # where `checker nightly` and `checker report` write

A flag beats the file, the file beats the default; list settings (``rules``, ``output``,
``select``, ``ignore``, ``private_hosts``, ``dns_probes``) given both ways are joined. Every value keeps
its ``Origin`` (the flag, or the file and line), so a bad value is reported where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from checker.config.yamlfile import Node, Reader, line_of, load
from checker.errors import Origin

CONFIG_NAMES = (".checker.yaml", "checker.yaml")
LEVELS = ("info", "warning", "error")


class BadValue(ValueError):
    """A value that does not fit its setting; the message says what was expected."""


def _whole(text: str, minimum: int = 1) -> int:
    if not text.strip().isdigit() or int(text) < minimum:
        raise BadValue(f"{text!r} is not a whole number of at least {minimum}")
    return int(text)


def _seconds(minimum: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise BadValue(f"{text!r} is not a number of seconds") from None
        if not minimum <= value <= 3600:
            raise BadValue(f"{text!r} should be between {minimum:g} and 3600 seconds")
        return value

    return parse


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadValue(f"{text!r} is not an http(s) address such as https://www.gov.uk/")
    return text


def _choice(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise BadValue(f"{text!r} is not one of: {', '.join(choices)}")
        return text

    return parse


def _text(text: str) -> str:
    if not text.strip():
        raise BadValue("an empty value")
    return text


_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _host_name(text: str) -> str:
    """A DNS name such as www.gov.uk, not a URL: it is only looked up, never connected to."""
    name = text.strip().rstrip(".").lower()
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise BadValue(f"{text!r} is not a host name such as www.gov.uk")
    return name


_DURATION = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d)?\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``15m``, ``6h`` or ``2d``."""
    match = _DURATION.match(text)
    if match is None:
        raise BadValue(f"{text!r} is not a duration such as 90s, 15m, 6h or 2d")
    return float(match["number"]) * _UNIT_SECONDS[match["unit"] or "s"]


def _time_budget(text: str) -> float:
    """A whole run's time budget: ``120``, ``90s``, ``15m``, ``2h``; ``0`` means no limit."""
    try:
        return _duration(text)
    except BadValue:
        raise BadValue(
            f"{text!r} is not a time such as 120 (seconds), 90s, 15m or 2h (0: no limit)"
        ) from None


def _count(text: str) -> int:
    return _whole(text, minimum=0)


def _boolean(text: str) -> bool:
    words = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
    if text.lower() not in words:
        raise BadValue(f"{text!r} is not true or false")
    return words[text.lower()]


@dataclass(frozen=True)
class Setting:
    """One setting: its name in ``Settings``, its config key, its flag, how to read a value."""

    name: str
    key: str  # in the config file; "crawl.timeout" is ``timeout:`` under ``crawl:``
    parse: Callable[[str], Any]  # one value from its text; raises BadValue
    help: str
    flag: str | None = None  # None: config file only
    metavar: str | None = None
    many: bool = False  # a list: repeatable flag (comma-separated too), a YAML list in the file
    boolean: bool = False
    relative_paths: bool = False  # paths in the config file are relative to its folder
    commands: tuple[str, ...] = ("check", "nightly")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "rules",
        "rules",
        Path,
        "another folder of rule files (repeatable; later folders add and override rules)",
        "--rules",
        "DIR",
        many=True,
        relative_paths=True,
        commands=("check", "nightly", "rules"),
    ),
    Setting(
        "profile",
        "profile",
        _text,
        "rule profile: default, strict, content, ci, or your own",
        "--profile",
        "NAME",
        commands=("check", "nightly", "rules"),
    ),
    Setting(
        "select",
        "select",
        _text,
        "only these rules: ids or families such as link- (repeatable, or comma-separated)",
        "--select",
        "RULES",
        many=True,
        commands=("check", "nightly", "rules"),
    ),
    Setting(
        "ignore",
        "ignore",
        _text,
        "leave out these rules: ids or families (repeatable, or comma-separated)",
        "--ignore",
        "RULES",
        many=True,
        commands=("check", "nightly", "rules"),
    ),
    Setting(
        "min_level",
        "min_level",
        _choice(LEVELS),
        "show only findings at this level or above",
        "--min-level",
        "LEVEL",
    ),
    Setting(
        "format",
        "format",
        _text,
        "format of standard output",
        "--format",
        "FORMAT",
        commands=("check", "nightly", "rules"),
    ),
    Setting(
        "output",
        "output",
        _text,
        "also write FORMAT to PATH, or to standard output without =PATH (repeatable)",
        "--output",
        "FORMAT[=PATH]",
        many=True,
    ),
    Setting("offline", "offline", _boolean, "do not check links over the network", "--offline", boolean=True),
    Setting(
        "base_url",
        "base_url",
        _url,
        "check site-relative links (/digital/...) against this address, e.g. https://www.gov.uk/",
        "--base-url",
        "URL",
    ),
    Setting(
        "color",
        "color",
        _choice(("auto", "always", "never")),
        "colour the text output: auto (on a terminal only), always or never",
        "--color",
        "WHEN",
    ),
    Setting(
        "jobs",
        "jobs",
        _whole,
        "processes that parse pages (default: one per CPU when there are enough pages to gain from "
        "it; 1: every page in checker's own process)",
        "--jobs",
        "N",
    ),
    Setting("concurrency", "crawl.concurrency", _whole, "requests at once", "--concurrency", "N"),
    Setting(
        "host_concurrency",
        "crawl.host_concurrency",
        _whole,
        "most requests at once to one host; each host starts at half and gets fewer when it "
        "struggles (429, 503, Retry-After, timeouts, slow answers)",
        "--host-concurrency",
        "N",
    ),
    Setting(
        "host_interval",
        "crawl.host_interval",
        _seconds(0.0),
        "least seconds between two requests to one host (0: as fast as the host keeps up; "
        "a host that struggles is slowed down whatever this is)",
        "--host-interval",
        "S",
    ),
    Setting(
        "robots",
        "crawl.robots",
        _boolean,
        "read each host's robots.txt once and keep to its Crawl-delay (--no-robots: do not)",
        "--robots",
        boolean=True,
    ),
    Setting(
        "timeout",
        "crawl.timeout",
        _seconds(0.1),
        "seconds to give one link, retries included",
        "--timeout",
        "S",
    ),
    Setting(
        "max_time",
        "crawl.max_time",
        _time_budget,
        "stop checking links after this long (120, 90s, 15m, 2h); the links left are reported as "
        "not checked, never as dead (0: no limit)",
        "--max-time",
        "S",
    ),
    Setting(
        "allow_private",
        "crawl.allow_private",
        _boolean,
        "also check links to private and local addresses (intranets)",
        "--allow-private",
        boolean=True,
    ),
    Setting(
        "private_hosts",
        "crawl.private_hosts",
        _text,
        "a host that may resolve to a private address (an intranet site; repeatable)",
        "--allow-private-host",
        "HOST",
        many=True,
    ),
    Setting(
        "dns_probes",
        "crawl.dns_probes",
        _host_name,
        "a well-known name looked up when a link's name does not resolve, to tell a dead link from "
        "DNS not working here (repeatable; replaces the defaults; dns_probes: [] in the config: never)",
        "--dns-probe",
        "HOST",
        many=True,
    ),
    Setting(
        "db",
        "store.db",
        Path,
        "the link store (SQLite): history, cache, the nightly report's source "
        "(default: .checker/links.db beside the config file, else in the working folder)",
        "--db",
        "PATH",
        relative_paths=True,
        commands=("check", "nightly", "report", "prune"),
    ),
    Setting(
        "store",
        "store.enabled",
        _boolean,
        "record link results in the store and use it as a cache when links are checked",
        "--store",
        boolean=True,
    ),
    Setting(
        "cache",
        "store.cache",
        _boolean,
        "reuse results younger than --max-age instead of fetching (--no-cache: fetch every link)",
        "--cache",
        boolean=True,
        commands=("check",),
    ),
    Setting(
        "max_age",
        "store.max_age",
        _duration,
        "how old a working link's stored result may be to stand in for a fetch (90s, 15m, 6h, 2d)",
        "--max-age",
        "DURATION",
        commands=("check",),
    ),
    Setting(
        "failure_max_age",
        "store.failure_max_age",
        _duration,
        "the same for a failing link's result, much shorter: a link is never held dead from a stale run",
        "--failure-max-age",
        "DURATION",
        commands=("check",),
    ),
    Setting(
        "out",
        "report.out",
        Path,
        "the folder the nightly report is written to",
        "--out",
        "DIR",
        relative_paths=True,
        commands=("nightly", "report"),
    ),
    Setting(
        "fail_on",
        "fail_on",
        _choice(("error", "warning", "info")),
        "the lowest level that fails the run (exit code 1)",
        "--fail-on",
        "LEVEL",
    ),
    Setting(
        "changed_since",
        "changed_since",
        _text,
        "check only the pages changed since this git revision; only findings on lines the change "
        "added or modified fail the run, and only the links it touched are fetched",
        "--changed-since",
        "REV",
        commands=("check",),
    ),
    Setting(
        "all_links",
        "all_links",
        _boolean,
        "with --changed-since, fetch every link of the changed pages, not only those on changed lines",
        "--all-links",
        boolean=True,
        commands=("check",),
    ),
    Setting(
        "baseline",
        "baseline",
        Path,
        "a baseline file (checker baseline): findings recorded in it are not shown and do not fail",
        "--baseline",
        "FILE",
        relative_paths=True,
        commands=("check", "baseline"),
    ),
    Setting(
        "fix",
        "fix",
        _boolean,
        "rewrite in place what has one right answer (a permanent redirect, http:// that https "
        "serves the same); each change is printed as a diff",
        "--fix",
        boolean=True,
        commands=("check",),
    ),
    Setting(
        "timings",
        "timings",
        _boolean,
        "print on stderr, after the outputs, where the run's time went: each stage, and the rules "
        "that took longest",
        "--timings",
        boolean=True,
    ),
    Setting(
        "keep_runs",
        "store.keep_runs",
        _count,
        "keep only the newest N runs in the store (0: keep all); history is kept",
        "--keep-runs",
        "N",
        commands=("nightly", "prune"),
    ),
)


@dataclass(frozen=True)
class Settings:
    """The settings of one run, typed; ``origins`` says where each value came from."""

    rules: tuple[Path, ...] = ()
    profile: str = "default"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    min_level: str = "info"
    format: str = "text"
    output: tuple[str, ...] = ()
    offline: bool = False
    base_url: str | None = None
    color: str = "auto"
    jobs: int | None = None  # processes that parse pages; None: one per CPU for big inputs
    concurrency: int = 16
    host_concurrency: int = 8
    host_interval: float = 0.0
    robots: bool = True
    timeout: float = 60.0
    max_time: float = 0.0  # seconds for the whole link check; 0: no limit
    allow_private: bool = False
    private_hosts: tuple[str, ...] = ()
    # the crawler's own defaults (checker.crawl.config.DEFAULT_DNS_PROBES; a test keeps them equal)
    dns_probes: tuple[str, ...] = ("www.gov.uk", "www.google.com", "www.wikipedia.org", "www.cloudflare.com")
    db: Path | None = None
    store: bool = True
    cache: bool = True
    max_age: float = 3600.0
    failure_max_age: float = 300.0
    out: Path = Path("reports")
    keep_runs: int = 0
    fail_on: str = "error"
    changed_since: str | None = None
    all_links: bool = False
    baseline: Path | None = None
    fix: bool = False
    timings: bool = False
    config: str | None = None  # the config file read, if any
    origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)

    def origin(self, name: str) -> Origin:
        """Where ``name``'s value came from (the default, when it was not given)."""
        return self.origins.get(name, Origin(f"the default {name}"))


def find_config(start: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (start / name).is_file():
            return start / name
    return None


Values = dict[str, tuple[Any, Origin]]


def _scalar_text(reader: Reader, node: Node, setting: Setting) -> str:
    what = setting.key.rpartition(".")[2]
    if setting.boolean:
        return "true" if reader.boolean(node, what) else "false"
    if isinstance(node.value, str) and node.tag.endswith((":str", ":int", ":float")):
        return node.value
    raise reader.error(node, f"{what} should be a single value, not {type(node.value).__name__}")


def read_config(path: Path) -> Values:
    """The settings a config file gives, each with its file and line."""
    reader = Reader(path)
    root = load(path)
    values: Values = {}
    if root is None:
        return values
    sections = sorted({s.key.partition(".")[0] for s in SETTINGS if "." in s.key})
    top_level = [s.key for s in SETTINGS if "." not in s.key]
    keys = reader.mapping(root, "the config file", allowed=(*top_level, *sections))
    nested: dict[str, dict[str, Node]] = {}
    for section in sections:
        if section in keys:
            allowed = [s.key.partition(".")[2] for s in SETTINGS if s.key.startswith(section + ".")]
            nested[section] = reader.mapping(keys[section], section, allowed=allowed)
    for setting in SETTINGS:
        section, _, key = setting.key.rpartition(".")
        node = (nested.get(section, {}) if section else keys).get(key)
        if node is None:
            continue
        origin = Origin(str(path), line_of(node))
        try:
            if setting.many:
                items = (
                    [_scalar_text(reader, node, setting)]
                    if isinstance(node, yaml.ScalarNode)
                    else reader.strings(node, key)
                )
                value: Any = tuple(setting.parse(item) for item in items)
                if setting.relative_paths:
                    value = tuple(path.parent / item for item in value)
            else:
                value = setting.parse(_scalar_text(reader, node, setting))
                if setting.relative_paths:
                    value = path.parent / value
        except BadValue as bad:
            raise origin.error(f"{setting.key}: {bad}") from None
        values[setting.name] = (value, origin)
    return values


def resolve(flags: Values, config: Values, config_path: str | None = None) -> Settings:
    """Flags over config over defaults; list settings join the config's and the flags' items."""
    chosen: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for setting in SETTINGS:
        given = [source[setting.name] for source in (config, flags) if setting.name in source]
        if not given:
            continue
        if setting.many:
            chosen[setting.name] = tuple(item for value, _ in given for item in value)
        else:
            chosen[setting.name] = given[-1][0]
        origins[setting.name] = given[-1][1]
    known = {f.name for f in fields(Settings)}
    assert set(chosen) <= known, set(chosen) - known
    return Settings(**chosen, config=config_path, origins=origins)
