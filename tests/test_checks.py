"""Unit tests of check helpers that fixtures reach only in part."""

from __future__ import annotations

import itertools
import random

from checker.checks.departments import _in_order
from checker.urls import UrlPolicy as Options
from checker.urls import url_problem as problem


def _longest(positions: list[int]) -> int:
    best = [1] * len(positions)
    for i, value in enumerate(positions):
        for j in range(i):
            if positions[j] < value:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


def test_in_order_keeps_a_longest_increasing_run() -> None:
    rng = random.Random(7)
    for _ in range(300):
        positions = [rng.randrange(12) for _ in range(rng.randrange(15))]
        kept = sorted(_in_order(positions))
        assert len(kept) == _longest(positions)
        assert all(positions[a] < positions[b] for a, b in itertools.pairwise(kept))


def test_malformed_urls() -> None:
    options = Options()
    assert problem("https://www.gov.uk/x", options) is None
    assert problem("mailto:digital@cabinetoffice.gov.uk", options) is None
    assert problem("/digital/strategy/actions/06/", options) is None
    assert problem("#top", options) is None
    assert problem("www.gov.uk/x", options) == "it has no scheme (https://)"
    assert problem("gov.uk", options) == "it has no scheme (https://)"
    assert problem("//www.gov.uk/x", options) == "it has no scheme (https://)"
    assert problem("https://www.gov.uk:99999/", options) is not None
    assert problem("https://exa_mple..org/", options) == "'exa_mple..org' is not a valid host name"
    assert (
        problem("ftp://files.gov.uk/x", options)
        == "the ftp: scheme is not allowed (allowed: http, https, mailto)"
    )
    assert problem("page.html", Options(relative=False)) == "it is relative; write the full address"


def test_ip_literal_urls() -> None:
    """IPv6 literals are valid URLs; an IPv4 address written in any non-standard form is not."""
    options = Options()
    for url in [
        "http://[2001:db8::1]/",
        "https://[2001:db8::1]:8443/report.pdf",
        "http://[::ffff:127.0.0.1]/",  # valid as a URL; the crawler's guard refuses it
        "http://127.0.0.1/",
        "http://8.8.8.8/",
        "http://www.gov.uk./",
        "http://ｗｗｗ.gov.uk/",  # fullwidth letters map to www.gov.uk, a name
        "http://xn--4ca.com/",
    ]:
        assert problem(url, options) is None, url
    for written, means in [
        ("2130706433", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.000.000.001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("１２７.０.０.１", "127.0.0.1"),  # fullwidth digits
        ("127。0。0。1", "127.0.0.1"),  # ideographic full stops
        ("①②⑦.0.0.1", "127.0.0.1"),
        ("%31%32%37.0.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("１.１.１.１", "1.1.1.1"),
    ]:
        shown = written.lower() if written.isascii() else written
        expected = f"the host {shown} is an IP address written in a non-standard form (it means {means})"
        assert problem(f"http://{written}/x", options) == expected, written
    for url, reason in [
        ("http://1.2.3.4.5/", "'1.2.3.4.5' is not a valid host name"),
        ("http://256.0.0.1/", "'256.0.0.1' is not a valid host name"),
        ("http://08.0.0.1/", "'08.0.0.1' is not a valid host name"),
        ("http://www.gov.1/", "'www.gov.1' is not a valid host name"),
        ("http://xn--zz/", "'xn--zz' is not a valid host name"),
        (f"http://xn--{'１２７'.encode('punycode').decode()}.0.0.1/", None),
        ("http://127.0.0.1%00.evil/", "'127.0.0.1%00.evil' is not a valid host name"),
        ("http://[v1.fe]/", "'v1.fe' is not a valid IPv6 address"),
        (
            "http://[fe80::1%25eth0]/",
            "the IPv6 address fe80::1%25eth0 carries a zone (%...), which a web address cannot use",
        ),
        ("http://[::1/", "it cannot be read as a URL (Invalid IPv6 URL)"),
    ]:
        found = problem(url, options)
        assert found is not None, url
        assert reason is None or found == reason, (url, found)
