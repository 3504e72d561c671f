"""Turn command-line paths into the files to check, with their types, minus ignored and excluded ones.

The walk works on plain strings and reads a ``.gitignore`` only where the directory listing shows
one: over a 10,000-file tree it must cost a small part of what reading the files costs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from claude_migrate.data.errors import DataError
from claude_migrate.run.filetypes import FILE_TYPES, file_type, named_file_type

if TYPE_CHECKING:
    import pathspec

SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules", "site-packages",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "build", "dist",
    ".claude_migrate_cache", "__pypackages__", ".ipynb_checkpoints",
})

Specs = list[tuple[str, "pathspec.PathSpec"]]  # (absolute directory, the patterns of its .gitignore)


@dataclass(frozen=True)
class Discovered:
    files: list[tuple[str, str, str]]  # (path as the user will see it, absolute path, file type)
    missing: list[Path]
    roots: list[str]  # the directories walked, as absolute paths
    skipped: list[tuple[str, str]]  # (folder as the user will see it, why it could not be listed)


def pattern_spec(patterns: Sequence[str], path: str | Path, key: str | None,
                 line: Callable[[int], int | None]) -> pathspec.PathSpec:
    """Git patterns as one spec; a pattern pathspec refuses (a lone ``\\``) is a DataError naming the file, the
    line (``line`` maps a pattern's index to it) and the key, not a traceback."""
    import pathspec  # only runs with patterns pay for it

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except ValueError:
        for index, pattern in enumerate(patterns):
            try:
                pathspec.GitIgnoreSpec.from_lines([pattern])
            except ValueError:
                raise DataError(path, line(index), key, f"invalid pattern {pattern!r}") from None
        raise


def _ignore_spec(directory: str) -> pathspec.PathSpec | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return pattern_spec(lines, path, None, lambda index: index + 1)


def _is_ignored(absolute: str, is_dir: bool, specs: Specs) -> bool:
    ignored = False
    for base, spec in specs:  # every base is an absolute ancestor of ``absolute``
        relative = absolute[len(base.rstrip(os.sep)) + 1:].replace(os.sep, "/") + ("/" if is_dir else "")
        result = spec.check_file(relative)
        if result.include is not None:
            ignored = result.include
    return ignored


def _ancestor_specs(root: str) -> Specs:
    """The .gitignore files above ``root`` up to the top of its git work tree (none outside git)."""
    specs = []
    for ancestor in Path(root).parents:
        if (ancestor / ".gitignore").is_file() and (spec := _ignore_spec(str(ancestor))) is not None:
            specs.append((str(ancestor), spec))
        if (ancestor / ".git").exists():
            return list(reversed(specs))
    return []


Exclusion = Callable[[str, str, str], bool]  # (absolute path, path as shown, name) -> excluded?


def _walk(root: Path, excluded: Exclusion, wanted: frozenset[str], skipped: list[tuple[str, str]],
          links: set[str]) -> Iterator[tuple[str, str, str]]:
    """(path as shown, absolute path, file type) of the wanted files under ``root``, in directory order
    (the run sorts its results, so the walk need not). A folder that cannot be listed goes to ``skipped``
    with its reason: a run that silently missed files must not report success. The absolute paths of
    symbolic links go to ``links`` as well."""
    top = os.path.abspath(root)
    stack: list[tuple[str, str, Specs]] = [(str(root), top, _ancestor_specs(top))]
    while stack:
        shown, absolute, specs = stack.pop()
        try:
            with os.scandir(shown) as listing:
                entries = list(listing)
        except OSError as exc:
            skipped.append((shown, f"cannot list this folder ({exc.strerror or exc}); its files were skipped"))
            continue
        if any(entry.name == ".gitignore" for entry in entries) and (own := _ignore_spec(absolute)) is not None:
            specs = [*specs, (absolute, own)]
        subdirs = []
        lead = "" if shown == os.curdir else shown.rstrip(os.sep) + os.sep  # "src/m.py", not "./src/m.py"
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name in SKIPPED_DIRS or name.endswith(".egg-info"):
                    continue
            elif (kind := file_type(name)) is None or kind not in wanted:
                continue
            child = f"{absolute}{os.sep}{name}"
            if excluded(child, lead + name, name) or (specs and _is_ignored(child, is_dir, specs)):
                continue
            if is_dir:
                subdirs.append((lead + name, child, specs))
            else:
                assert kind is not None  # a file gets here only with a wanted type, checked above
                if entry.is_symlink():
                    links.add(child)
                yield lead + name, child, kind
        stack.extend(subdirs)


def _exclusion(patterns: list[str], base: Path) -> Exclusion:
    """The ``exclude`` setting as a test; patterns are relative to the config's folder."""
    if not patterns:
        return lambda absolute, shown, name: False
    spec = pattern_spec(patterns, "exclude", None, lambda index: None)  # checked with its line when the config loaded
    root = os.path.abspath(base).rstrip(os.sep) + os.sep

    def excluded(absolute: str, shown: str, name: str) -> bool:
        relative = absolute[len(root):] if absolute.startswith(root) else shown
        return spec.match_file(relative.replace(os.sep, "/")) or spec.match_file(name)

    return excluded


def discover(paths: list[Path], exclude_patterns: list[str], base: Path,
             file_types: tuple[str, ...] = FILE_TYPES) -> Discovered:
    """Files under ``paths``: a named file always counts; directories are walked, respecting .gitignore,
    for the file types asked for. A symbolic link to another file of the run is left out."""
    excluded = _exclusion(exclude_patterns, base)
    wanted = frozenset(file_types)
    seen: set[str] = set()
    files: list[tuple[str, str, str]] = []
    missing: list[Path] = []
    roots: list[str] = []
    skipped: list[tuple[str, str]] = []
    links: set[str] = set()
    for path in paths:
        if os.path.isdir(path):  # os.path, unlike Path, answers False for names the system rejects (too long)
            roots.append(os.path.abspath(path))
            found: Iterator[tuple[str, str, str]] = _walk(path, excluded, wanted, skipped, links)
        elif os.path.lexists(path):
            if os.path.islink(path):
                links.add(os.path.abspath(path))
            found = iter([(str(path), os.path.abspath(path), named_file_type(path.name))])
        else:
            missing.append(path)
            continue
        for shown, absolute, kind in found:
            if absolute not in seen:
                seen.add(absolute)
                files.append((shown, absolute, kind))
    return Discovered(_without_links_to(files, links), missing, roots, skipped)


def _without_links_to(files: list[tuple[str, str, str]], links: set[str]) -> list[tuple[str, str, str]]:
    """``files`` less the symbolic links to another of them: that file is checked and fixed under its own path
    (a fix never writes through a link, and the same file is not reported twice)."""
    if not links:
        return files
    real = {os.path.realpath(absolute) for _, absolute, _ in files if absolute not in links}
    return [file for file in files if file[1] not in links or os.path.realpath(file[1]) not in real]


def common_directory(paths: list[Path]) -> Path:
    """The deepest existing directory holding all ``paths``: where configuration and git are looked up from."""
    absolute = [os.path.abspath(path) for path in paths]
    folder = Path(os.path.commonpath(absolute)) if absolute else Path.cwd()
    while not os.path.isdir(folder) and folder != folder.parent:
        folder = folder.parent
    return folder
