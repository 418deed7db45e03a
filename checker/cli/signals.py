"""Stopping a run: the first Ctrl-C or SIGTERM unwinds it, a second one ends the process at once.

The first signal raises ``KeyboardInterrupt`` wherever the run is, so every ``finally`` runs:
the link store closes the run as interrupted and keeps what it recorded (each result is
committed as it arrives). Unwinding can take a moment (the event loop cancels its requests);
a second signal does not wait for that: it says so and exits with 130 straight away, which
loses nothing either.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

STOPPED = 130


class Stopper:
    """The SIGINT and SIGTERM handler of one CLI invocation."""

    def __init__(self) -> None:
        self.received: str | None = None  # "SIGINT" or "SIGTERM", once one came

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.received is not None:
            os.write(2, f"checker: {name} again: stopped at once\n".encode())
            os._exit(STOPPED)
        self.received = name
        raise KeyboardInterrupt

    def message(self) -> str:
        if self.received == "SIGTERM":
            return "checker: stopped (SIGTERM); what was checked is kept"
        return "checker: interrupted; what was checked is kept"

    def install(self) -> Callable[[], None]:
        """Handle SIGINT and SIGTERM until the returned function puts the old handlers back."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None
        previous = {number: signal.signal(number, self) for number in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for number, handler in previous.items():
                signal.signal(number, handler)

        return restore
