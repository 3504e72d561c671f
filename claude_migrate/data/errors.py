"""Errors that stop a run with exit code 2 and one clear line."""

from __future__ import annotations

from pathlib import Path


class UsageError(Exception):
    """Bad input from the user: a rule file, a configuration value, a command-line option."""


class DataError(UsageError):
    """A problem at a known place in a YAML or TOML file: names file, line and key."""

    def __init__(self, path: Path | str, line: int | None, key: str | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.key = key
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f" key '{self.key}':" if self.key else ""
        return f"{where}:{what} {self.message}"
