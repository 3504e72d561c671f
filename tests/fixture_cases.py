"""Discover fixture pairs: ``NAME.in.EXT`` with ``NAME.out.EXT`` (Python, notebooks, config files); a first-line
``# args:`` comment sets options."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from conftest import FIXTURES

ARGS_MARK = "# args:"


@dataclass(frozen=True)
class FixtureCase:
    source: Path
    expected: Path

    @property
    def id(self) -> str:
        return self.source.relative_to(FIXTURES).as_posix().replace(".in.", ".").removesuffix(".py")

    @property
    def work_name(self) -> str:
        """The name the fixture is copied to: ``NAME.EXT``, so the suffix still says the file type."""
        return self.source.name.replace(".in.", ".")

    @property
    def args(self) -> list[str]:
        first = self.source.read_text(encoding="utf-8").splitlines()[0]
        return shlex.split(first[len(ARGS_MARK):]) if first.startswith(ARGS_MARK) else []


def fixture_cases() -> list[FixtureCase]:
    cases = []
    for source in sorted(FIXTURES.rglob("*.in.*")):
        expected = source.with_name(source.name.replace(".in.", ".out."))
        cases.append(FixtureCase(source, expected))
    return cases
