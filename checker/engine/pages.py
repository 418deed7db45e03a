"""Stage *parse*: page files -> page models; a page that cannot be read becomes an error, not a stop.

Each page is read by its kind (``checker.parse.source.read_page``): HTML by its name (``.html``...)
or, whatever its name, by its text starting as an HTML document, parsed by ``checker.parse.html``;
everything else is Markdown, parsed by ``checker.parse``. Both make the same page model.

Big inputs are parsed in worker processes, one per CPU (``ParsedPages``): parsing is pure Python,
so threads would take turns on one core. Workers cost their start (forks, with their pipes and
threads: some 35 ms for two) and each page its copy back to this process, so inputs under
``PARALLEL_MIN_BYTES`` are parsed here, one page after another. Either way the pages come out
in input order, a page that cannot be read is that page's error, a worker that dies is an error
that says so (never a hang), and leaving early (Ctrl-C, an error) stops the workers at once.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from checker.engine.collect import PageFile
from checker.errors import CheckerError
from checker.model import Page
from checker.model import page as page_model
from checker.parse import parse_html, parse_source
from checker.parse.source import HTML_DOCUMENT, Source, is_html_name, read_page

if TYPE_CHECKING:  # multiprocessing, concurrent.futures and pickle: imported when workers start
    from concurrent.futures import Future, ProcessPoolExecutor

#: below this many bytes of pages, parsing here beats starting workers and copying pages back.
#: Measured on 2 cores: starting two workers costs about 35 ms, and each page costs this process
#: about 3.4 ms to take back (unpickling, 21 KB pages), while a worker parses a page as fast as
#: this process does (about 0.7 ms a KB today). Two workers break even at about 100 KB of pages
#: with today's parser, and at about 450 KB with one three times faster.
PARALLEL_MIN_BYTES = 256 * 1024
#: pages go to a worker in batches of about this many bytes (fewer round trips; small enough that
#: the first pages come back early, for the crawler to start on their links)
CHUNK_BYTES = 64 * 1024
#: batches sent to each worker ahead of the one it parses
_IN_FLIGHT = 3
#: how often a worker looks whether this process is still there (a second Ctrl-C ends it at once)
_PARENT_CHECK = 0.5

#: a page, or why it could not be read
Parsed = Page | CheckerError


class ParseWorkerCrashed(RuntimeError):
    """A worker process died while parsing pages (killed, out of memory, a crash in C code)."""


def parse_page(path: str) -> Page:
    """One page from disk, Markdown or HTML. Raises ``InputError`` for a file that cannot be read."""
    source = read_page(path)
    return parse_html(source) if source.is_html else parse_source(source)


def parse_text(path: str, text: str) -> Page:
    """A page's text (already read, lines joined with ``\\n``), parsed as ``parse_page`` would."""
    if is_html_name(path) or HTML_DOCUMENT.match(text):
        return parse_html(Source(path, text, is_html=True))
    return parse_source(Source(path, text))


def parse_pages(
    files: Sequence[PageFile], workers: int | None = None
) -> tuple[list[Page], list[CheckerError]]:
    """Every page of ``files`` in input order, and the errors of those that cannot be read.

    ``workers``: how many processes parse (default: one per CPU for big inputs; 1: this process).
    """
    with ParsedPages(files, workers) as parsed:
        return split(parsed)


def split(outcomes: Iterable[Parsed]) -> tuple[list[Page], list[CheckerError]]:
    """Parse outcomes as the pages and the errors of those that cannot be read, each in order."""
    pages: list[Page] = []
    errors: list[CheckerError] = []
    for outcome in outcomes:
        if isinstance(outcome, CheckerError):
            errors.append(outcome)
        else:
            pages.append(outcome)
    return pages, errors


def _parse_one(path: str) -> Parsed:
    try:
        return parse_page(path)
    except CheckerError as error:
        return error


def worker_count(files: Sequence[PageFile], workers: int | None = None) -> int:
    """How many processes parse ``files``: 1 (this one) for small inputs, else one per CPU."""
    if workers is None:
        if sum(_size(file.path) for file in files) < PARALLEL_MIN_BYTES:
            return 1
        workers = _cpus()
    import multiprocessing  # noqa: PLC0415

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return 1
    return max(1, min(workers, len(_chunks(files))))


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # the CPUs this process may use (a container's share)
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover


def _size(path: str) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0  # reading it says what is wrong


def _chunks(files: Sequence[PageFile]) -> list[list[str]]:
    chunks: list[list[str]] = []
    size = CHUNK_BYTES
    for file in files:
        if size >= CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(file.path)
        size += _size(file.path)
    return chunks


class ParsedPages:
    """The pages of ``files`` parsed, in input order, here or in worker processes (see the module
    docstring). Iterate it, or ``async for`` over ``arrivals()`` while an event loop does other
    work (the link crawl); use it as a context manager, so that the workers stop when it is left.
    """

    def __init__(self, files: Sequence[PageFile], workers: int | None = None) -> None:
        self.files = list(files)
        self.workers = worker_count(self.files, workers)
        self._executor: ProcessPoolExecutor | None = None
        self._to_send: Iterator[list[str]] = iter(())
        self._sent: deque[tuple[list[str], Future[bytes]]] = deque()

    def __enter__(self) -> ParsedPages:
        if self.workers > 1:
            self._start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _start(self) -> None:
        import multiprocessing  # noqa: PLC0415
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("fork"),  # workers start with checker imported
            initializer=_worker_started,
            initargs=(os.getpid(),),
        )
        self._executor = executor
        self._to_send = iter(_chunks(self.files))
        for _ in range(self.workers * _IN_FLIGHT):
            self._send()

    def _send(self) -> None:
        """One more batch to the workers, if any is left."""
        paths = next(self._to_send, None)
        if paths is None or self._executor is None:
            return
        from concurrent.futures import Future  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            batch = self._executor.submit(_parse_batch, paths)
        except BrokenProcessPool:  # a worker died: said with the batch it was parsing, or with these
            batch = Future()
            batch.set_exception(BrokenProcessPool())
        self._sent.append((paths, batch))

    def _batches(self) -> Iterator[tuple[list[str], Future[bytes]]]:
        """The batches in input order; as each is taken, the next is sent (few pages wait here,
        however fast the workers are and however slowly they are taken)."""
        while self._sent:
            batch = self._sent.popleft()
            self._send()
            yield batch

    def __iter__(self) -> Iterator[Parsed]:
        if self._executor is None:
            for file in self.files:
                yield _parse_one(file.path)
            return
        for paths, batch in self._batches():
            yield from self._received(paths, batch)

    async def arrivals(self) -> AsyncIterator[Parsed]:
        """The pages as they are parsed, in input order, giving the event loop its turn in between."""
        import asyncio  # noqa: PLC0415
        import contextlib  # noqa: PLC0415
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        if self._executor is None:
            for file in self.files:
                yield _parse_one(file.path)
                await asyncio.sleep(0)
            return
        for paths, batch in self._batches():
            with contextlib.suppress(BrokenProcessPool):  # said by _received, with the pages
                await asyncio.wrap_future(batch)
            for outcome in self._received(paths, batch):
                yield outcome
            await asyncio.sleep(0)

    def _received(self, paths: list[str], batch: Future[bytes]) -> list[Parsed]:
        from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

        try:
            data = batch.result()
        except BrokenProcessPool:
            shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            raise ParseWorkerCrashed(
                f"a worker process parsing pages stopped unexpectedly (killed, or out of memory?) with "
                f"{shown} still to parse, so the run was stopped; run again with --jobs 1 to parse "
                "every page in one process"
            ) from None
        return [_error_back(outcome) for outcome in _unpickled(data)]

    def close(self) -> None:
        """Stop the workers: at once when pages are still being parsed (Ctrl-C, an error)."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if not self._sent and next(self._to_send, None) is None:  # every page was taken
            executor.shutdown(wait=True)
            return
        # shutdown() does not stop a worker busy with a page, so they are stopped first (the
        # executor keeps its processes to itself); then shutdown() waits for its own thread, which
        # sees them gone and closes its pipes (left to the interpreter's exit, that races with it)
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)


def _unpickled(data: bytes) -> list[Parsed | _ErrorCopy]:
    """A batch of pages, with the cycle collector paused: unpickling makes thousands of objects
    and no cycle, and each collection it would set off scans every page received before
    (a third of this process's time on 1,000 pages)."""
    import pickle  # noqa: PLC0415

    paused = gc.isenabled()
    gc.disable()
    try:
        loaded: list[Parsed | _ErrorCopy] = pickle.loads(data)
    finally:
        if paused:
            gc.enable()
    return loaded


# --- in the worker processes ------------------------------------------------------------------


def _worker_started(parent: int) -> None:
    """A worker leaves Ctrl-C and SIGTERM to its parent, which stops it, and ends if the parent ends."""
    import signal  # noqa: PLC0415
    import threading  # noqa: PLC0415

    gc.freeze()  # what it was forked with stays shared: never scanned, never copied by the collector
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal sends Ctrl-C to every process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # what close() sends
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time  # noqa: PLC0415

    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK)
    os._exit(1)  # the run is gone (a second Ctrl-C exits it at once): nobody wants these pages


def _parse_batch(paths: Sequence[str]) -> bytes:
    """Parse pages; their models (and errors) pickled compactly for the trip back."""
    import io  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump([_error_out(_parse_one(path)) for path in paths])
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class _ErrorCopy:
    """A ``CheckerError`` on its way back: its class, ``args`` and attributes (``CheckerError``'s
    constructor does not take its own ``args``, so pickle cannot rebuild it)."""

    kind: type[CheckerError]
    args: tuple[Any, ...]
    attributes: dict[str, Any]


def _error_out(outcome: Parsed) -> Parsed | _ErrorCopy:
    if isinstance(outcome, CheckerError):
        return _ErrorCopy(type(outcome), outcome.args, dict(vars(outcome)))
    return outcome


def _error_back(outcome: Parsed | _ErrorCopy) -> Parsed:
    if not isinstance(outcome, _ErrorCopy):
        return outcome
    error = outcome.kind.__new__(outcome.kind)
    error.args = outcome.args
    vars(error).update(outcome.attributes)
    return error


def _by_constructor(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """Pickle a frozen dataclass as its constructor's arguments: unpickled by one call of its
    ``__init__``, three times faster than the field-by-field ``__setstate__`` of a slotted one."""
    fields = dataclasses.fields(cls)
    if (
        not fields
        or not cls.__dataclass_params__.init  # type: ignore[attr-defined]
        or hasattr(cls, "__post_init__")
        or any(not field.init or field.kw_only for field in fields)
    ):
        return None
    import operator  # noqa: PLC0415

    values = operator.attrgetter(*(field.name for field in fields))
    if len(fields) == 1:
        return lambda obj: (cls, (values(obj),))
    return lambda obj: (cls, values(obj))


@functools.cache
def _dispatch_table() -> dict[type, Callable[[Any], Any]]:
    """How a worker pickles pages: ``copyreg``'s table, and each page model class by constructor."""
    import copyreg  # noqa: PLC0415

    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for value in vars(page_model).values():
        if isinstance(value, type) and dataclasses.is_dataclass(value):
            reducer = _by_constructor(value)
            if reducer is not None:
                table[value] = reducer
    return table
