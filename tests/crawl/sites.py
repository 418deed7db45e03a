"""Local imitations of the sites behind real department-response links.

Everything listens on 127.0.0.1 only.  Real-looking host names are routed to the
local servers by :class:`SiteResolver`, which never answers anything but
127.0.0.1 and fails every name it does not know, so no test can reach the
internet.

Usage::

    async with SiteServer() as site:
        report = await crawl(urls, config, resolver=site.resolver, ssl_context=site.client_ssl)
        assert site.requests[("www.dcms.gov.uk", "/publications/9586.aspx", "GET")] == 1

:class:`SiteServer` (async context manager) runs one aiohttp application on
two ports, plain HTTP (``site.port``) and HTTPS (``site.https_port``, with a
trustme certificate for every name in ``HTTPS_HOSTS``), and dispatches on the
``Host`` header.  Attributes:

* ``resolver``: a :class:`SiteResolver` mapping every name in ``site.routes``
  (plus ``REFUSED_HOST``, whose port refuses connections) to 127.0.0.1 and the
  right port (URL port 80 -> ``port``, 443 -> ``https_port``).
* ``client_ssl``: an ``ssl.SSLContext`` trusting the test CA.
* ``routes``: ``{host: {path: handler}}``, see :func:`default_routes`; add or
  replace entries before crawling (handlers are ``async (request, site) ->
  response``).  Unknown paths answer a plain 404.
* ``requests``: ``Counter`` of ``(host, path, method)``; ``hits(host, path)``
  counts one path for all methods.
* ``starts``: ``{host: [monotonic time of each request start]}``;
  ``max_inflight``: ``{host: most concurrent requests}``;
  ``max_inflight_total``.
* ``make_resolver(fail_all=errno)``: a resolver failing every lookup with that
  ``socket.EAI_*`` code (e.g. ``socket.EAI_AGAIN`` imitates "network down").
* DNS works by default: the well-known names the crawler probes when a lookup fails
  (``DEFAULT_DNS_PROBES``) resolve too (to 127.0.0.1, like every name here), so an
  unknown name is really unknown.  ``make_resolver(dns_works=False)`` resolves only
  the imitated hosts, as a filtered network does (a probe name that is also an
  imitated host, such as www.gov.uk, still resolves).
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import TracebackType

import trustme
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from checker.crawl.config import DEFAULT_DNS_PROBES

Handler = Callable[[web.Request, "SiteServer"], Awaitable[web.StreamResponse]]

HTTPS_HOSTS = ("www.gov.uk", "assets.publishing.service.gov.uk")
REFUSED_HOST = "www.hm-treasury.gov.uk"
UNKNOWN_HOST = "www.unknown-department.gov.uk"
LOOPBACK = "127.0.0.1"


class SiteResolver(AbstractResolver):
    """Maps known names to 127.0.0.1 (never anything else); fails every other lookup."""

    def __init__(self, ports: Mapping[str, Mapping[int, int]], *, fail_all: int | None = None) -> None:
        self.ports = ports  # host -> {url port: local port}
        self._fail_all = fail_all
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        if self._fail_all is not None:
            raise socket.gaierror(self._fail_all, "Temporary failure in name resolution")
        mapping = self.ports.get(host.lower().rstrip("."))
        if mapping is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            ResolveResult(
                hostname=host,
                host=LOOPBACK,
                port=mapping.get(port, port),
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
            )
        ]

    async def close(self) -> None:
        return None


# --- handler factories -------------------------------------------------------------------------


def html(
    title: str, body: str = "", *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Handler:
    doc = f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"

    async def handler(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        return web.Response(status=status, text=doc, content_type="text/html", headers=headers)

    return handler


def status(code: int, *, headers: Mapping[str, str] | None = None) -> Handler:
    async def handler(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        return web.Response(status=code, text=f"status {code}", headers=headers)

    return handler


def redirect(location: str, code: int = 301) -> Handler:
    async def handler(_request: web.Request, site: SiteServer) -> web.StreamResponse:
        target = location.format(port=site.port)
        return web.Response(status=code, headers={"Location": target})

    return handler


def slow(delay: float, then: Handler) -> Handler:
    async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
        await asyncio.sleep(delay)
        return await then(request, site)

    return handler


def flaky(first: Handler, then: Handler, *, times: int = 1) -> Handler:
    """Answer with ``first`` for the first ``times`` GETs of this path, then ``then``."""

    async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
        key = (site.host_of(request), request.path, "GET")
        return await (first if site.requests[key] <= times else then)(request, site)

    return handler


def head_rejected(code: int, get: Handler) -> Handler:
    async def handler(request: web.Request, site: SiteServer) -> web.StreamResponse:
        if request.method == "HEAD":
            return web.Response(status=code)
        return await get(request, site)

    return handler


def gzipped(payload: bytes, *, encoding: str = "gzip") -> Handler:
    async def handler(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        return web.Response(
            body=payload, headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}
        )

    return handler


def retry_after_date(seconds: float) -> Handler:
    """503 with ``Retry-After`` as an HTTP date ``seconds`` from now."""

    async def handler(_request: web.Request, _site: SiteServer) -> web.StreamResponse:
        when = datetime.now(UTC) + timedelta(seconds=seconds)
        return web.Response(status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})

    return handler


def compress(data: bytes, wbits: int = 31) -> bytes:
    obj = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return obj.compress(data) + obj.flush()


@functools.cache
def gzip_bomb(size: int = 16 * 1024 * 1024) -> bytes:
    """A gzip HTML page that inflates to ``size`` bytes; ``id="end"`` is at the very end."""
    obj = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = b"<html><head><title>Annual report</title></head><body><p id='start'>"
    parts = [obj.compress(head)]
    block = b" " * (1024 * 1024)
    for _ in range(size // len(block)):
        parts.append(obj.compress(block))
    parts.append(obj.compress(b"<p id='end'>end</p></body></html>"))
    parts.append(obj.flush())
    return b"".join(parts)


DOCUMENT = (
    "<h1>Digital in defence</h1><nav><a href='#contents'>Contents</a></nav>"
    "<div id='contents'><a name='summary'></a><p>Summary</p></div>"
)
OUR_GOALS = "<h1>Our goals</h1><h2 id='dds'>Departmental strategy</h2><a name='goal-2'>Goal 2</a>"
NOT_FOUND_PAGE = "<h1>Page not found</h1><p>If you entered a web address please check it was correct.</p>"
CHALLENGE = "<script src='/cdn-cgi/challenge-platform/h/b/orchestrate/jsch/v1'></script>"


def default_routes() -> dict[str, dict[str, Handler]]:
    """The imitation sites: host -> path -> handler."""
    ok = html("Publication - GOV.UK", DOCUMENT)
    return {
        "www.dcms.gov.uk": {
            "/publications/9586.aspx": redirect(
                "https://www.gov.uk/government/publications/digital-in-defence"
            ),
            "/images/publications/DCMS_Annual_Report.pdf": status(404),
            "/reference_library/publications/3719.aspx": status(410),
            "/what_we_do/broadcasting/default.aspx": redirect("https://www.gov.uk/", 302),
            "/reference_library/research_and_statistics/4872.aspx": redirect(
                "https://www.gov.uk/search/all?keywords=research", 302
            ),
            "/images/research/Taking_Part.pdf": redirect("/images/research/gone.pdf", 302),
            "/images/research/gone.pdf": status(404),
            "/loop/a.aspx": redirect("/loop/b.aspx", 302),
            "/loop/b.aspx": redirect("http://www.dcms.gov.uk/loop/a.aspx", 302),
            **{f"/chain/{i}": redirect(f"/chain/{i + 1}", 302) for i in range(30)},
            "/to-loopback": redirect("http://127.0.0.1:{port}/secret", 302),
            "/to-intranet": redirect("http://intranet.dcms.gov.uk/secret", 302),
            "/bad-request": status(400),
        },
        "intranet.dcms.gov.uk": {"/secret": html("Secret")},
        LOOPBACK: {"/secret": html("Secret")},
        "www.gov.uk": {
            "/government/publications/digital-in-defence": ok,
            "/": html("Welcome to GOV.UK", "<h1>Welcome to GOV.UK</h1>"),
            "/search/all": html("Search - GOV.UK", "<h1>Search</h1>"),
            "/government/publications/missing-report": html("Page not found - GOV.UK", NOT_FOUND_PAGE),
            "/government/news/slow-but-fine": slow(0.3, ok),
            "/government/news/very-slow": slow(3.0, ok),
        },
        "www.decc.gov.uk": {
            "/en/content/cms/about/our_goals/our_goals.aspx": html("Our goals", OUR_GOALS),
            "/en/content/cms/news/head405.aspx": head_rejected(405, ok),
            "/en/content/cms/news/head501.aspx": head_rejected(501, ok),
            "/en/content/cms/news/head404.aspx": head_rejected(404, ok),
            "/en/content/cms/news/head403.aspx": head_rejected(403, ok),
            "/assets/decc/gzip.aspx": gzipped(
                compress(("<html><body>" + OUR_GOALS + "</body></html>").encode())
            ),
            "/assets/decc/deflate.aspx": gzipped(compress(OUR_GOALS.encode(), 15), encoding="deflate"),
            "/assets/decc/bomb.aspx": gzipped(gzip_bomb()),
        },
        "www.legislation.gov.uk": {
            "/ukpga/2008/27/contents": flaky(status(429, headers={"Retry-After": "1"}), ok),
            "/ukpga/2008/28/contents": flaky(status(429, headers={"Retry-After": "3600"}), ok),
        },
        "www.nationalarchives.gov.uk": {"/webarchive/": flaky(retry_after_date(1), ok)},
        "www.parliament.uk": {
            "/business/publications/written-questions/": html(
                "Just a moment...", CHALLENGE, status=403, headers={"cf-mitigated": "challenge"}
            ),
            "/business/committees/": html("Just a moment...", CHALLENGE, status=503),
            "/members-area/": status(401, headers={"WWW-Authenticate": 'Basic realm="members"'}),
        },
        "www.ons.gov.uk": {"/economy/statistics.aspx": status(500)},
        "assets.publishing.service.gov.uk": {"/media/report.pdf": status(200)},
        "www.direct.gov.uk": {"/en/index.htm": ok},  # https: its certificate does not name it
    }


@functools.cache
def _certificates() -> tuple[trustme.CA, trustme.LeafCert]:
    ca = trustme.CA()
    return ca, ca.issue_cert(*HTTPS_HOSTS)


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


class SiteServer:
    """The imitation sites on 127.0.0.1 (see module docstring)."""

    def __init__(self, routes: dict[str, dict[str, Handler]] | None = None) -> None:
        self.routes = routes if routes is not None else default_routes()
        self.requests: Counter[tuple[str, str, str]] = Counter()
        self.starts: defaultdict[str, list[float]] = defaultdict(list)
        self.inflight: Counter[str] = Counter()
        self.max_inflight: Counter[str] = Counter()
        self.max_inflight_total = 0
        self.port = 0
        self.https_port = 0
        self.refused_port = _closed_port()
        ca, cert = _certificates()
        self.client_ssl = ssl.create_default_context()
        ca.configure_trust(self.client_ssl)
        self._server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self._server_ssl)
        self._runner: web.AppRunner | None = None
        self.resolver = self.make_resolver()

    @staticmethod
    def host_of(request: web.Request) -> str:
        host = request.host
        return host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()

    def hits(self, host: str, path: str) -> int:
        return sum(n for (h, p, _m), n in self.requests.items() if h == host and p == path)

    def make_resolver(self, *, fail_all: int | None = None, dns_works: bool = True) -> SiteResolver:
        ports: dict[str, Mapping[int, int]] = {}
        for host in (*self.routes, *(DEFAULT_DNS_PROBES if dns_works else ())):
            ports[host] = _PortMap(self)
        ports[REFUSED_HOST] = {80: self.refused_port, 443: self.refused_port}
        return SiteResolver(ports, fail_all=fail_all)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        host = self.host_of(request)
        self.requests[(host, request.path, request.method)] += 1
        self.starts[host].append(time.monotonic())
        self.inflight[host] += 1
        self.max_inflight[host] = max(self.max_inflight[host], self.inflight[host])
        self.max_inflight_total = max(self.max_inflight_total, sum(self.inflight.values()))
        try:
            handler = self.routes.get(host, {}).get(request.path)
            if handler is None:
                return web.Response(status=404, text="no such page")
            return await handler(request, self)
        finally:
            self.inflight[host] -= 1

    async def __aenter__(self) -> SiteServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        plain = web.TCPSite(self._runner, LOOPBACK, 0)
        secure = web.TCPSite(self._runner, LOOPBACK, 0, ssl_context=self._server_ssl)
        await plain.start()
        await secure.start()
        self.port = _bound_port(plain)
        self.https_port = _bound_port(secure)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class _PortMap(Mapping[int, int]):
    """URL port -> local port, read lazily because ports are known only after start."""

    def __init__(self, site: SiteServer) -> None:
        self._site = site

    def _table(self) -> dict[int, int]:
        return {80: self._site.port, 443: self._site.https_port}

    def __getitem__(self, key: int) -> int:
        return self._table()[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._table())

    def __len__(self) -> int:
        return 2


def _bound_port(site: web.TCPSite) -> int:
    server = site._server
    assert server is not None
    sockets = getattr(server, "sockets", None)
    assert sockets
    port: int = sockets[0].getsockname()[1]
    return port
