"""Output formats and the reports built from a run's results: one module per ``--output-format`` (each
registers itself in :mod:`claude_migrate.formats.base`), the summary lines, the ``models`` table and the
``config`` report.

May import ``run`` and every layer below it (``engine``, ``kinds``, ``analysis``, ``bedrock``, ``data``); only
the CLI imports formats.
"""

from __future__ import annotations

from claude_migrate.data.errors import UsageError
from claude_migrate.formats.base import FORMATS, OutputFormat


def load_builtin_formats() -> None:
    """Import the modules that register the built-in formats."""
    from claude_migrate.formats import github, json_formats, markdown, sarif, text  # noqa: F401 - they register


def get_format(name: str) -> OutputFormat:
    load_builtin_formats()
    if name not in FORMATS:
        raise UsageError(f"--output-format {name}: unknown format (known: {', '.join(sorted(FORMATS))})")
    return FORMATS[name]
