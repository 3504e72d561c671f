"""The ``claude-migrate`` command line: a thin layer over :mod:`claude_migrate.run.api`.

``commands`` declares the typer app; ``execute`` runs ``check`` and ``fix`` once their options are known.
:func:`main` sends the pre-commit hook's plain ``check FILE...`` (and ``fix FILE...``), which has no options
to parse, straight to ``execute``: typer's import and parameter set-up cost about 0.3 s, most of such a run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def main() -> None:
    args = sys.argv[1:]
    if args[:1] in (["check"], ["fix"]) and not any(arg.startswith("-") for arg in args[1:]):
        from claude_migrate.cli.execute import Output, execute, request_for

        execute(request_for(args[0], [Path(arg) for arg in args[1:]] or None, None, None), Output())
    from claude_migrate.cli.commands import run_app

    run_app(args)


def __getattr__(name: str) -> Any:
    """``app``, the typer application (for typer's test runner), imported only when asked for."""
    if name == "app":
        from claude_migrate.cli.commands import app

        return app
    raise AttributeError(name)
