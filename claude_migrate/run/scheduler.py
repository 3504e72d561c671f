"""Spread a run's files over processes: prefilter and cache look-ups here, analysis in a worker pool.

Reading a file and searching its bytes for the trigger tokens costs microseconds; parsing it costs
milliseconds. So this process reads every file (or, with the stat index, skips the unchanged ones)
and answers what it can from the cache. As soon as the files that need analysis outgrow one chunk
the worker processes start, and import libcst and build their analyzer while the scan goes on; work
that fits in one chunk would keep one worker busy and the others idle, so this process does it
itself, without the pool's start-up. From then on each chunk goes to the workers as soon as the scan
has filled it, so they parse while this process scans; what is left when the scan ends is sent
largest file first, in chunks of similar weight, so that one big file does not finish alone at the
end. Results come back in completion order; the caller sorts them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claude_migrate.run.cache import ResultCache, StatIndex, digest
from claude_migrate.run.processing import FileProcessor, Outcome, RunPlan, decode_as
from claude_migrate.run.progress import Progress
from claude_migrate.run.results import FileResult, Mode, RunStats
from claude_migrate.engine.source import ReadError, read_raw, read_with_stat

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

CHUNK_FILES = 8  # at most this many files per task sent to a worker ...
CHUNK_BYTES = 64 * 1024  # ... or this much source, so that tasks weigh about the same and messages stay few

_worker: FileProcessor | None = None


def _die_with(parent: int) -> None:
    """End this worker when the main process dies, even by SIGKILL: else it goes on writing fixes to a tree
    whose run was stopped, then waits forever for a parent that is gone. Linux tells the kernel to kill it
    (prctl PR_SET_PDEATHSIG); elsewhere a thread watches for the parent to change."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        watched = libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):  # no C library to load, or no prctl in it
        watched = False
    if os.getppid() != parent:  # it died before the call above
        os._exit(1)
    if not watched:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(1)

        threading.Thread(target=watch, name="claude-migrate-parent-watch", daemon=True).start()


def _start_worker(plan: RunPlan, cache: ResultCache | None, parent: int) -> None:
    global _worker
    _die_with(parent)
    _worker = FileProcessor(plan, cache)
    _worker.analyzer  # noqa: B018 - import libcst now, while the main process is still scanning


def _chunks(pending: list[tuple[str, str, int]]) -> list[list[tuple[str, str]]]:
    """(path, type, size) items, largest first, in chunks of at most CHUNK_FILES files or CHUNK_BYTES bytes."""
    chunks: list[list[tuple[str, str]]] = []
    weight = CHUNK_BYTES
    for path, file_type, size in sorted(pending, key=lambda item: -item[2]):
        if weight + size > CHUNK_BYTES or len(chunks[-1]) == CHUNK_FILES:
            chunks.append([])
            weight = 0
        chunks[-1].append((path, file_type))
        weight += size
    return chunks


def _work(chunk: list[tuple[str, str]]) -> list[tuple[FileResult, bool]]:
    assert _worker is not None
    return [_worker.process(path, file_type) for path, file_type in chunk]


@dataclass
class Scheduler:
    plan: RunPlan
    cache: ResultCache | None
    index: StatIndex | None
    jobs: int
    progress: Progress
    stats: RunStats = field(default_factory=RunStats)
    results: list[FileResult] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.processor = FileProcessor(self.plan, self.cache)
        self.pending: list[tuple[str, str, int]] = []  # (path, file type, size) of the files to analyse
        self.pool: ProcessPoolExecutor | None = None
        self.chunks: dict[Future[list[tuple[FileResult, bool]]], list[tuple[str, str]]] = {}
        self.to_parse = 0  # candidates the cache could not answer
        self.analysed = 0  # of those, the ones done

    def run(self, files: list[tuple[str, str, str]]) -> list[FileResult]:
        try:
            for shown, absolute, file_type in files:
                self.stats.scanned += 1
                self._scan(shown, absolute, file_type)
                if self.jobs > 1 and self._beyond_one_chunk():
                    self._send()
                self.progress.update(self.stats.scanned, len(files), self.analysed, self.to_parse + len(self.pending))
            if self.pool is None:  # no more than one chunk to analyse, or --jobs 1
                self.to_parse += len(self.pending)
                for path, file_type, _ in self.pending:
                    self._done([self.processor.process(path, file_type)], len(files))
            else:
                self._send()
                self._collect(len(files))
            self.stats.processes = min(self.jobs, len(self.chunks)) if self.pool else int(bool(self.analysed))
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)
            self.progress.close()
        return self.results

    def _beyond_one_chunk(self) -> bool:
        return len(self.pending) > CHUNK_FILES or sum(size for _, _, size in self.pending) > CHUNK_BYTES

    def _send(self) -> None:
        """Hand the files queued so far to the workers, starting them on the first call."""
        if self.pool is None:
            # Imported here: multiprocessing costs start-up time that small runs (pre-commit) never need.
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=_start_worker,
                                            initargs=(self.plan, self.cache, os.getpid()))
        self.to_parse += len(self.pending)
        for chunk in _chunks(self.pending):
            self.chunks[self.pool.submit(_work, chunk)] = chunk
        self.pending = []

    def _collect(self, files: int) -> None:
        """The results of the chunks sent to workers, as they finish."""
        from concurrent.futures import as_completed

        for future in as_completed(self.chunks):
            self._done(self._chunk_results(future), files)

    def _chunk_results(self, future: Future[list[tuple[FileResult, bool]]]) -> list[tuple[FileResult, bool]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            return [(FileResult(path, error="the worker process analysing this file died; please report it"), False)
                    for path, _ in self.chunks[future]]

    def _done(self, results: list[tuple[FileResult, bool]], files: int) -> None:
        self.analysed += len(results)
        self.stats.parsed += sum(parsed for _, parsed in results)
        self.results.extend(result for result, _ in results)
        self.progress.update(self.stats.scanned, files, self.analysed, self.to_parse)

    def _from_cache(self, path: str, outcome: Outcome, file_type: str, raw: bytes | None) -> None:
        self.stats.cached += 1
        if outcome.text is None:
            self.results.append(self.processor.finish(path, None, outcome.at(path)))
            return
        try:
            source = decode_as(file_type, path, raw if raw is not None else read_raw(path))
        except ReadError as exc:
            self.results.append(FileResult(path, error=str(exc)))
            return
        self.results.append(self.processor.finish(path, source, outcome.at(path)))

    def _known(self, index: StatIndex, path: str, absolute: str) -> str | None:
        """From the stat index: the content hash of an unchanged file, "" if it holds no trigger token."""
        if absolute not in index.entries:
            return None
        try:
            return index.lookup(absolute, os.stat(path))
        except OSError:
            return None

    def _scan(self, path: str, absolute: str, file_type: str) -> None:
        """Prefilter one file and answer it from the cache, or queue it for analysis."""
        known = self._known(self.index, path, absolute) if self.index is not None else None
        if known == "":
            self.stats.unread += 1
            return  # unchanged since a run that found no trigger token in it
        if known and self.cache is not None and (outcome := self.cache.get(known)) is not None:
            if outcome.text is None or self.plan.mode is Mode.CHECK:
                self.stats.unread += 1
                self.stats.candidates += 1
                self._from_cache(path, outcome, file_type, None)
                return
        try:
            raw, stat = read_with_stat(path)
        except ReadError as exc:
            self.results.append(FileResult(path, error=str(exc)))
            return
        if not self.plan.prefilter(file_type).matches(raw):
            if self.index is not None:
                self.index.record(absolute, stat, "")
            return
        self.stats.candidates += 1
        content = digest(file_type, raw)
        if self.index is not None:
            self.index.record(absolute, stat, content)
        outcome = self.cache.get(content) if self.cache is not None else None
        if outcome is not None:
            self._from_cache(path, outcome, file_type, raw)
        elif self.processor.needs_parse(path, file_type, raw):
            self.pending.append((path, file_type, len(raw)))
        else:  # answered here, without a parse, a worker, or libcst
            self.to_parse += 1
            self._done([self.processor.process(path, file_type, raw)], self.stats.scanned)
