"""The local server, in its own process: nginx where installed, else ``pyserver.py``.

nginx answers at once with ``return``; for a delay it needs the echo module (``echo_sleep``,
Debian's libnginx-mod-http-echo), and without it the Python server serves delayed rows. Each
row of the table names the server that served it. Requests are counted at the server: lines of
nginx's access log, or the Python server's counter.
"""

from __future__ import annotations

import contextlib
import select
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bench.procs import child_options, clean_env, stop

HOST = "127.0.0.1"
START_TIMEOUT = 10.0
ATTEMPTS = 3
ECHO_MODULES = (
    Path("/usr/lib/nginx/modules/ngx_http_echo_module.so"),
    Path("/usr/share/nginx/modules/ngx_http_echo_module.so"),
)
PAGE = (
    "<!doctype html><html><head><title>Digital strategy $uri</title></head>"
    "<body><h1>Digital strategy $uri</h1><p>How we will work digitally.</p></body></html>"
)
MISSING = "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>"


class ServerError(RuntimeError):
    """The server could not be started."""


@dataclass
class Server:
    """A running server: what it is, where it listens, how many requests it has answered."""

    kind: str
    base_url: str
    count: Callable[[], int]

    def served(self) -> int:
        """Requests answered so far, once the count has stopped moving (a tool may exit a moment
        before the server has logged its last answer); waits at most 2 s."""
        last, deadline = self.count(), time.monotonic() + 2.0
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.count()
            if now == last:
                return now
            last = now
        return last


def nginx_binary() -> str | None:
    found = Path("/usr/sbin/nginx")
    return str(found) if found.exists() else shutil.which("nginx")


def echo_module() -> Path | None:
    return next((path for path in ECHO_MODULES if path.exists()), None)


def server_kind(delay_ms: float, allow_nginx: bool = True) -> str:
    """Which server a row with this delay gets: ``nginx``, ``nginx+echo`` or ``python``."""
    if not allow_nginx or nginx_binary() is None:
        return "python"
    if delay_ms <= 0:
        return "nginx"
    return "nginx+echo" if echo_module() is not None else "python"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"{what} exited with code {process.returncode} while starting")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.02)
    raise ServerError(f"{what} did not listen on {HOST}:{port} within {START_TIMEOUT:.0f} s")


def nginx_config(folder: Path, port: int, delay_ms: float) -> str:
    """A whole nginx.conf for ``/ok/N`` (200) and everything else (404), with every path in
    ``folder``. With a delay, the echo module answers after ``echo_sleep``."""
    module = echo_module()
    if delay_ms > 0 and module is not None:
        sleep = f"echo_sleep {delay_ms / 1000:.3f};"
        ok = f"location /ok/ {{ {sleep} echo '{PAGE}'; }}"
        missing = f"location / {{ echo_status 404; {sleep} echo '{MISSING}'; }}"
        load = f"load_module {module};"
    else:
        ok = f"location /ok/ {{ return 200 '{PAGE}'; }}"
        missing = f"location / {{ return 404 '{MISSING}'; }}"
        load = ""
    temp = "\n".join(
        f"  {name}_temp_path {folder / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{load}
worker_processes 1;
worker_rlimit_nofile 16384;
daemon off;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 8192; }}
http {{
  log_format bench '$status';
  access_log {folder / "access.log"} bench;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  default_type text/html;
{temp}
  server {{
    listen {HOST}:{port} backlog=4096;
    {ok}
    {missing}
  }}
}}
"""


def _count_lines(path: Path) -> Callable[[], int]:
    def count() -> int:
        try:
            return path.read_bytes().count(b"\n")
        except FileNotFoundError:
            return 0

    return count


@contextlib.contextmanager
def _nginx(folder: Path, delay_ms: float, kind: str) -> Iterator[Server]:
    binary = nginx_binary()
    assert binary is not None
    for attempt in range(1, ATTEMPTS + 1):
        port = free_port()
        config = folder / "nginx.conf"
        config.write_text(nginx_config(folder, port, delay_ms))
        command = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=clean_env(), **child_options(),  # type: ignore[arg-type]
        )  # fmt: skip
        try:
            try:
                wait_listening(port, process, "nginx")
            except ServerError:
                if attempt == ATTEMPTS:
                    log = (folder / "error.log").read_text(errors="replace")[-2000:]
                    raise ServerError(
                        f"nginx did not start ({ATTEMPTS} tries); its error log:\n{log}"
                    ) from None
                continue
            yield Server(kind, f"http://{HOST}:{port}", _count_lines(folder / "access.log"))
            return
        finally:
            stop(process)


def _line(stream: IO[bytes], what: str) -> bytes:
    """One line from the server, waiting at most ``START_TIMEOUT`` for it."""
    ready, _, _ = select.select([stream], [], [], START_TIMEOUT)
    if not ready:
        raise ServerError(f"no answer for {what} within {START_TIMEOUT:.0f} s")
    return stream.readline()


@contextlib.contextmanager
def _python(delay_ms: float) -> Iterator[Server]:
    script = Path(__file__).with_name("pyserver.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--delay-ms", str(delay_ms)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env=clean_env(), **child_options(),  # type: ignore[arg-type]
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def count() -> int:
        stdin.write(b"count\n")
        stdin.flush()
        return int(_line(stdout, "the Python server's count") or b"0")

    try:
        first = _line(stdout, "the Python server's port").split()  # "port N"; nothing if it died
        if len(first) != 2 or first[0] != b"port":
            raise ServerError("the Python server did not start")
        port = int(first[1])
        wait_listening(port, process, "the Python server")
        yield Server("python", f"http://{HOST}:{port}", count)
    finally:
        with contextlib.suppress(OSError):
            stdin.close()
        stop(process)
        stdout.close()


@contextlib.contextmanager
def running_server(folder: Path, delay_ms: float, allow_nginx: bool = True) -> Iterator[Server]:
    """Start the server for a row, yield it, and always stop it (errors and Ctrl-C included)."""
    kind = server_kind(delay_ms, allow_nginx)
    folder.mkdir(parents=True, exist_ok=True)
    manager = _python(delay_ms) if kind == "python" else _nginx(folder, delay_ms, kind)
    with manager as server:
        yield server
