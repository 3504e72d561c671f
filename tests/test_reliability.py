"""What a fix run writes, and what it refuses to write (issue 18): every written file is checked first, no run
touches another run's files, and whatever a run skips or refuses is named and makes the exit code 1."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from claude_migrate.engine.config_files import _parses
from conftest import AS_OF, invoke, run_cli

from claude_migrate.run.cache import CACHE_DIR

OLD = 'M = "claude-3-opus-20240229"\n'
NEW = 'M = "claude-opus-4-6"\n'


def test_a_corrupted_cached_fix_is_never_written(tmp_path: Path) -> None:
    """A cache entry whose fixed text was damaged (a disk error, an edit by hand) is a miss: the file is
    analysed again and gets the right fix, never the damaged text with exit 0."""
    (tmp_path / "app.py").write_text(OLD)
    assert invoke("fix", "--diff", "--as-of", AS_OF, "app.py", cwd=tmp_path).returncode == 1  # fills the cache
    damaged = 0
    for entry in (tmp_path / CACHE_DIR).rglob("*.json"):
        data = entry.read_bytes()
        if b'"claude-opus-4-6' in data:
            entry.write_bytes(data.replace(b'M = \\"claude-opus-4-6\\"', b'M = \\"claude-opus-4-6'))
            damaged += 1
    assert damaged
    fixed = invoke("fix", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "app.py").read_text() == NEW


COLLIDING = {  # after the fix, two keys (or INI sections) are the same: each loader alone would accept it
    "prices.json": '{"claude-3-opus-20240229": 15, "claude-opus-4-6": 5}\n',
    "prices.yaml": "claude-3-opus-20240229: 15\nclaude-opus-4-6: 5\n",
    "prices.toml": '"claude-3-opus-20240229" = 15\n"claude-opus-4-6" = 5\n',
    "prices.ini": "[claude-3-opus-20240229]\nprice = 15\n\n[claude-opus-4-6]\nprice = 5\n",
}


def test_a_fix_that_would_make_two_keys_equal_is_never_written(tmp_path: Path) -> None:
    """Two model IDs as keys make the file a catalogue (never rewritten); and whatever made a fixed file's keys
    collide, the check before writing refuses it, as each loader alone would accept it."""
    for name, text in COLLIDING.items():
        (tmp_path / name).write_text(text)
    result = invoke("fix", "--unsafe-fixes", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert result.returncode == 1
    for name, text in COLLIDING.items():
        assert (tmp_path / name).read_text() == text, name
        collided = text.replace("claude-3-opus-20240229", "claude-opus-4-6")
        assert _parses(name.rpartition(".")[2], text) and not _parses(name.rpartition(".")[2], collided), name


def test_an_unwritable_output_file_stops_the_run_before_any_fix(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(OLD)
    result = invoke("fix", "--as-of", AS_OF, "--output-file", tmp_path / "missing" / "report.json", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"claude-migrate: error: --output-file {tmp_path / 'missing' / 'report.json'}: " \
                            f"no folder {tmp_path / 'missing'}\n"
    assert (tmp_path / "app.py").read_text() == OLD


def test_jobs_are_capped_at_the_cpu_count(tmp_path: Path) -> None:
    for index in range(120):
        (tmp_path / f"m{index}.py").write_text(OLD)
    result = invoke("check", "--no-cache", "--as-of", AS_OF, "--jobs", "64", ".", cwd=tmp_path)
    assert f"parsed by {os.cpu_count()} processes" in result.stderr + result.stdout


def test_a_fifo_named_like_a_rule_file_is_refused_not_read(tmp_path: Path) -> None:
    """Reading it blocked the run forever."""
    (tmp_path / "rules").mkdir()
    os.mkfifo(tmp_path / "rules" / "ours.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nextra-rule-dirs = ["rules"]\n')
    (tmp_path / "app.py").write_text(OLD)
    result = run_cli("check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (f"claude-migrate: error: {tmp_path / 'rules' / 'ours.yaml'}: not a regular file "
                             "(a FIFO, socket, device or folder); refused\n")


@contextlib.contextmanager
def folders_refused_to_root() -> Iterator[None]:
    """Root reads any folder through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH; this thread drops both from its
    effective set (they stay permitted, so they come back after), which makes chmod 000 refuse a listing to root
    too. Elsewhere than Linux, or without the right to do so, the test is skipped."""
    if os.geteuid() != 0:
        yield
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this thread
    saved = (ctypes.c_uint32 * 6)()  # (effective, permitted, inheritable) for capabilities 0-31, then 32-63
    if not hasattr(libc, "capget") or libc.capget(header, saved) != 0:
        pytest.skip("cannot read this thread's capabilities, so root cannot be refused a folder")
    dropped = (ctypes.c_uint32 * 6)(*saved)
    dropped[0] &= ~((1 << 1) | (1 << 2))  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    if libc.capset(header, dropped) != 0:
        pytest.skip("cannot drop this thread's capabilities, so root cannot be refused a folder")
    try:
        yield
    finally:
        assert libc.capset(header, saved) == 0


def test_a_folder_that_cannot_be_listed_is_named_and_makes_the_exit_code_1(tmp_path: Path) -> None:
    """It was skipped without a word and the run said all was well."""
    (tmp_path / "app.py").write_text(OLD)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "inside.py").write_text(OLD)
    locked.chmod(0)
    try:
        with folders_refused_to_root():
            result = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("warning: target")]
    assert errors == ["locked: error: cannot list this folder (Permission denied); its files were skipped"]
    assert "1 file could not be processed." in result.stdout
    assert (tmp_path / "app.py").read_text() == NEW
    assert (locked / "inside.py").read_text() == OLD
