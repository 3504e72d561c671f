"""Shared test helpers: run the real CLI, run fixtures through the real engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
AS_OF = "2026-11-23"


def run_cli(*args: str | Path, cwd: Path | None = None, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, in this process (fast); in a real process when ``env`` or ``input`` matter."""
    if env is None and input is None:
        return invoke(*args, cwd=cwd)
    return run_process(*args, cwd=cwd, input=input, env=env)


def run_process(*args: str | Path, cwd: Path | None = None, input: str | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m claude_migrate`` in a subprocess, as a user's shell would (in ``env``, default: ours): for
    what only a real process shows (start-up, exit codes through the entry point, help texts, signals)."""
    env = {**(os.environ if env is None else env), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "claude_migrate", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, input=input, timeout=120)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    return run_cli


def invoke(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in this process (typer's runner), in ``cwd``: as ``run_cli`` but without a new interpreter."""
    from typer.testing import CliRunner

    from claude_migrate.cli import app

    previous = Path.cwd()
    os.chdir(cwd or previous)
    try:
        result = CliRunner().invoke(app, [str(arg) for arg in args], env={"NO_COLOR": "1", "COLUMNS": "200"})
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(map(str, args)), result.exit_code, result.stdout, result.stderr)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-fixtures", action="store_true",
                     help="rewrite each fixture's .findings file from what check reports now")
