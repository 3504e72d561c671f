"""A one-line progress bar on stderr for long runs on a terminal; nothing at all elsewhere or in CI."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 0.5  # runs shorter than this never show a bar
INTERVAL = 0.1
WIDTH = 24


class Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    @classmethod
    def for_run(cls, wanted: bool, stream: TextIO | None = None) -> Progress:
        """A bar on ``stream`` (default: the current stderr) when wanted and it is a terminal outside CI,
        else a bar that draws nothing."""
        stream = stream or sys.stderr
        shown = wanted and stream.isatty() and not os.environ.get("CI")
        return cls(stream if shown else None)

    def update(self, scanned: int, files: int, analysed: int, to_analyse: int) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self.started < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        done = scanned / max(1, files) if scanned < files else analysed / max(1, to_analyse)  # scan, then analysis
        bar = "#" * int(done * WIDTH)
        stage = f"scanned {scanned}/{files} files" if scanned < files else f"analysed {analysed}/{to_analyse} files"
        self.stream.write(f"\r[{bar:<{WIDTH}}] {stage}\x1b[K")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.stream is not None and self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
