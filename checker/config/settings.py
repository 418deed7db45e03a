"""The config file (``.checker.yaml`` in the working folder, or ``--config FILE``).

rules: [our-rules/]     # more rule folders, relative to this file
profile: strict
offline: false
format: text            # text | json
base_url: https://www.gov.uk/   # site-relative links are checked against it
crawl:
  concurrency: 16
  host_concurrency: 2
  host_interval: 0.5     # seconds between requests to one host
  timeout: 60            # seconds to give one link, retries included
  allow_private: false   # check links to private and local addresses (intranets)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from checker.config.yamlfile import Node, Reader, load

CONFIG_NAMES = (".checker.yaml", "checker.yaml")
FORMATS = ("text", "json")
CRAWL_KEYS = ("concurrency", "host_concurrency", "host_interval", "timeout", "allow_private")


@dataclass(frozen=True)
class CrawlSettings:
    concurrency: int | None = None
    host_concurrency: int | None = None
    host_interval: float | None = None
    timeout: float | None = None
    allow_private: bool | None = None


@dataclass(frozen=True)
class Settings:
    rules: tuple[Path, ...] = ()
    profile: str | None = None
    offline: bool | None = None
    format: str | None = None
    base_url: str | None = None
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    source: str | None = None


def find_config(start: Path) -> Path | None:
    for name in CONFIG_NAMES:
        if (start / name).is_file():
            return start / name
    return None


def _base_url(reader: Reader, node: Node) -> str:
    text = reader.string(node, "base_url")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise reader.error(
            node, f"base_url {text!r} should be an http(s) address such as https://www.gov.uk/"
        )
    return text


def load_settings(path: Path) -> Settings:
    reader = Reader(path)
    root = load(path)
    if root is None:
        return Settings(source=str(path))
    keys = reader.mapping(
        root, "the config file", allowed=("rules", "profile", "offline", "format", "base_url", "crawl")
    )
    crawl = CrawlSettings()
    if "crawl" in keys:
        options = reader.mapping(keys["crawl"], "crawl", allowed=CRAWL_KEYS)
        crawl = CrawlSettings(
            concurrency=reader.integer(options["concurrency"], "concurrency", 1)
            if "concurrency" in options
            else None,
            host_concurrency=(
                reader.integer(options["host_concurrency"], "host_concurrency", 1)
                if "host_concurrency" in options
                else None
            ),
            host_interval=(
                reader.number(options["host_interval"], "host_interval")
                if "host_interval" in options
                else None
            ),
            timeout=reader.number(options["timeout"], "timeout", 0.1) if "timeout" in options else None,
            allow_private=(
                reader.boolean(options["allow_private"], "allow_private")
                if "allow_private" in options
                else None
            ),
        )
    rules = (
        tuple(path.parent / folder for folder in reader.strings(keys["rules"], "rules"))
        if "rules" in keys
        else ()
    )
    return Settings(
        rules=rules,
        profile=reader.string(keys["profile"], "profile") if "profile" in keys else None,
        offline=reader.boolean(keys["offline"], "offline") if "offline" in keys else None,
        format=reader.choice(keys["format"], "format", FORMATS) if "format" in keys else None,
        base_url=_base_url(reader, keys["base_url"]) if "base_url" in keys else None,
        crawl=crawl,
        source=str(path),
    )
