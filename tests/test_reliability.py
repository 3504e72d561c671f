"""What a fix run writes, and what it refuses to write (issue 18): every written file is checked first, no run
touches another run's files, and whatever a run skips or refuses is named and makes the exit code 1."""

from __future__ import annotations

import json
import os
from pathlib import Path

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
