"""Load the rule data and rule files, from a pickle in the user's cache folder when nothing changed.

Parsing the YAML and importing the rule kinds (which imports libcst) costs about 0.3 s; unpickling
the result costs about 10 ms. That is the start-up of a pre-commit run over files with no trigger
token. The pickle lives in the user's own cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), never
in the project, because unpickling a file runs whatever it says: a checked-out repository must not
be able to plant one. Its key covers the rule files, this package's code and the Python version,
and a random value kept in that folder: the result cache's keys start from it, so result entries
planted in a repository's .claude_migrate_cache/ can never match (a planted fix could write code).

A shared or misconfigured ``XDG_CACHE_HOME`` could still let another user plant a pickle, so the folder
is created ``0700`` and neither it nor a file in it is used unless this user owns it and nobody else may
write to it; and the pickle is read by an unpickler that builds only this package's data classes and a
few plain value types, so even a planted file cannot name a function to run.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import importlib
import io
import os
import pickle
import stat as stat_mode
import sys
from dataclasses import dataclass
from pathlib import Path

from claude_migrate import __version__
from claude_migrate.engine.source import replace_atomically
from claude_migrate.run.cache import read_no_follow
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.loading import data_files, load as load_rule_set, rule_files
from claude_migrate.data.rules import RuleSpec

PACKAGE = Path(__file__).resolve().parent.parent
KEEP_PICKLES = 8  # older ones (other versions, other rule files) are removed when a new one is written


@dataclass(frozen=True)
class LoadedRules:
    data: RuleData
    rules: tuple[RuleSpec, ...]
    key: str  # names this exact rule set, for the result cache


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "claude-migrate"


def _is_private(status: os.stat_result) -> bool:
    """Owned by this user (where the platform has owners) and writable by nobody else."""
    owner = getattr(os, "geteuid", None)
    return (owner is None or status.st_uid == owner()) and not status.st_mode & (stat_mode.S_IWGRP | stat_mode.S_IWOTH)


def private_dir() -> Path | None:
    """The user cache folder, created ``0700``; None when it cannot be made or someone else could write to it."""
    folder = user_cache_dir()
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        status = os.lstat(folder)
    except OSError:
        return None
    return folder if stat_mode.S_ISDIR(status.st_mode) and _is_private(status) else None


def read_private(path: Path) -> bytes:
    """A regular file's bytes, checked on the open handle; OSError unless it is this user's alone to write."""
    data = read_no_follow(path)
    if not _is_private(os.lstat(path)):
        raise OSError(f"{path} may be written by another user")
    return data


_PLAIN_TYPES = {("datetime", "date"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "Path"),
                ("re", "_compile"), ("builtins", "frozenset"), ("builtins", "set"), ("builtins", "tuple")}


class _DataUnpickler(pickle.Unpickler):
    """Builds only the data layer's classes, this package's dataclasses and enums, and a few plain value types:
    none of them runs code when built."""

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _PLAIN_TYPES:
            return super().find_class(module, name)
        if module.startswith("claude_migrate.") and "." not in name:
            found = getattr(importlib.import_module(module), name, None)
            if (isinstance(found, type) and found.__module__ == module
                    and (module.startswith("claude_migrate.data.") or dataclasses.is_dataclass(found)
                         or issubclass(found, enum.Enum))):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not rule data")


def _secret(folder: Path | None) -> bytes:
    """This user's random value (made on first use); a fresh one per run if it cannot be kept."""
    if folder is None:
        return os.urandom(32)
    path = folder / "secret"
    try:
        return read_private(path)
    except OSError:
        pass
    value = os.urandom(32)
    try:
        replace_atomically(path, value, mode=0o600)
    except OSError:
        pass
    return value


def _key(files: list[Path], folder: Path | None) -> str:
    digest = hashlib.blake2b(f"{__version__} {sys.version} {PACKAGE}".encode(), digest_size=16,
                             key=_secret(folder)[:64])
    for module in sorted(PACKAGE.glob("**/*.py")):
        stat = module.stat()
        digest.update(f"{module.relative_to(PACKAGE)} {stat.st_size} {stat.st_mtime_ns}".encode())
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def load(extra_dirs: tuple[Path, ...] = ()) -> LoadedRules:
    """The bundled rule data and all rule files (bundled and extra); bad YAML raises DataError as usual.
    ``--no-cache`` does not reach here: the pickle caches the rule data, never a result."""
    files = [*data_files(extra_dirs), *rule_files(extra_dirs)]
    folder = private_dir()
    use_cache = folder is not None
    try:
        key = _key(files, folder)
    except OSError:
        key, use_cache = "", False
    stored = user_cache_dir() / f"rules-{key}.pickle"
    if use_cache:
        try:
            loaded = _DataUnpickler(io.BytesIO(read_private(stored))).load()
            if isinstance(loaded, LoadedRules) and loaded.key == key:
                return loaded
        except Exception:  # noqa: BLE001 - a missing, stale or corrupt pickle only means loading the YAML
            pass
    from claude_migrate.kinds import builtin_kinds  # imports libcst: only a load the cache cannot answer pays

    rule_set = load_rule_set(builtin_kinds(), extra_dirs)
    loaded = LoadedRules(rule_set.data, rule_set.rules, key)
    if use_cache:
        try:
            replace_atomically(stored, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
            kept = sorted(stored.parent.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in kept[KEEP_PICKLES:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    return loaded

