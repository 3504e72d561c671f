"""The result cache in ``.claude_migrate_cache/`` at the project root: a second run over an unchanged tree
parses nothing.

- Results are stored per file content: the key is a hash of the file type and bytes, inside a folder
  named by the run's fingerprint (tool version, Python version, rule files, selected rules, target,
  date, Region settings, check or fix, and a random value of this user's: see rulecache.py). Entries
  are JSON and hold no path: a corrupt entry is a miss, never a crash, and never runs code. Each starts
  with a checksum keyed by its folder's fingerprint, so a damaged fixed text is a miss, never written.
- A stat index maps each walked file's path, size, times and inode to its content hash (or to "holds
  no trigger token"), so that an unchanged file is not even read. As in git, a file modified within
  the last two seconds is not indexed: a second write in the same clock tick would not change its stat.
- Every write goes to a temporary file renamed into place, so readers never see half an entry.
- The folder comes from the checked repository, so it is hostile input: no symbolic link under it is
  ever followed (a committed ``v1 -> ../..`` must not make a run prune folders outside), and pruning or
  ``clean`` delete only entries whose names and contents are the tool's own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat as stat_mode
import time
from pathlib import Path
from typing import Any

from claude_migrate.data.findings import Edit, Finding, Fix, Position
from claude_migrate.engine.source import TEMP_TAIL, replace_atomically
from claude_migrate.run.results import Outcome

CACHE_DIR = ".claude_migrate_cache"
LAYOUT = "v1"
KEEP_FINGERPRINTS = 8  # older result folders (other settings, other days) are removed beyond this
RACY_NS = 2_000_000_000
# The names this module gives what it creates; nothing else under the folder is ever deleted.
OWN_FILES = (".gitignore", "CACHEDIR.TAG")
FINGERPRINT_NAME = re.compile(r"[0-9a-f]{24}")
_OLD_TEMP = r"\.tmp-.*"  # a temp file as versions before issue 18 named it
ENTRY_NAME = re.compile(rf"[0-9a-f]{{32}}\.json|\.[0-9a-f]{{32}}\.json\.{TEMP_TAIL}|{_OLD_TEMP}", re.DOTALL)
INDEX_NAME = re.compile(rf"index-[0-9a-f]{{24}}\.json|\.index-[0-9a-f]{{24}}\.json\.{TEMP_TAIL}|{_OLD_TEMP}", re.DOTALL)


class UnsafeCacheFolder(Exception):
    """The project's cache folder is a symbolic link or not a folder: the run goes on without a cache."""


def digest(file_type: str, raw: bytes) -> str:
    return hashlib.blake2b(file_type.encode() + b"\0" + raw, digest_size=16).hexdigest()


def fingerprint(*parts: object) -> str:
    return hashlib.blake2b(json.dumps(parts, sort_keys=True, default=str).encode(), digest_size=12).hexdigest()


def is_real_dir(path: Path) -> bool:
    """A folder that is not a symbolic link (lstat: the link itself is judged, never its target)."""
    try:
        return stat_mode.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _own_dir(path: Path) -> bool:
    """Create ``path`` unless it exists; True when it is then a real folder, never a link to one."""
    try:
        os.mkdir(path)
    except FileExistsError:
        pass
    except OSError:
        return False
    return is_real_dir(path)


def read_no_follow(path: Path) -> bytes:
    """The bytes of a regular file; a symbolic link or anything else raises OSError."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(handle, "rb") as stream:
        if not stat_mode.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return stream.read()


def prepare(root: Path) -> Path | None:
    """The cache folder under ``root``, created with a .gitignore that ignores it; None when it cannot be.

    Raises UnsafeCacheFolder when the folder (or its layout folder) is a symbolic link or not a folder.
    """
    folder = root / CACHE_DIR
    for path in (folder, folder / LAYOUT):
        try:
            os.mkdir(path)
        except FileExistsError:
            if not is_real_dir(path):
                raise UnsafeCacheFolder(f"{path} is a symbolic link or not a folder; "
                                        f"running without a cache (claude-migrate clean removes it)") from None
        except OSError:
            return None
    try:
        if not os.path.lexists(folder / ".gitignore"):
            replace_atomically(folder / ".gitignore", b"# Created by claude-migrate; the whole folder is a cache.\n*\n")
            replace_atomically(folder / "CACHEDIR.TAG", b"Signature: 8a477f597d28d172789f06886806bc55\n"
                                                      b"# This folder is a cache of claude-migrate results.\n")
    except OSError:
        return None
    return folder


def _remove_own(folder: Path, names: re.Pattern[str]) -> bool:
    """Delete ``folder`` if it is a real folder that holds only regular files named by ``names``."""
    try:
        entries = list(os.scandir(folder))
        if not is_real_dir(folder) or not all(names.fullmatch(e.name) and e.is_file(follow_symlinks=False)
                                              for e in entries):
            return False
        for entry in entries:
            os.unlink(entry.path)
        os.rmdir(folder)
    except OSError:
        return False
    return True


def clean(root: Path) -> list[str]:
    """Remove what the tool created in the cache folder under ``root``; one line for each thing it did.

    A symbolic link in place of the folder is removed itself, its target left alone; entries the tool did
    not create are left where they are and named.
    """
    folder = root / CACHE_DIR
    if not os.path.lexists(folder):
        return []
    if not is_real_dir(folder):
        try:
            os.unlink(folder)
        except OSError as exc:
            return [f"Could not remove {folder}: {exc.strerror}."]
        return [f"Removed {folder}, a symbolic link or file in place of the cache folder (its target was left alone)."]
    layout = folder / LAYOUT
    if is_real_dir(layout):
        for entry in list(os.scandir(layout)):
            if FINGERPRINT_NAME.fullmatch(entry.name):
                _remove_own(Path(entry.path), ENTRY_NAME)
            elif INDEX_NAME.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
    try:
        if is_real_dir(layout):
            os.rmdir(layout)
        elif os.path.islink(layout):
            os.unlink(layout)  # the link itself; its target is left alone
    except OSError:
        pass
    for name in OWN_FILES:
        if os.path.isfile(folder / name) and not os.path.islink(folder / name):
            os.unlink(folder / name)
    left = sorted(os.listdir(folder))
    if not left:
        os.rmdir(folder)
        return [f"Removed {folder}."]
    return [f"Removed the cache entries in {folder}; kept {len(left)} that hold files it did not create: "
            f"{', '.join(left[:5])}{', ...' if len(left) > 5 else ''}."]


def _finding_data(finding: Finding) -> list[Any]:
    fix = None
    if finding.fix is not None:
        fix = [finding.fix.safety, [[e.start.line, e.start.column, e.end.line, e.end.column, e.content]
                                    for e in finding.fix.edits]]
    return [finding.code, finding.name, finding.severity, finding.message, finding.start.line,
            finding.start.column, finding.end.line, finding.end.column, fix, finding.location_prefix, finding.role, finding.subject]


def _finding(data: list[Any]) -> Finding:
    code, name, severity, message, start_line, start_column, end_line, end_column, fix, prefix, role, subject = data
    parsed_fix = None
    if fix is not None:
        safety, edits = fix
        parsed_fix = Fix(str(safety), tuple(Edit(Position(int(a), int(b)), Position(int(c), int(d)), str(content))
                                           for a, b, c, d, content in edits))
    return Finding("", str(code), str(name), str(severity), str(message), Position(int(start_line), int(start_column)),
                   Position(int(end_line), int(end_column)), parsed_fix, str(prefix), str(role), str(subject))


def _entry_sum(key: str, body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16, key=key.encode()[:64]).hexdigest().encode()


def encode_outcome(outcome: Outcome, key: str) -> bytes:
    """The entry: a checksum of the body keyed by the cache folder's fingerprint, a newline, the body as JSON."""
    body = json.dumps({"findings": [_finding_data(f) for f in outcome.findings],
                       "fixed": [_finding_data(f) for f in outcome.fixed],
                       "text": outcome.text, "error": outcome.error}).encode()
    return _entry_sum(key, body) + b"\n" + body


def decode_outcome(data: bytes, key: str) -> Outcome:
    """The outcome of an entry; ValueError unless its checksum holds: a damaged fixed text is never written."""
    checksum, _, body = data.partition(b"\n")
    if not hmac.compare_digest(checksum, _entry_sum(key, body)):
        raise ValueError("damaged entry")
    raw = json.loads(body)
    text, error = raw["text"], raw["error"]
    if not (text is None or isinstance(text, str)) or not (error is None or isinstance(error, str)):
        raise ValueError("bad entry")
    return Outcome([_finding(f) for f in raw["findings"]], [_finding(f) for f in raw["fixed"]], text, error)


class ResultCache:
    """Outcomes by file content for one fingerprint, plus the check fingerprint that a fix run also fills."""

    def __init__(self, folder: Path, key: str, check_key: str) -> None:
        self.folder = folder
        self.key, self.check_key = key, check_key
        self.results = folder / LAYOUT / key
        self.check_results = folder / LAYOUT / check_key
        self._made: set[Path] = set()

    def get(self, content: str) -> Outcome | None:
        return self._get(self.results, self.key, content)

    def checked(self, file_type: str, raw: bytes) -> Outcome | None:
        """What checking these bytes found under the same settings: a fix starts from its edits instead of
        analysing the text once more (the run's first pass has just checked every file)."""
        return self._get(self.check_results, self.check_key, digest(file_type, raw))

    @staticmethod
    def _get(folder: Path, key: str, content: str) -> Outcome | None:
        try:
            return decode_outcome(read_no_follow(folder / f"{content}.json"), key)
        except Exception:  # noqa: BLE001 - a missing, corrupt or foreign entry is a miss, whatever is wrong
            return None

    def _put(self, folder: Path, content: str, outcome: Outcome) -> None:
        try:
            if folder not in self._made:
                if not os.path.lexists(folder):
                    self._prune(folder.parent)
                if not _own_dir(folder):
                    return  # a link or file planted under the fingerprint's name: never write through it
                self._made.add(folder)
            key = self.check_key if folder == self.check_results else self.key
            replace_atomically(folder / f"{content}.json", encode_outcome(outcome, key))
        except OSError:
            pass  # a cache that cannot be written only costs time

    def put(self, file_type: str, raw: bytes, outcome: Outcome) -> None:
        self._put(self.results, digest(file_type, raw), outcome)

    def put_settled(self, file_type: str, raw: bytes, findings: list[Finding]) -> None:
        """Content at a fixed point: fixing it changes nothing and checking it finds ``findings``."""
        for folder in dict.fromkeys((self.results, self.check_results)):
            self._put(folder, digest(file_type, raw), Outcome(findings))

    @staticmethod
    def _prune(parent: Path) -> None:
        """Keep the newest result folders; only real folders of the tool's own naming and content go."""
        own = [Path(e.path) for e in os.scandir(parent)
               if FINGERPRINT_NAME.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
        for stale in sorted(own, key=lambda p: os.lstat(p).st_mtime, reverse=True)[KEEP_FINGERPRINTS:]:
            _remove_own(stale, ENTRY_NAME)


class StatIndex:
    """Path -> [size, mtime_ns, ctime_ns, inode, content hash or "" when the file holds no trigger token]."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / LAYOUT / f"index-{key}.json"
        self.now = time.time_ns()
        self.changed = False
        try:
            entries = json.loads(read_no_follow(self.path))
            self.entries: dict[str, list[Any]] = entries if isinstance(entries, dict) else {}
        except Exception:  # noqa: BLE001 - a missing or corrupt index is an empty one
            self.entries = {}
        self.seen: set[str] = set()

    def lookup(self, path: str, stat: os.stat_result) -> str | None:
        """The content hash ("" for no trigger token) recorded for this exact stat, else None."""
        self.seen.add(path)
        entry = self.entries.get(path)
        if (isinstance(entry, list) and len(entry) == 5 and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns
                and entry[2] == stat.st_ctime_ns and entry[3] == stat.st_ino and isinstance(entry[4], str)):
            return entry[4]
        return None

    def record(self, path: str, stat: os.stat_result, content: str) -> None:
        self.seen.add(path)
        if self.now - stat.st_mtime_ns < RACY_NS:
            self.entries.pop(path, None)  # too fresh to trust its stat next time
            return
        self.entries[path] = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, content]
        self.changed = True

    def save(self, walked: list[str]) -> None:
        """Write the index, dropping entries under the walked folders for files this run did not see."""
        roots = tuple(root.rstrip(os.sep) + os.sep for root in walked)
        stale = [path for path in self.entries if path not in self.seen and path.startswith(roots)]
        for path in stale:
            del self.entries[path]
        if not (self.changed or stale):
            return
        if not _own_dir(self.path.parent):
            return  # a link or file planted in place of the layout folder: never write through it
        try:
            replace_atomically(self.path, json.dumps(self.entries, separators=(",", ":")).encode())
        except OSError:
            pass
