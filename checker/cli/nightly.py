"""``checker nightly``, ``checker report`` and ``checker prune``: the link store's commands.

``nightly`` is the one command a nightly job runs: every link re-checked (no cache),
every result recorded as it arrives, then the report written from the store. ``report``
writes the report again from what the store holds; ``prune`` drops old runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

from checker.cli import options
from checker.cli.running import EXIT_OK, execute
from checker.config.settings import Settings
from checker.errors import CheckerError

if TYPE_CHECKING:  # the store and the nightly report are imported when these commands run
    from checker.store import Store


def _write(store: Store, settings: Settings, out: TextIO, run_id: int | None = None) -> None:
    from checker.engine.nightly import build_report  # noqa: PLC0415
    from checker.output.nightly import write_report  # noqa: PLC0415

    report = build_report(store, datetime.now(UTC), run_id)
    try:
        paths = write_report(report, settings.out)
    except OSError as error:
        raise CheckerError(str(settings.out), f"cannot be written: {error.strerror or error}") from None
    figures = (
        f"{len(report.newly_broken)} broke, {len(report.still_broken)} still broken, "
        f"{len(report.recovered)} came back, {len(report.flapping)} flapping"
    )
    print(f"report of run {report.run.id} ({figures}): {', '.join(map(str, paths))}", file=out)


def cmd_nightly(args: argparse.Namespace, out: TextIO) -> int:
    settings = options.settings_of(args)
    if settings.offline:
        raise CheckerError("--offline", "the nightly report needs links checked; leave out --offline")
    with options.open_settings_store(settings) as store:
        history = options.run_history(store, settings, cache=False, command="nightly")
        _, code = execute(settings, args.paths, sys.stderr, history)
        if history.run is None:
            raise CheckerError(
                settings.origin("profile").path, "no selected rule reads link results, so no link was checked"
            )
        if settings.keep_runs:
            store.prune(keep_runs=settings.keep_runs)
        _write(store, settings, out, history.run.id)
    return code  # as for check: 1 when tonight has error-level findings, so a job can alert


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    settings = options.settings_of(args)
    path = options.store_path(settings)
    if not path.is_file():
        raise CheckerError(str(path), "does not exist; run `checker nightly PATH...` first (or give --db)")
    with options.open_settings_store(settings) as store:
        _write(store, settings, out, args.run)
    return EXIT_OK


def cmd_prune(args: argparse.Namespace, out: TextIO) -> int:
    settings = options.settings_of(args)
    if not settings.keep_runs:
        raise CheckerError("--keep-runs", "say how many of the newest runs to keep (at least 1)")
    path = options.store_path(settings)
    if not path.is_file():
        raise CheckerError(str(path), "does not exist (give --db)")
    with options.open_settings_store(settings) as store:
        gone = store.prune(keep_runs=settings.keep_runs)
    print(f"removed {gone} runs from {path}; the newest {settings.keep_runs} are kept", file=out)
    return EXIT_OK
