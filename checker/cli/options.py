"""From the command line and the config file to what a run needs: settings, plan, link options, store."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checker import __version__
from checker.config.settings import SETTINGS, Settings, Values, find_config, read_config, resolve
from checker.engine.plan import Plan, Selection, make_plan
from checker.errors import CheckerError, Origin

if TYPE_CHECKING:
    # the crawler (aiohttp) and the store (sqlite3) are imported only when used; so are the link
    # stage and the run history, which an offline check does without
    from checker.engine.history import RunHistory
    from checker.engine.links import LinkOptions
    from checker.store import Store


def settings_of(args: argparse.Namespace) -> Settings:
    path = args.config if args.config is not None else find_config(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise CheckerError(str(args.config), "does not exist (given with --config)")
    config: Values = read_config(path) if path is not None else {}
    flags: Values = {}
    for setting in SETTINGS:
        value = getattr(args, setting.name, None)
        if value is not None and setting.flag is not None:
            flags[setting.name] = (tuple(value) if setting.many else value, Origin(setting.flag))
    return resolve(flags, config, str(path) if path is not None else None)


def plan_for(settings: Settings) -> Plan:
    selection = Selection(
        settings.select, settings.ignore, settings.origins.get("select"), settings.origins.get("ignore")
    )
    return make_plan(
        settings.rules, settings.profile, profile_origin=settings.origins.get("profile"), selection=selection
    )


def link_options(settings: Settings) -> LinkOptions:
    from checker.crawl import CrawlConfig  # noqa: PLC0415
    from checker.engine.links import LinkOptions  # noqa: PLC0415

    defaults = CrawlConfig()
    timeout = settings.timeout
    config = CrawlConfig(
        concurrency=settings.concurrency,
        host_concurrency=settings.host_concurrency,
        host_interval=settings.host_interval,
        robots=settings.robots,
        total_timeout=timeout,
        # under the whole-link limit, so that a blocked network shows as a connect failure
        # (network-level, "not checked") rather than as the link's own timeout
        connect_timeout=min(defaults.connect_timeout, timeout / 2),
        read_timeout=min(defaults.read_timeout, timeout),
        allow_private=settings.allow_private,
        private_host_allowlist=frozenset(host.rstrip(".").lower() for host in settings.private_hosts),
        dns_probes=settings.dns_probes,
        max_time=settings.max_time or None,
        user_agent=f"checker/{__version__} (link checker for department-response pages)",
    )
    return LinkOptions(config=config, base_url=settings.base_url)


def _where(origin: Origin) -> str:
    """``origin`` with its file relative to the working folder when it is inside it."""
    path = Path(origin.path)
    with contextlib.suppress(OSError, ValueError):  # elsewhere: shown as it is
        path = path.resolve().relative_to(Path.cwd().resolve())
    return str(Origin(str(path), origin.line))


def guard_notes(settings: Settings) -> list[str]:
    """One line for each way the config file (not a flag) lets links reach private addresses.

    A ``.checker.yaml`` in the working folder is read without being named: switching the
    address guard off from there must not go unnoticed.
    """
    notes = []
    allow = settings.origin("allow_private")
    if settings.allow_private and allow.line is not None:
        notes.append(
            f"{_where(allow)} allows links to private addresses (allow_private: true); every link may "
            "reach this machine and its network (loopback, intranet, cloud metadata)"
        )
    hosts = settings.origin("private_hosts")
    if settings.private_hosts and hosts.line is not None:
        names = ", ".join(settings.private_hosts)
        notes.append(f"{_where(hosts)} lets {names} resolve to private addresses (private_hosts)")
    return notes


def progress_enabled(stream: TextIO, environ: Mapping[str, str]) -> bool:
    return stream.isatty() and not environ.get("CI")


def root_of(settings: Settings) -> Path | None:
    """The run's root: the config file's folder, else (None) the working folder."""
    return Path(settings.config).resolve().parent if settings.config else None


def default_path(root: Path | None = None) -> Path:
    """The store's default place for a run rooted at ``root`` (``checker.store.default_path``)."""
    from checker.store import default_path as store_default  # noqa: PLC0415

    return store_default(root)


def store_path(settings: Settings) -> Path:
    return settings.db if settings.db is not None else default_path(root_of(settings))


def open_settings_store(settings: Settings) -> Store:
    from checker.store import open_store  # noqa: PLC0415

    return open_store(store_path(settings))


def run_history(store: Store, settings: Settings, *, cache: bool, command: str) -> RunHistory:
    """How this run uses the store: recorded always, read as a cache unless told not to."""
    from checker.engine.history import CachePolicy, RunHistory  # noqa: PLC0415

    policy = (
        CachePolicy(timedelta(seconds=settings.max_age), timedelta(seconds=settings.failure_max_age))
        if cache and settings.cache
        else None
    )
    options = {
        "command": command,
        "profile": settings.profile,
        "base_url": settings.base_url,
        "version": __version__,
        "cache": policy is not None,
    }
    return RunHistory(store, policy, options)
