"""Output formats: one module per format, each registered by name; ``--output-format`` is checked against them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claude_migrate.api import Mode, RunResult
from claude_migrate.errors import UsageError

Renderer = Callable[[RunResult, Mode], str]


@dataclass(frozen=True)
class OutputFormat:
    """How to render a run; ``machine`` formats keep standard output for data, so the summary goes to stderr."""

    name: str
    render: Renderer
    machine: bool


FORMATS: dict[str, OutputFormat] = {}


def register(name: str, *, machine: bool) -> Callable[[Renderer], Renderer]:
    def decorate(render: Renderer) -> Renderer:
        FORMATS[name] = OutputFormat(name, render, machine)
        return render

    return decorate


def load_builtin_formats() -> None:
    """Import the modules that register the built-in formats."""
    from claude_migrate.formats import github, json_formats, markdown, sarif, text  # noqa: F401


def get_format(name: str) -> OutputFormat:
    load_builtin_formats()
    if name not in FORMATS:
        raise UsageError(f"--output-format {name}: unknown format (known: {', '.join(sorted(FORMATS))})")
    return FORMATS[name]
