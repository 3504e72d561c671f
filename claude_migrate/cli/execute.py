"""What ``check`` and ``fix`` do once their options are known: build the request, run it, print, exit.

Free of typer, so that the pre-commit hook's plain ``check FILE...`` (:func:`claude_migrate.cli.main`) never
imports it: typer and click cost about 0.1 s of start-up, a third of such a run.
"""

from __future__ import annotations

import datetime
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_migrate.data.errors import UsageError

if TYPE_CHECKING:
    from claude_migrate.run import api
    from claude_migrate.run.config import Settings


def codes(values: list[str] | None) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values or [] for code in value.split(",") if code.strip())


def fail(message: str) -> None:
    print(f"claude-migrate: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def as_of_date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value}: expected a date like 2026-11-23")
    return None


def settings_at(config: Path | None, start: Path) -> Settings:
    from claude_migrate.run.config import settings_for

    return settings_for(config, start)


def check_output(path: Path) -> None:
    """Refuse an --output-file that cannot be written before any fix is: a fix run used to write its fixes,
    then exit 2 ("usage error") without the per-file results."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--output-file {path}: is a folder")
    if not folder.is_dir():
        raise UsageError(f"--output-file {path}: no folder {folder}")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--output-file {path}: not writable")


def write_output(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--output-file {path}: cannot write: {exc.strerror or exc}")


@dataclass(frozen=True)
class Output:
    """How ``check``/``fix`` show a run: the format, where it goes, and what makes the exit code 1."""

    format: str = "text"
    file: Path | None = None
    statistics: bool = False
    exit_zero: bool = False
    exit_non_zero_on_fix: bool = False


def execute(request: api.Request, output: Output) -> None:
    """Run the request through the API, print what it gives, exit by the output's policy."""
    from claude_migrate.bedrock.live import boto3_client
    from claude_migrate.formats import get_format, report
    from claude_migrate.formats import summary as runsummary
    from claude_migrate.run import api

    try:
        chosen_format = get_format(output.format)
        if output.file is not None:
            check_output(output.file)
        result = api.execute(request, boto3_client)
    except UsageError as exc:
        fail(str(exc))
        return
    mode = request.mode
    if output.statistics:
        rendered = report.render_statistics(result, as_json=chosen_format.name == "json")
    else:
        rendered = chosen_format.render(result, mode)
    summary_stream = sys.stderr if chosen_format.machine and output.file is None else sys.stdout
    if output.file is None:
        sys.stdout.write(rendered)
    else:
        write_output(output.file, rendered)
    for file in result.errors:
        print(f"{file.path}: error: {file.error}", file=sys.stderr)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for problem in result.target_errors:
        print(f"error: {problem}", file=sys.stderr)
    for line in report.summary_lines(result, mode):
        print(line, file=summary_stream)
    for line in runsummary.scale_lines(result, mode):
        print(line, file=sys.stderr)
    changed = any(f.changed for f in result.files)
    pending = bool(result.findings or result.target_errors) or (
        changed and (mode is api.Mode.DIFF or output.exit_non_zero_on_fix))
    raise SystemExit(1 if (pending or result.errors) and not output.exit_zero else 0)


def request_for(mode: str, paths: list[Path] | None, config: Path | None, as_of: str | None, **given: Any) -> api.Request:
    """The request both commands build from their shared options; ``given`` holds the rest by Settings or
    Request field name."""
    from claude_migrate.run import api

    setting_names = {"target", "select", "ignore", "bedrock_region", "bedrock_profile_prefix", "fail_within",
                     "sdk_version"}
    overrides = {name: (codes(value) if name in ("select", "ignore") else value)
                 for name, value in given.items() if name in setting_names}
    if overrides.get("sdk_version") is not None:
        from claude_migrate.data.sdk_versions import specifier_set

        if specifier_set(overrides["sdk_version"]) is None:
            fail(f"--sdk-version {overrides['sdk_version']}: expected a version such as 1.2.0 or a range such as "
                 f">=0.40,<1")
    rest = {name: value for name, value in given.items() if name not in setting_names}
    no_cache = rest.pop("no_cache", False)
    return api.Request(tuple(paths or ()), api.Mode(mode), config=config, overrides=overrides, as_of=as_of_date(as_of),
                       use_cache=not no_cache, progress=True, **rest)
