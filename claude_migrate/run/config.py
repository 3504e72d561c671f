"""Settings from ``[tool.claude-migrate]`` in pyproject.toml (with per-path overrides), overridden by command-line options."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_migrate.data.errors import DataError, UsageError
from claude_migrate.data.sdk_versions import SdkRequirement, specifier_set
from claude_migrate.run.discovery import pattern_spec
from claude_migrate.run.filetypes import FILE_TYPES

if TYPE_CHECKING:
    import pathspec  # built by discovery.pattern_spec only when a setting holds patterns

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "tool.claude-migrate"
OVERRIDES = f"{SECTION}.overrides"
KEYS = ("target", "select", "ignore", "exclude", "bedrock-region", "bedrock-profile-prefix", "extra-rule-dirs",
        "overrides", "file-types", "fail-within", "sdk-version")
OVERRIDE_KEYS = ("paths", "target", "select", "ignore")
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Override:
    """One ``[[tool.claude-migrate.overrides]]`` table: settings for files matching its gitignore-style globs."""

    paths: tuple[str, ...]
    values: dict[str, Any]
    base: Path  # the globs are relative to the configuration file's folder
    origin: str  # file:line of the table
    spec: pathspec.PathSpec = field(compare=False)

    def matches(self, path: Path) -> bool:
        relative = os.path.relpath(os.path.abspath(path), self.base)
        return not relative.startswith("..") and self.spec.match_file(Path(relative).as_posix())


@dataclass(frozen=True)
class Settings:
    target: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    bedrock_region: str | None = None
    bedrock_profile_prefix: str | None = None
    extra_rule_dirs: tuple[Path, ...] = ()
    file_types: tuple[str, ...] = FILE_TYPES
    fail_within: int | None = None  # days: report IDs (and target models) that may retire this soon
    sdk_version: str | None = None  # the anthropic version (or range) for code whose dependency files say none
    sdk: SdkRequirement | None = None  # for one file: found by run/dependencies.py, else from sdk_version
    config_path: Path | None = None
    origins: dict[str, str] = field(default_factory=dict, compare=False)
    overrides: tuple[Override, ...] = field(default=(), compare=False)

    def override(self, **values: Any) -> Settings:
        """Command-line values win over the file; None and empty tuples mean "not given"."""
        given = {k: v for k, v in values.items() if v not in (None, ())}
        origins = {**self.origins, **{k: COMMAND_LINE for k in given}}
        return replace(self, origins=origins, **given)

    def apply(self, override: Override) -> Settings:
        """An override's values replace the file's, never the command line's."""
        values = {k: v for k, v in override.values.items() if self.origins.get(k) != COMMAND_LINE}
        return replace(self, origins={**self.origins, **{k: override.origin for k in values}}, **values)

    def for_path(self, path: Path) -> Settings:
        """The settings for one file: every matching override applied in order."""
        result = self
        for override in self.overrides:
            if override.matches(path):
                result = result.apply(override)
        return result


def _key_line(text: str, key: str, table: str = SECTION, index: int = 0) -> int | None:
    """The line of ``key`` in the ``index``-th ``[table]`` (or ``[[table]]``); the table's line if not found there."""
    headers = list(re.finditer(r"^[ \t]*\[\[?[ \t]*([^\]]+?)[ \t]*\]\]?", text, re.M))
    tables = [h for h in headers if h.group(1) == table]
    if index >= len(tables):
        return None
    header = tables[index]
    end = next((h.start() for h in headers if h.start() > header.start()), len(text))
    match = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.M).search(text, header.end(), end) if key else None
    return text.count("\n", 0, (match or header).start()) + 1


def _strings(path: Path, line: int | None, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataError(path, line, key, "expected a list of strings")
    return tuple(value)


def _string(path: Path, line: int | None, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise DataError(path, line, key, "expected a string")
    return value


def _check_keys(path: Path, table: dict[str, Any], known: tuple[str, ...], where: str,
                line: Callable[[str], int | None]) -> None:
    for key in table:
        if key not in known:
            raise DataError(path, line(key), key, f"unknown key in {where} (known: {', '.join(known)})")


def _override_line(text: str, index: int, key: str) -> int | None:
    return _key_line(text, key, OVERRIDES, index) or _key_line(text, "overrides")


def _overrides(path: Path, text: str, raw: Any) -> tuple[Override, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise DataError(path, _key_line(text, "overrides"), "overrides",
                        f"expected [[{OVERRIDES}]] tables")
    result = []
    for index, table in enumerate(raw):
        line = partial(_override_line, text, index)
        _check_keys(path, table, OVERRIDE_KEYS, f"[[{OVERRIDES}]]", line)
        if "paths" not in table:
            raise DataError(path, line(""), "paths", "each override needs paths = [\"glob\", ...]")
        paths = _strings(path, line("paths"), "paths", table["paths"])
        values: dict[str, Any] = {key: _strings(path, line(key), key, table[key])
                                  for key in ("select", "ignore") if key in table}
        if "target" in table:
            values["target"] = _string(path, line("target"), "target", table["target"])
        spec = pattern_spec(paths, path, "paths", lambda _: line("paths"))
        result.append(Override(paths, values, path.parent.resolve(), f"{path}:{line('')}", spec))
    return tuple(result)


def load_settings(path: Path) -> Settings:
    """Read one pyproject.toml; a file without the section gives the defaults."""
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, None, None, f"invalid TOML: {exc}") from None
    except RecursionError:
        raise DataError(path, None, None, "invalid TOML: nested too deeply to read") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        where = re.search(r"^[ \t]*\"?tool\"?[ \t]*=", text, re.M)
        raise DataError(path, text.count("\n", 0, where.start()) + 1 if where else None, "tool",
                        "expected a table ([tool.claude-migrate])")
    section = tool.get("claude-migrate")
    if section is None:
        return Settings(config_path=path)
    if not isinstance(section, dict):
        raise DataError(path, _key_line(text, ""), SECTION, "expected a table")

    def line(key: str) -> int | None:
        return _key_line(text, key)

    _check_keys(path, section, KEYS, f"[{SECTION}]", line)
    values: dict[str, Any] = {}
    for key in ("select", "ignore", "exclude"):
        if key in section:
            values[key] = _strings(path, line(key), key, section[key])
    if "exclude" in values:
        pattern_spec(values["exclude"], path, "exclude", lambda _: line("exclude"))
    for key in ("target", "bedrock-region", "bedrock-profile-prefix", "sdk-version"):
        if key in section:
            values[key.replace("-", "_")] = _string(path, line(key), key, section[key])
    if "extra-rule-dirs" in section:
        folders = _strings(path, line("extra-rule-dirs"), "extra-rule-dirs", section["extra-rule-dirs"])
        for folder in folders:
            if not (path.parent / folder).is_dir():  # a typo here used to drop the project's rules without a word
                raise DataError(path, line("extra-rule-dirs"), "extra-rule-dirs", f"'{folder}' is not a folder")
        values["extra_rule_dirs"] = tuple(path.parent / folder for folder in folders)
    if "file-types" in section:
        values["file_types"] = _strings(path, line("file-types"), "file-types", section["file-types"])
        unknown = [kind for kind in values["file_types"] if kind not in FILE_TYPES]
        if unknown:
            raise DataError(path, line("file-types"), "file-types",
                            f"'{unknown[0]}' is not one of: {', '.join(FILE_TYPES)}")
    if "fail-within" in section:
        days = section["fail-within"]
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise DataError(path, line("fail-within"), "fail-within", "expected a whole number of days (0 or more)")
        values["fail_within"] = days
    if "sdk_version" in values and specifier_set(values["sdk_version"]) is None:
        raise DataError(path, line("sdk-version"), "sdk-version", "expected a version such as 1.2.0 or a range such as >=0.40,<1")
    origins = {k: f"{path}:{line(k.replace('_', '-'))}" for k in values}
    return Settings(config_path=path, origins=origins, overrides=_overrides(path, text, section.get("overrides", [])),
                    **values)


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.claude-migrate] table."""
    directory = start if start.is_dir() else start.parent
    for folder in [directory.resolve(), *directory.resolve().parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if "[tool.claude-migrate" in candidate.read_text(encoding="utf-8", errors="replace"):
                    return candidate
            except OSError:
                continue
    return None


def settings_for(config: Path | None, start: Path) -> Settings:
    """Settings from ``config`` (--config), else from the nearest pyproject.toml at or above ``start`` with our
    table, else the defaults."""
    if config is not None and not os.path.isfile(config):  # os.path: False, not an error, for a name too long
        raise UsageError(f"--config {config}: no such file")
    config_path = config or find_config(start)
    return load_settings(config_path) if config_path else Settings()
