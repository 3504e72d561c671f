"""Load the rule data and rule files, from a pickle in the user's cache folder when nothing changed.

Parsing the YAML and importing the rule kinds (which imports libcst) costs about 0.3 s; unpickling
the result costs about 10 ms. That is the start-up of a pre-commit run over files with no trigger
token. The pickle lives in the user's own cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), never
in the project, because unpickling a file runs whatever it says: a checked-out repository must not
be able to plant one. Its key covers the rule files, this package's code and the Python version,
and a random value kept in that folder: the result cache's keys start from it, so result entries
planted in a repository's .claude_migrate_cache/ can never match (a planted fix could write code).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

from claude_migrate import __version__
from claude_migrate.cache import write_atomically
from claude_migrate.context import RuleData
from claude_migrate.loading import load_all_rules, load_rule_data, rule_files, rules_dir
from claude_migrate.ruleset import RuleSpec

PACKAGE = Path(__file__).resolve().parent
KEEP_PICKLES = 8  # older ones (other versions, other rule files) are removed when a new one is written


@dataclass(frozen=True)
class LoadedRules:
    data: RuleData
    rules: tuple[RuleSpec, ...]
    key: str  # names this exact rule set, for the result cache


def user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "claude-migrate"


def _secret() -> bytes:
    """This user's random value (made on first use); a fresh one per run if it cannot be kept."""
    path = user_cache_dir() / "secret"
    try:
        return path.read_bytes()
    except OSError:
        pass
    value = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, value, mode=0o600)
    except OSError:
        pass
    return value


def _key(files: list[Path]) -> str:
    digest = hashlib.blake2b(f"{__version__} {sys.version} {PACKAGE}".encode(), digest_size=16, key=_secret()[:64])
    for folder in (PACKAGE, PACKAGE / "kinds"):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                stat = entry.stat()
                digest.update(f"{entry.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    for file in files:
        digest.update(str(file).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def load(extra_dirs: tuple[Path, ...] = (), use_cache: bool = True) -> LoadedRules:
    """The bundled rule data and all rule files (bundled and extra); bad YAML raises DataError as usual."""
    files = [*sorted((rules_dir() / "catalogue").glob("*.yaml")), *rule_files(extra_dirs)]
    try:
        key = _key(files)
    except OSError:
        key, use_cache = "", False
    stored = user_cache_dir() / f"rules-{key}.pickle"
    if use_cache:
        try:
            loaded = pickle.loads(stored.read_bytes())  # noqa: S301 - the user's own cache folder, see above
            if isinstance(loaded, LoadedRules) and loaded.key == key:
                return loaded
        except Exception:  # noqa: BLE001 - a missing, stale or corrupt pickle only means loading the YAML
            pass
    loaded = LoadedRules(load_rule_data(), load_all_rules(extra_dirs), key)
    if use_cache:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(stored, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
            kept = sorted(stored.parent.glob("rules-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in kept[KEEP_PICKLES:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    return loaded

