"""The fast readings of common URLs give exactly what the general ones give.

``fetch_key`` reads a plain http(s) URL with one regular expression instead of ``urlsplit``;
``url_problem`` takes a plain host as ``urlsplit`` gives it instead of asking yarl. Both are
compared here with the general reading on URLs built from the pieces where parsers disagree:
case, ports (empty, zero, leading zeros, out of range), empty paths and queries, fragments,
user names, brackets, percent signs, backslashes, spaces and control characters, non-ASCII.
"""

from __future__ import annotations

import random
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest

from checker.model import links
from checker.model.links import fetch_key
from checker.urls import UrlPolicy, _client_host, client_host, url_problem, web_target

SCHEMES = ["http", "HTTP", "https", "HtTpS", "ftp", "mailto", ""]
HOSTS = [
    "example.org", "EXAMPLE.org", "a..b", "-a-.com", "a.com.", "127.0.0.1", "127.1", "0x7f.1",
    "a_b.com", "xn--abc.com", "xn--a.com", "１２７.0.0.1", "bücher.de", "[::1]", "[2001:db8::1]",
    "user@host.org", "u:p@host.org", "host%2e.org", "a\\b.org", "", ".", "ex ample.org",
]  # fmt: skip
PORTS = ["", ":", ":80", ":443", ":0", ":080", ":8080", ":65535", ":65536", ":99999", ":x"]
RESTS = [
    "", "/", "/a/b", "/a?b", "?", "/?", "?q", "/p?q=1&r=2", "#", "#frag", "/a#f?g", "/a?b#c",
    "/a b", "/a\tb", "/%7Euser", "/é", "/a?b?c", "//double", "/a;p", "\n/x",
]  # fmt: skip


def reference_key(url: str) -> str:
    """``fetch_key`` as it reads every URL: the general ``urlsplit`` path alone."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return raw.split("#", 1)[0]
    scheme = parts.scheme.lower()
    defaults = {"http": 80, "https": 443}
    if scheme not in defaults or not parts.hostname:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == defaults[scheme] else f"{host}:{port}"
    if parts.username is not None or parts.password is not None:
        netloc = f"{parts.netloc.rpartition('@')[0]}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def generated_urls(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    urls = []
    for _ in range(count):
        scheme = rng.choice(SCHEMES)
        head = f"{scheme}://" if scheme else rng.choice(["//", ""])
        pad = rng.choice(["", "", " ", "\x01"])
        urls.append(f"{pad}{head}{rng.choice(HOSTS)}{rng.choice(PORTS)}{rng.choice(RESTS)}{pad}")
    return urls


def every_combination() -> list[str]:
    return [
        f"{scheme}://{host}{port}{rest}"
        for scheme in ("http", "HTTPS")
        for host in HOSTS
        for port in PORTS
        for rest in RESTS
    ]


@pytest.mark.parametrize("seed", range(3))
def test_fetch_key_fast_path_equals_the_general_reading(seed: int) -> None:
    urls = every_combination() + generated_urls(4000, seed)
    fast = [url for url in urls if links._PLAIN_WEB_URL.fullmatch(url.strip())]
    assert len(fast) > 1000  # the fast path is taken, and compared, for many of them
    for url in urls:
        assert fetch_key(url) == reference_key(url), url


def test_fetch_key_fast_path_examples() -> None:
    assert fetch_key("HTTP://Example.ORG") == "http://example.org/"
    assert fetch_key("https://a.org:443/x?#f") == "https://a.org/x"
    assert fetch_key("http://a.org:080?q#f") == "http://a.org/?q"
    assert fetch_key("http://a.org:8080/p?q=1") == "http://a.org:8080/p?q=1"
    assert fetch_key("http://a.org:70000/p#f") == "http://a.org:70000/p"  # urlsplit refuses the port


def test_plain_host_fast_path_equals_yarl() -> None:
    """Where ``_client_host`` takes the host from ``urlsplit``, yarl connects to the same host."""
    taken = 0
    for url in every_combination() + generated_urls(4000, 7):
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  (url_problem asks for a readable port first)
        except ValueError:
            continue
        if not parts.hostname:
            continue
        try:
            expected: str | None = client_host(url.strip())
        except (ValueError, UnicodeError):
            expected = None
        if url.isascii() and "\\" not in url:
            taken += 1
        assert _client_host(url, parts) == expected, url
    assert taken > 1000


def reference_target(url: str, base_url: str | None) -> str | None:
    """``web_target`` as it reads every URL: ``urlsplit`` alone."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme in ("http", "https"):
        return url
    if scheme or not base_url or not url or url.startswith("#"):
        return None
    if url_problem(url, UrlPolicy()) is not None:
        return None
    return urljoin(base_url, url)


@pytest.mark.parametrize("base", [None, "https://www.example.gov.uk/digital/"])
def test_web_target_fast_path_equals_the_general_reading(base: str | None) -> None:
    urls = every_combination() + generated_urls(4000, 11)
    urls += ["http:", "HTTPS:x", "http:[", "https://[::1/", "http://é.org/", "httpx://a/", "http\t://a"]
    for url in urls:
        assert web_target(url, base) == reference_target(url, base), url


def test_a_url_in_its_key_s_form_is_its_own_key() -> None:
    """The same string, not an equal copy: a run keys several tables by URL (100,000 URLs of 75
    characters are 12 MiB a copy)."""
    fetch_key.cache_clear()
    for url in ("http://a.org/x", "https://gov.uk/", f"http://127.0.0.1:8089/ok/{'x' * 3}?q=1"):
        written = "".join(url)  # a string of its own, as a parsed page has it
        assert fetch_key(written) is written
    for url in ("HTTP://a.org/x", "http://a.org", "http://a.org/x#f", " http://a.org/ "):
        assert fetch_key(url) is not url
    fetch_key.cache_clear()
