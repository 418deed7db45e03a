"""The one place where failures become statuses.

:func:`classify_exception` maps every library exception (aiohttp, asyncio,
ssl, OS) to a :class:`Verdict`; :func:`classify_status` does the same for HTTP
status codes.  A verdict carries the status, a short machine ``error_kind``, a
plain-English ``detail`` and whether the failure is worth retrying.

What a server sends is a verdict on that server: a malformed answer, one that
cannot be decoded or parsed, is ``bad-response``; only an exception no exchange
with a server explains stays ``internal``.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import http
import socket
import ssl
from dataclasses import dataclass

import aiohttp

from checker.model.links import ErrorKind, LinkStatus

from .config import CrawlConfig
from .guard import PrivateAddressError

__all__ = ["RETRY_STATUSES", "Verdict", "classify_exception", "classify_status", "reason"]

#: HTTP statuses retried with backoff
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

_BY_HAND = "check this link by hand"
_DNS_TEMPORARY_ERRNOS = {
    getattr(socket, n) for n in ("EAI_AGAIN", "EAI_FAIL", "EAI_SYSTEM") if hasattr(socket, n)
}
_DNS_TEMPORARY_WORDS = ("temporar", "try again", "timeout", "timed out", "contact", "nameserver", "refused")
_NO_ROUTE_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


@dataclass(frozen=True)
class Verdict:
    status: LinkStatus
    error_kind: ErrorKind | None
    detail: str
    transient: bool = False


#: the standard phrase of every status code Python knows (looked up once, not per answer)
_PHRASES = {status.value: status.phrase for status in http.HTTPStatus}


def reason(code: int, fallback: str | None = None) -> str:
    """``"404 Not Found"``: the code and its standard phrase."""
    phrase = _PHRASES.get(code)
    if phrase is None:
        phrase = fallback or ""
    return f"{code} {phrase}".strip()


def _os_error(exc: BaseException) -> OSError | None:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return exc.os_error
    return exc if isinstance(exc, OSError) else None


def _dns_verdict(host: str, err: OSError | None) -> Verdict:
    message = (err.strerror or str(err)) if err is not None else ""
    code = err.errno if err is not None else None
    if code in _DNS_TEMPORARY_ERRNOS or any(w in message.lower() for w in _DNS_TEMPORARY_WORDS):
        return Verdict(
            LinkStatus.UNREACHABLE,
            ErrorKind.DNS_TEMPORARY,
            f"the DNS lookup of {host} failed temporarily ({message or 'no answer'})",
            transient=True,
        )
    return Verdict(LinkStatus.DEAD, ErrorKind.DNS, f"{host} has no DNS record")


def classify_exception(exc: BaseException, host: str, config: CrawlConfig) -> Verdict:
    """Map an exception raised while requesting ``host`` to a verdict."""
    os_err = _os_error(exc)
    if isinstance(exc, PrivateAddressError) or isinstance(os_err, PrivateAddressError):
        address = exc.address if isinstance(exc, PrivateAddressError) else getattr(os_err, "address", "")
        said = (
            f"{host} resolves to the non-public address {address}"
            if host != address
            else f"{host} is a non-public address"
        )
        return Verdict(LinkStatus.PRIVATE, ErrorKind.PRIVATE_ADDRESS, f"{said}, which is not checked")
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        return Verdict(LinkStatus.UNREACHABLE, ErrorKind.TLS, f"the TLS certificate of {host} is not valid")
    if isinstance(exc, aiohttp.ClientSSLError | ssl.SSLError):
        return Verdict(LinkStatus.UNREACHABLE, ErrorKind.TLS, f"the secure (TLS) connection to {host} failed")
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return _dns_verdict(host, exc.os_error)
    if isinstance(exc, socket.gaierror):
        return _dns_verdict(host, exc)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        # network-level: a filter that drops packets looks exactly like this for every host
        return Verdict(
            LinkStatus.UNREACHABLE,
            ErrorKind.CONNECT_TIMEOUT,
            f"connecting to {host} timed out after {config.connect_timeout:g} s",
            transient=True,
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        code = exc.os_error.errno
        if code in _NO_ROUTE_ERRNOS:
            return Verdict(
                LinkStatus.UNREACHABLE, ErrorKind.NO_ROUTE, f"there is no network route to {host}", True
            )
        if code == errno.ECONNREFUSED:
            return Verdict(LinkStatus.UNREACHABLE, ErrorKind.CONNECT, f"{host} refused the connection", True)
        why = exc.os_error.strerror or str(exc.os_error)
        return Verdict(
            LinkStatus.UNREACHABLE, ErrorKind.CONNECT, f"could not connect to {host} ({why})", True
        )
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return Verdict(
            LinkStatus.UNREACHABLE,
            ErrorKind.TIMEOUT,
            f"{host} did not answer within {config.read_timeout:g} s",
            transient=True,
        )
    if isinstance(exc, asyncio.TimeoutError):
        return Verdict(
            LinkStatus.UNREACHABLE,
            ErrorKind.TIMEOUT,
            f"checking this link took longer than the {config.total_timeout:g} s limit",
        )
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return Verdict(
            LinkStatus.UNREACHABLE,
            ErrorKind.DISCONNECTED,
            f"{host} closed the connection without answering",
            True,
        )
    if isinstance(exc, aiohttp.TooManyRedirects):
        return Verdict(LinkStatus.ERROR, ErrorKind.TOO_MANY_REDIRECTS, "the page redirects too many times")
    if isinstance(exc, aiohttp.InvalidURL):
        return Verdict(LinkStatus.ERROR, ErrorKind.INVALID_URL, f"the address is not a valid URL ({exc})")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return Verdict(LinkStatus.UNREACHABLE, ErrorKind.PAYLOAD, f"the answer from {host} was cut off", True)
    if isinstance(exc, aiohttp.ClientResponseError):
        return Verdict(LinkStatus.ERROR, ErrorKind.BAD_RESPONSE, f"{host} sent a malformed HTTP answer")
    if isinstance(exc, aiohttp.ClientConnectionError | ConnectionError):
        return Verdict(LinkStatus.UNREACHABLE, ErrorKind.RESET, f"the connection to {host} was reset", True)
    if isinstance(exc, aiohttp.ClientError | OSError):
        return Verdict(
            LinkStatus.UNREACHABLE, ErrorKind.CONNECT, f"could not fetch from {host} ({exc})", True
        )
    if isinstance(exc, ValueError | LookupError | ArithmeticError | EOFError):
        # every address is checked before the request (guard.preflight): what fails to parse
        # or decode during the exchange is something the server sent
        return Verdict(
            LinkStatus.ERROR,
            ErrorKind.BAD_RESPONSE,
            f"{host} sent an answer that could not be read ({type(exc).__name__})",
        )
    return Verdict(
        LinkStatus.ERROR, ErrorKind.INTERNAL, f"the check failed unexpectedly ({type(exc).__name__}: {exc})"
    )


@functools.lru_cache(maxsize=1024)
def classify_status(code: int, phrase: str | None, *, challenge: bool) -> Verdict:
    """Map a final (non-redirect) HTTP status to a verdict; 2xx is OK.

    ``challenge`` is true when the answer is a bot challenge (``cf-mitigated:
    challenge`` header or a challenge page).  ``transient`` marks statuses that
    are retried before this verdict becomes final.  Remembered (a verdict is immutable): the
    results of a crawl share one ``detail`` string per answer, not one each (7 MiB on 100,000).
    """
    said = f"the server answered {reason(code, phrase)}"
    if challenge:
        return Verdict(
            LinkStatus.BLOCKED, ErrorKind.BOT_CHALLENGE, f"{said} with a bot challenge; {_BY_HAND}"
        )
    if 200 <= code < 300:
        return Verdict(LinkStatus.OK, None, said)
    if code in (404, 410):
        return Verdict(LinkStatus.DEAD, ErrorKind.HTTP_STATUS, said)
    if code == 401:
        return Verdict(LinkStatus.BLOCKED, ErrorKind.LOGIN, f"{said}: the page needs a login; {_BY_HAND}")
    if code in (403, 999):
        return Verdict(LinkStatus.BLOCKED, ErrorKind.FORBIDDEN, f"{said}: access was refused; {_BY_HAND}")
    if code == 429:
        return Verdict(
            LinkStatus.BLOCKED,
            ErrorKind.RATE_LIMITED,
            f"{said}: the site kept rate-limiting us; {_BY_HAND}",
            True,
        )
    if 300 <= code < 400:
        return Verdict(LinkStatus.ERROR, ErrorKind.HTTP_STATUS, f"{said} without a usable Location header")
    return Verdict(LinkStatus.ERROR, ErrorKind.HTTP_STATUS, said, transient=code in RETRY_STATUSES)
