"""Checks of rule parameters against the bundled data (surfaces, tool types), so a typo in a rule file is an
error naming file, line and key instead of a rule that silently never fires."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from claude_migrate.data.errors import DataError
from claude_migrate.data.yamlio import YamlMap


def check_known(params: YamlMap | None, path: Path, key: str, names: Iterable[str], known: Iterable[str],
                what: str) -> None:
    """Raise a DataError at ``params[key]`` for the first of ``names`` that is not one of ``known``."""
    allowed = set(known)
    for name in names:
        if name not in allowed:
            line = params.line_of(key) if params is not None else None
            raise DataError(path, line, key, f"unknown {what} '{name}' (known: {', '.join(sorted(allowed))})")
