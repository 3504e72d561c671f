"""The format registry: each output format module registers its renderer here by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claude_migrate.run.api import Mode, RunResult

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
