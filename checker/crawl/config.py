"""Crawler settings.  All times are in seconds, all sizes in bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_DNS_PROBES", "CrawlConfig"]

#: Names that resolve on any network with working DNS: run by different operators, so
#: that one of them being down or filtered does not make DNS look broken.
DEFAULT_DNS_PROBES = ("www.gov.uk", "www.google.com", "www.wikipedia.org", "www.cloudflare.com")


@dataclass(frozen=True)
class CrawlConfig:
    """Limits and politeness settings for one crawl.

    Each host is paced adaptively (see :mod:`.pacing`): ``host_concurrency`` is the most
    requests at once to one host (a ceiling the pacing never passes), ``host_interval`` the
    least time between the starts of two requests to one host (the floor, 0: none), and
    ``max_host_interval`` the most that slowing down (on 429, 503, ``Retry-After``, timeouts,
    slow answers) or a host's ``Crawl-delay`` can make it (a longer ``Crawl-delay`` is capped,
    with a note).  With ``robots``, each host's robots.txt is read once, within
    ``robots_timeout``, for its ``Crawl-delay`` (see :mod:`.robots`).

    ``total_timeout`` bounds the whole check of one URL (all hops and retries), counted
    from its first request.  ``max_body_bytes`` caps the bytes read from the wire,
    ``max_decompressed_bytes`` the bytes produced by decompressing them.
    ``private_host_allowlist`` names hosts (e.g. intranet sites) that may resolve to
    private addresses even when ``allow_private`` is false.  ``dns_probes`` are well-known
    names looked up (once per crawl, within ``dns_probe_timeout``) when a link's name does
    not resolve, to tell "no such name" from "DNS does not work here"; empty means do not
    probe (see :mod:`.network`).  ``max_time`` bounds the whole crawl: when it runs out,
    what is not checked yet is UNCHECKED (``time-budget``), never dead; ``None`` means no
    limit.
    """

    concurrency: int = 16
    host_concurrency: int = 8
    host_interval: float = 0.0
    max_host_interval: float = 5.0
    robots: bool = True
    robots_timeout: float = 5.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    retries: int = 2
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0
    max_redirects: int = 10
    max_body_bytes: int = 512 * 1024
    max_decompressed_bytes: int = 2 * 1024 * 1024
    allow_private: bool = False
    user_agent: str = "checker/0.1 (+link checker)"
    private_host_allowlist: frozenset[str] = field(default_factory=frozenset)
    dns_probes: tuple[str, ...] = DEFAULT_DNS_PROBES
    # longer than a resolver's first retry (5 s), so that one lost packet does not look like "no DNS"
    dns_probe_timeout: float = 10.0
    max_time: float | None = None

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.host_concurrency < 1:
            raise ValueError("concurrency and host_concurrency must be at least 1")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects must not be negative")
        timeouts = (self.connect_timeout, self.read_timeout, self.total_timeout, self.dns_probe_timeout)
        if min(*timeouts, self.robots_timeout) <= 0:
            raise ValueError("timeouts must be positive")
        intervals = (self.host_interval, self.max_host_interval, self.backoff_base, self.backoff_cap)
        if min(*intervals, self.retry_after_cap) < 0:
            raise ValueError("intervals and backoffs must not be negative")
        if self.max_time is not None and self.max_time <= 0:
            raise ValueError("max_time must be positive (None: no limit)")
        if self.max_body_bytes < 1 or self.max_decompressed_bytes < 1:
            raise ValueError("body size caps must be positive")
