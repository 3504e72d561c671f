"""Suppression comments through the real CLI: what they cover, unused ones, and `check --add-ignore`."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import AS_OF, run_cli

from claude_migrate.engine.suppressions import scan

COVERAGE = '''import anthropic

client = anthropic.Anthropic()
A = "claude-3-opus-20240229"  # claude-migrate: ignore[CM101]
# claude-migrate: ignore[CM101]
message = client.messages.create(
    model="claude-3-opus-20240229",
    max_tokens=1,
)
# claude-migrate: ignore[CM101]

B = "claude-3-opus-20240229"
C = "claude-3-opus-20240229"
D = [
    "claude-3-opus-20240229",  # claude-migrate: ignore
    "claude-3-opus-20240229",
]
'''


def test_what_a_directive_covers() -> None:
    covered = {(s.line, s.first, s.last) for s in scan(COVERAGE).suppressions}
    assert covered == {(4, 4, 4), (5, 6, 9), (10, 12, 12), (15, 15, 15)}


def test_only_uncovered_findings_remain(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(COVERAGE)
    result = run_cli("check", "--output-format", "concise", "--as-of", AS_OF, path)
    assert result.returncode == 1
    assert [line.split(": CM")[0] for line in result.stdout.splitlines()[:-1]] == [f"{path}:13:5", f"{path}:16:5"]


def test_codes_of_rules_that_did_not_run_are_not_unused(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text('A = "claude-sonnet-4-6"  # claude-migrate: ignore[CM104]\n')
    assert run_cli("check", "--ignore", "CM104", path).returncode == 0
    reported = run_cli("check", "--output-format", "concise", path)
    assert reported.returncode == 1
    assert "CM901 [*] `# claude-migrate: ignore[CM104]` is unused: no CM104 finding here to silence" in reported.stdout


def test_add_ignore_keeps_encoding_and_newlines_and_a_second_run_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "legacy.py"
    path.write_bytes(b'# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\nA = "claude-3-opus-20240229"  # old\r\n'
                     b'B = dict(\r\n    model="claude-3-haiku-20240307",\r\n    other="claude-2.1")\r\n'
                     b'C = "claude-3-5-sonnet-20241022"')
    first = run_cli("check", "--add-ignore", "--as-of", AS_OF, path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.strip() == "Added suppression comments for 4 findings in 1 file; 0 remaining."
    expected = (b'# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\n'
                b'A = "claude-3-opus-20240229"  # old  # claude-migrate: ignore[CM101]\r\n'
                b'# claude-migrate: ignore[CM101]\r\nB = dict(\r\n    model="claude-3-haiku-20240307",\r\n'
                b'    other="claude-2.1")\r\nC = "claude-3-5-sonnet-20241022"  # claude-migrate: ignore[CM101]')
    assert path.read_bytes() == expected
    ast.parse(expected.decode("latin-1"))
    second = run_cli("check", "--add-ignore", "--as-of", AS_OF, path)
    assert second.returncode == 0
    assert second.stdout.strip() == "Added suppression comments for 0 findings in 0 files; 0 remaining."
    assert path.read_bytes() == expected
    assert run_cli("check", "--as-of", AS_OF, path).returncode == 0
