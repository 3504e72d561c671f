"""Turn command-line paths into the files to check: Python files, minus ignored and excluded ones."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pathspec

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules", "site-packages",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "build", "dist",
    ".claude_migrate_cache", "__pypackages__",
})
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Discovered:
    files: list[Path]
    missing: list[Path]


def _ignore_spec(directory: Path) -> pathspec.PathSpec | None:
    ignore_file = directory / ".gitignore"
    try:
        lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _is_ignored(path: Path, is_dir: bool, specs: list[tuple[Path, pathspec.PathSpec]]) -> bool:
    absolute = Path(os.path.abspath(path))
    ignored = False
    for base, spec in specs:
        relative = absolute.relative_to(base).as_posix() + ("/" if is_dir else "")
        result = spec.check_file(relative)
        if result.include is not None:
            ignored = result.include
    return ignored


def _ancestor_specs(root: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """The .gitignore files above ``root`` up to the top of its git work tree (none outside git)."""
    specs = []
    for ancestor in Path(os.path.abspath(root)).parents:
        if (spec := _ignore_spec(ancestor)) is not None:
            specs.append((ancestor, spec))
        if (ancestor / ".git").exists():
            return list(reversed(specs))
    return []


def _walk(root: Path, exclude: pathspec.PathSpec | None, base: Path) -> Iterator[Path]:
    stack: list[tuple[Path, list[tuple[Path, pathspec.PathSpec]]]] = [(root, _ancestor_specs(root))]
    while stack:
        directory, specs = stack.pop()
        own = _ignore_spec(directory)
        specs = [*specs, (Path(os.path.abspath(directory)), own)] if own is not None else specs
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if _excluded(path, exclude, base) or _is_ignored(path, is_dir, specs):
                continue
            if is_dir:
                if entry.name not in SKIPPED_DIRS and not entry.name.endswith(".egg-info"):
                    subdirs.append((path, specs))
            elif entry.name.endswith(PYTHON_SUFFIXES):
                yield path
        stack.extend(reversed(subdirs))


def _excluded(path: Path, exclude: pathspec.PathSpec | None, base: Path) -> bool:
    if exclude is None:
        return False
    try:
        relative = Path(os.path.abspath(path)).relative_to(base).as_posix()
    except ValueError:
        relative = path.as_posix()
    return exclude.match_file(relative) or exclude.match_file(path.name)


def discover(paths: list[Path], exclude_patterns: list[str], base: Path) -> Discovered:
    """Files under ``paths``: a named file always counts; directories are walked, respecting .gitignore."""
    exclude = pathspec.GitIgnoreSpec.from_lines(exclude_patterns) if exclude_patterns else None
    seen: set[Path] = set()
    files: list[Path] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = _walk(path, exclude, Path(os.path.abspath(base)))
        elif path.exists() or path.is_symlink():
            found = iter([path])
        else:
            missing.append(path)
            continue
        for file in found:
            key = Path(os.path.abspath(file))
            if key not in seen:
                seen.add(key)
                files.append(file)
    return Discovered(files, missing)


def common_directory(paths: list[Path]) -> Path:
    """The deepest existing directory holding all ``paths``: where configuration and git are looked up from."""
    absolute = [os.path.abspath(path) for path in paths]
    folder = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder
