"""Settings from ``[tool.claude-migrate]`` in pyproject.toml, overridden by command-line options."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from claude_migrate.catalogue import PROFILE_PREFIXES
from claude_migrate.errors import DataError
from claude_migrate.filetypes import FILE_TYPES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SECTION = "tool.claude-migrate"
KEYS = ("target", "select", "ignore", "exclude", "bedrock-region", "bedrock-profile-prefix", "extra-rule-dirs",
        "file-types")


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
    config_path: Path | None = None
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    def override(self, **values: Any) -> Settings:
        """Command-line values win over the file; None and empty tuples mean "not given"."""
        given = {k: v for k, v in values.items() if v not in (None, ())}
        origins = {**self.origins, **{k: "command line" for k in given}}
        return replace(self, origins=origins, **given)


def _key_line(text: str, key: str) -> int | None:
    section = re.search(r"^\[tool\.claude-migrate\]", text, re.M)
    if section is None:
        return None
    match = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.M).search(text, section.end())
    return text.count("\n", 0, match.start()) + 1 if match else text.count("\n", 0, section.start()) + 1


def _strings(path: Path, text: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DataError(path, _key_line(text, key), key, "expected a list of strings")
    return tuple(value)


def _string(path: Path, text: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise DataError(path, _key_line(text, key), key, "expected a string")
    return value


def load_settings(path: Path) -> Settings:
    """Read one pyproject.toml; a file without the section gives the defaults."""
    try:
        text = path.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except OSError as exc:
        raise DataError(path, None, None, f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(path, None, None, f"invalid TOML: {exc}") from None
    section = document.get("tool", {}).get("claude-migrate")
    if section is None:
        return Settings(config_path=path)
    if not isinstance(section, dict):
        raise DataError(path, _key_line(text, ""), SECTION, "expected a table")
    for key in section:
        if key not in KEYS:
            raise DataError(path, _key_line(text, key), key, f"unknown key in [{SECTION}] (known: {', '.join(KEYS)})")
    values: dict[str, Any] = {}
    for key in ("select", "ignore", "exclude"):
        if key in section:
            values[key] = _strings(path, text, key, section[key])
    for key in ("target", "bedrock-region", "bedrock-profile-prefix"):
        if key in section:
            values[key.replace("-", "_")] = _string(path, text, key, section[key])
    if "extra-rule-dirs" in section:
        values["extra_rule_dirs"] = tuple(path.parent / d for d in _strings(path, text, "extra-rule-dirs",
                                                                             section["extra-rule-dirs"]))
    if "file-types" in section:
        values["file_types"] = _strings(path, text, "file-types", section["file-types"])
        unknown = [kind for kind in values["file_types"] if kind not in FILE_TYPES]
        if unknown:
            raise DataError(path, _key_line(text, "file-types"), "file-types",
                            f"'{unknown[0]}' is not one of: {', '.join(FILE_TYPES)}")
    prefix = values.get("bedrock_profile_prefix")
    if prefix is not None and prefix not in PROFILE_PREFIXES:
        raise DataError(path, _key_line(text, "bedrock-profile-prefix"), "bedrock-profile-prefix",
                        f"'{prefix}' is not one of: {', '.join(PROFILE_PREFIXES)}")
    return Settings(config_path=path, origins={k: str(path) for k in values}, **values)


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
