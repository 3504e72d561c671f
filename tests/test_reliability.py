"""What a fix run writes, and what it refuses to write (issue 18): every written file is checked first, no run
touches another run's files, and whatever a run skips or refuses is named and makes the exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, invoke

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


def test_a_fix_that_makes_two_keys_equal_is_refused(tmp_path: Path) -> None:
    for name, text in COLLIDING.items():
        (tmp_path / name).write_text(text)
    result = invoke("fix", "--unsafe-fixes", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert result.returncode == 1
    for name, text in COLLIDING.items():
        assert (tmp_path / name).read_text() == text, name
        assert f"{name}: error: a fix produced a file that does not parse as " in result.stderr, name
