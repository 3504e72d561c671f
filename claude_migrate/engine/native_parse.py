"""Run libcst's native parser so that no input can end the whole run."""

from __future__ import annotations

import threading

import libcst as cst

# The parser recurses once per nesting level on the C stack. A 20,000-term ``and`` chain, which CPython
# parses without complaint, needs more than the main thread's 8 MB and died with a segfault; the worst
# case measured needs about 210 bytes of stack per character of source.
STACK_BYTES_PER_CHAR = 320
MIN_STACK_MIB = 64


def parse_module(text: str) -> cst.Module:
    """``libcst.parse_module`` on a thread whose stack grows with the text (only touched pages cost memory)."""
    outcome: list[cst.Module | BaseException] = []

    def work() -> None:
        try:
            outcome.append(cst.parse_module(text))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome.append(exc)

    previous = threading.stack_size(max(MIN_STACK_MIB, (STACK_BYTES_PER_CHAR * len(text) >> 20) + 1) << 20)
    try:
        worker = threading.Thread(target=work, name="claude-migrate-parse", daemon=True)
        worker.start()
    except RuntimeError:  # no memory for such a stack: parse here, as before
        work()
    else:
        worker.join()
    finally:
        threading.stack_size(previous)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
