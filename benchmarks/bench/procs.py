"""Child processes: run one measured, and stop one for sure.

Peak memory is taken per child by GNU time (``/usr/bin/time -f %M``). ``getrusage(RUSAGE_CHILDREN)``
would give the largest of every child so far, and even ``os.wait4`` on the child itself counts
the harness: Linux carries the memory a process had before ``exec`` (a copy of the harness,
after ``fork``) into its ``ru_maxrss``. GNU time is small and forks the tool itself, so its
figure is the tool's own. Without it, ``os.wait4``'s figure is used and may be too high by the
harness's size (the table says which).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PR_SET_PDEATHSIG = 1
GNU_TIME = Path("/usr/bin/time")
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@dataclass(frozen=True)
class Measured:
    """One finished child: what it cost and how it ended."""

    wall: float  # seconds from just before the fork to its exit
    rss_kib: int  # peak resident set size in KiB
    exit_code: int  # negative: killed by that signal
    timed_out: bool


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child, without proxy settings: every request must go straight to
    127.0.0.1, never through a proxy that could forward it elsewhere."""
    env = {key: value for key, value in os.environ.items() if key.lower() not in _PROXY_VARIABLES}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra or {})
    return env


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends it SIGTERM if the harness dies, even on
    SIGKILL, so no server or tool outlives a killed benchmark."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def child_options() -> dict[str, object]:
    """Popen options shared by every child: its own session (a Ctrl-C on the terminal reaches
    only the harness, which then stops its children in order) and death with the parent."""
    return {"start_new_session": True, "preexec_fn": _die_with_parent}


def stop(process: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Terminate a child and its process group, then kill it if it has not gone after ``grace``."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=wait)
            return


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    stdout: Path,
    stderr: Path,
    timeout: float,
) -> Measured:
    """Run ``command`` to its end with its output in files, killed after ``timeout`` seconds."""
    rss_file = stderr.with_suffix(".rss")
    rss_file.unlink(missing_ok=True)
    timed = [str(GNU_TIME), "-f", "%M", "-o", str(rss_file), *command] if rss_method() == "time" else command
    with stdout.open("wb") as out, stderr.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(timed), cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            env=clean_env(), **child_options(),
        )  # fmt: skip
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.daemon = True
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            timer.cancel()
            stop(process, grace=2.0)
            raise
        wall = time.perf_counter() - started
        timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    rss = _gnu_time_rss(rss_file) or int(usage.ru_maxrss)
    return Measured(wall, rss, process.returncode, timed_out.is_set())


def rss_method() -> str:
    """How peak memory is measured: ``time`` (GNU time) or ``wait4`` (may count the harness)."""
    return "time" if GNU_TIME.exists() and os.access(GNU_TIME, os.X_OK) else "wait4"


def _gnu_time_rss(path: Path) -> int | None:
    """GNU time's %M, the last line of its file (a line before it may say the signal)."""
    try:
        last = path.read_text().strip().splitlines()[-1]
        return int(last)
    except (OSError, IndexError, ValueError):
        return None
