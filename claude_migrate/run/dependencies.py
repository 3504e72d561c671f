"""The version of a package (``anthropic``) the checked code runs on, read from the dependency files nearest to
each checked file, without running anything: a lock file's pin wins over the ranges the project declares."""

from __future__ import annotations

import configparser
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any

from claude_migrate.data.sdk_versions import SdkRequirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PACKAGE = "anthropic"
REQUIREMENT_OPTIONS = ("-r", "--requirement", "-c", "--constraint")


def _shown(path: Path) -> str:
    """A dependency file as messages name it: relative to the working folder when under it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _line_of(text: str, package: str) -> int:
    """The first line that names ``package`` as a word of its own (not ``langchain-anthropic``)."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(package)}(?![\w-])", re.IGNORECASE)
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line.split("#", 1)[0]):
            return number
    return 1


def _declared(specifier: str, path: Path, line: int) -> SdkRequirement:
    """A range a dependency file declares, at its line."""
    return SdkRequirement(specifier, f"{_shown(path)}:{line}", str(path.resolve()), line)


def canonicalize_name(name: str) -> str:
    """A distribution name as PEP 503 compares them (``Anthropic_SDK`` is ``anthropic-sdk``). Not packaging's own:
    importing packaging.utils pulls in its wheel-tag machinery on every run's start-up."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pep508(text: str, package: str) -> str | None:
    """The specifier of a PEP 508 requirement line when it names ``package``; None otherwise."""
    from packaging.requirements import InvalidRequirement, Requirement  # only when a dependency file names one

    try:
        requirement = Requirement(text.strip())
    except InvalidRequirement:
        return None
    return str(requirement.specifier) if canonicalize_name(requirement.name) == package else None


def requirements_txt(path: Path, package: str, seen: frozenset[Path] = frozenset()) -> SdkRequirement | None:
    """A ``requirements*.txt`` line for ``package``, following ``-r``/``-c`` includes (each file once)."""
    if path in seen or not path.is_file():
        return None
    for number, raw in enumerate(path.read_text(errors="replace").splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if line.startswith("#") or not line:
            continue
        option, _, rest = line.partition(" ")
        if option in REQUIREMENT_OPTIONS or line.startswith(("--requirement=", "--constraint=")):
            included = rest.strip() or line.partition("=")[2]
            found = requirements_txt(path.parent / included, package, seen | {path})
            if found is not None:
                return found
        elif not line.startswith("-") and (spec := _pep508(line, package)) is not None:
            return _declared(spec, path, number)
    return None


def _poetry(value: Any) -> str:
    """A Poetry constraint (``^0.40``, ``~1.2``, ``1.2.*``, ``>=1``) as a PEP 440 specifier."""
    text = str(value.get("version", "*") if isinstance(value, dict) else value).strip()
    if text in ("", "*"):
        return ""
    if text[0] in "^~" and text[1:2] != "=":
        parts = [int(part) for part in re.findall(r"\d+", text)][:3]
        if text[0] == "^":  # the first non-zero part may not change
            index = next((i for i, part in enumerate(parts) if part), len(parts) - 1)
        else:  # ~1.2 keeps 1.2; ~1 keeps 1
            index = min(1, len(parts) - 1) if len(parts) > 1 else 0
        upper = [*parts[:index], parts[index] + 1]
        return f">={'.'.join(map(str, parts))},<{'.'.join(map(str, upper))}"
    return f"=={text}" if text[0].isdigit() else text


def _toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(errors="replace"))
    except (tomllib.TOMLDecodeError, OSError):
        return None


def pyproject(path: Path, package: str) -> SdkRequirement | None:
    """PEP 621 ``[project] dependencies`` (and optional dependencies), else Poetry's dependency tables."""
    data = _toml(path)
    if data is None:
        return None
    text = path.read_text(errors="replace")
    project = data.get("project", {})
    lines = [*project.get("dependencies", []), *(line for group in project.get("optional-dependencies", {}).values()
                                                  for line in group)]
    for line in lines:
        if isinstance(line, str) and (spec := _pep508(line, package)) is not None:
            return _declared(spec, path, _line_of(text, package))
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), *(group.get("dependencies", {})
                                                for group in poetry.get("group", {}).values())]
    for table in tables:
        for name, value in table.items():
            if canonicalize_name(name) == package:
                return _declared(_poetry(value), path, _line_of(text, package))
    return None


def setup_cfg(path: Path, package: str) -> SdkRequirement | None:
    parser = configparser.ConfigParser()
    try:
        parser.read_string(path.read_text(errors="replace"))
    except configparser.Error:
        return None
    for line in parser.get("options", "install_requires", fallback="").splitlines():
        if (spec := _pep508(line, package)) is not None:
            return _declared(spec, path, _line_of(path.read_text(errors="replace"), package))
    return None


def pipfile(path: Path, package: str) -> SdkRequirement | None:
    data = _toml(path)
    for table in (data or {}).get("packages", {}), (data or {}).get("dev-packages", {}):
        for name, value in table.items():
            if canonicalize_name(name) == package:
                text = str(value.get("version", "*") if isinstance(value, dict) else value)
                return _declared("" if text == "*" else text, path, _line_of(path.read_text(errors="replace"), package))
    return None


def _locked(path: Path, package: str, version: str | None) -> SdkRequirement | None:
    return SdkRequirement(f"=={version.lstrip('=')}", f"{_shown(path)} (pin)") if version else None


def toml_lock(path: Path, package: str) -> SdkRequirement | None:
    """``uv.lock`` and ``poetry.lock``: ``[[package]]`` tables with ``name`` and ``version``."""
    for entry in (_toml(path) or {}).get("package", []):
        if isinstance(entry, dict) and canonicalize_name(str(entry.get("name", ""))) == package:
            return _locked(path, package, str(entry.get("version", "")))
    return None


def pipfile_lock(path: Path, package: str) -> SdkRequirement | None:
    try:
        data = json.loads(path.read_text(errors="replace"))
    except (ValueError, OSError):
        return None
    for section in ("default", "develop"):
        entry = data.get(section, {}).get(package) if isinstance(data, dict) else None
        if isinstance(entry, dict):
            return _locked(path, package, entry.get("version"))
    return None


Reader = Callable[[Path, str], "SdkRequirement | None"]
LOCKS: tuple[tuple[str, Reader], ...] = (("uv.lock", toml_lock), ("poetry.lock", toml_lock),
                                         ("Pipfile.lock", pipfile_lock))
DECLARED: tuple[tuple[str, Reader], ...] = (("pyproject.toml", pyproject), ("setup.cfg", setup_cfg),
                                            ("Pipfile", pipfile))


def _in_folder(folder: Path, package: str) -> Iterator[SdkRequirement]:
    """What one folder's dependency files say, lock pins first. One listing per folder, not a stat per file
    name: a run asks this of every folder it reads."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    present = set(map(os.path.normcase, names))
    for name, reader in (*LOCKS, *DECLARED):
        if os.path.normcase(name) in present and (path := folder / name).is_file() and \
                (found := reader(path, package)) is not None:
            yield found
    for name in sorted(fnmatch.filter(names, "requirements*.txt")):
        if (found := requirements_txt(folder / name, package)) is not None:
            yield found


@lru_cache(maxsize=4096)
def _resolved(folder: Path) -> Path:
    """``folder.resolve()``, from its parent's when it is no link: resolving costs a stat per path component,
    and a run asks for every folder of a tree."""
    if folder.name in ("", ".", "..") or folder.is_symlink() or folder.parent == folder:
        return folder.resolve()
    return _resolved(folder.parent) / folder.name


@lru_cache(maxsize=4096)
def nearest(folder: Path, package: str = PACKAGE, resolved: bool = False) -> SdkRequirement | None:
    """The requirement for ``package`` from the dependency files of ``folder`` or the nearest folder above it.
    ``resolved``: the folder is resolved already, as the parents of a resolved folder are."""
    folder = folder if resolved else _resolved(folder)
    found = next(_in_folder(folder, canonicalize_name(package)), None)
    if found is not None or folder.parent == folder:
        return found
    return nearest(folder.parent, package, True)


def forget() -> None:
    """Drop what earlier runs of this process learnt: dependency files and links may change between runs."""
    nearest.cache_clear()
    _resolved.cache_clear()


def for_file(path: Path, fallback: str | None = None, package: str = PACKAGE) -> SdkRequirement | None:
    """The requirement that applies to a checked file: its dependency files, else ``fallback`` (--sdk-version)."""
    found = nearest(Path(path).parent, package)
    if found is None and fallback:
        return SdkRequirement(fallback if not fallback[0].isdigit() else f"=={fallback}", "--sdk-version")
    return found
