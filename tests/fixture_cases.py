"""Discover fixture pairs: ``NAME.in.EXT`` with ``NAME.out.EXT`` (Python, notebooks, config files) and the
findings ``check`` gives on the input, ``NAME.findings`` (one ``line:col CODE safety`` a line). A first-line
``# args:`` comment sets options (``$FIXTURES`` names the fixtures folder). An ``ok_*`` fixture has no findings and no ``.out`` copy: fixing leaves it as
it is."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from conftest import FIXTURES

ARGS_MARK = "# args:"


@dataclass(frozen=True)
class FixtureCase:
    source: Path

    @property
    def id(self) -> str:
        return self.source.relative_to(FIXTURES).as_posix().replace(".in.", ".").removesuffix(".py")

    @property
    def negative(self) -> bool:
        """An ``ok_*`` case: code the rules must leave alone."""
        return self.source.name.startswith("ok_")

    @property
    def expected(self) -> Path:
        """What fixing gives: the ``.out`` file, or the input itself for an ``ok_*`` case."""
        return self.source if self.negative else self.source.with_name(self.source.name.replace(".in.", ".out."))

    @property
    def findings(self) -> Path:
        return self.source.with_name(self.source.name.split(".in.")[0] + ".findings")

    @property
    def work_name(self) -> str:
        """The name the fixture is copied to: ``NAME.EXT``, so the suffix still says the file type."""
        return self.source.name.replace(".in.", ".")

    @property
    def args(self) -> list[str]:
        first = self.source.read_text(encoding="utf-8").splitlines()[0]
        if not first.startswith(ARGS_MARK):
            return []
        return [arg.replace("$FIXTURES", str(FIXTURES)) for arg in shlex.split(first[len(ARGS_MARK):])]


def fixture_cases() -> list[FixtureCase]:
    return [FixtureCase(source) for source in sorted(FIXTURES.rglob("*.in.*"))]
