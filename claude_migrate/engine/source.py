"""Read a source file into text and write text back in exactly the file's own encoding, BOM and mode."""

from __future__ import annotations

import errno
import glob
import io
import itertools
import os
import re
import secrets
import stat
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"
TEMP_SUFFIX = ".claude-migrate.tmp"  # never a source suffix, so discovery cannot pick a leftover up
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


class ReadError(Exception):
    """The file cannot be read as text; the message says why in a few words."""


class WriteError(Exception):
    """The file could not be replaced; the original is left as it was."""


class SourceError(Exception):
    """The text cannot be analysed (syntax error, invalid JSON, too deep to parse)."""


class FixedPointError(Exception):
    """Fixes kept changing the file: the engine refuses to write a result it cannot vouch for."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    raw: bytes
    text: str
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        """``text`` in the file's encoding and BOM, refused unless the file's own text encodes back to its bytes and
        the result decodes back to ``text``: with codecs such as utf-7 bytes outside the fixes would change."""
        body = self.raw[len(BOM):] if self.bom else self.raw
        try:
            data = text.encode(self.encoding)
            exact = self.text.encode(self.encoding) == body and data.decode(self.encoding) == text
        except (UnicodeError, LookupError) as exc:
            raise WriteError(f"the fixed text cannot be encoded as {self.encoding}: {exc}") from None
        if not exact:
            raise WriteError(f"{self.encoding} does not map this file's text back to the same bytes; "
                             "it was not changed")
        return (BOM + data) if self.bom else data


def physical_lines(text: str) -> list[str]:
    """Lines as Python counts them (CR, LF or CRLF; unlike str.splitlines, not form feeds), with their endings."""
    return LINE.findall(text)


def newline_of(text: str) -> str:
    """The text's first line ending, for lines added to it; LF when it has none."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group() if match else "\n"


def decode(path: Path, raw: bytes) -> SourceFile:
    """Decode Python source bytes the way the interpreter does (BOM, PEP 263 cookie, else UTF-8)."""
    if b"\x00" in raw:
        raise ReadError("contains a NUL byte; not a Python source file")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    except SyntaxError as exc:
        message = exc.msg if hasattr(exc, "msg") else str(exc)
        if not message.startswith("invalid or missing encoding declaration"):
            raise ReadError(f"bad encoding declaration: {message}") from None
        encoding = "utf-8"  # no cookie and the first lines are not UTF-8: the decode below names the bad byte
    bom = raw.startswith(BOM)
    body = raw[len(BOM):] if bom else raw
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        if b"#".decode(codec, "replace") != "#":  # UTF-16, EBCDIC: Python refuses such a cookie, and so do we
            raise ReadError(f"bad encoding declaration: {codec} is not ASCII-compatible; Python cannot run "
                            "this file; skipped")
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise ReadError(f"cannot be decoded as {codec} (line {line}, byte {exc.start}: {exc.reason})") from None
    except (UnicodeError, LookupError) as exc:  # a cookie naming a codec such as rot13 that yields no text
        raise ReadError(f"bad encoding declaration: {codec}: {exc}") from None
    return SourceFile(path, raw, text, codec, bom)


def decode_data(path: Path, raw: bytes) -> SourceFile:
    """Decode a notebook or config file: UTF-8 (BOM kept), else Latin-1, which maps every byte, so that
    everything around an edit is written back byte for byte."""
    bom = raw.startswith(BOM)
    body = raw[len(BOM):] if bom else raw
    try:
        return SourceFile(path, raw, body.decode("utf-8"), "utf-8", bom)
    except UnicodeDecodeError:
        return SourceFile(path, raw, body.decode("latin-1"), "latin-1", bom)


def read_with_stat(path: str | Path) -> tuple[bytes, os.stat_result]:
    """The bytes and stat of a regular file, with as few system calls as Python allows (this runs for every file
    of a tree). A FIFO or device named ``*.py`` is refused before a read that would block or never end."""
    try:
        handle = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None
    try:
        return _read_open(handle)
    finally:
        os.close(handle)


def _read_open(handle: int) -> tuple[bytes, os.stat_result]:
    """The bytes and stat of the open regular file ``handle``; ReadError for anything else."""
    try:
        info = os.fstat(handle)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("is not a regular file (a FIFO, socket or device)")
        data = os.read(handle, info.st_size + 1)  # one byte more than the size shows the end was reached
        if len(data) > info.st_size:  # the file grew since the fstat
            data += b"".join(iter(lambda: os.read(handle, 1 << 20), b""))
        return data, info
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None


def read_raw(path: str | Path) -> bytes:
    return read_with_stat(path)[0]


def read_source(path: Path) -> SourceFile:
    return decode(path, read_raw(path))


def _name_this_run() -> None:
    """Choose the name this process gives its temp files: its PID (so that a later run can tell a killed run's
    leftover from a live run's file) and a random token, chosen again in a forked worker."""
    global _RUN_NAME, _TEMP_COUNT
    _RUN_NAME = f"{os.getpid()}-{secrets.token_hex(4)}"
    _TEMP_COUNT = itertools.count()


_RUN_NAME, _TEMP_COUNT = "", itertools.count()
_name_this_run()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_name_this_run)
# A temp file is named ".NAME." + TEMP_TAIL: the writer's PID, its random token, a counter and TEMP_SUFFIX.
TEMP_TAIL = rf"(?P<pid>[0-9]+)-[0-9a-f]{{8}}-[0-9]+{re.escape(TEMP_SUFFIX)}"
TEMP_NAME = re.compile(rf"\.(?P<name>.+)\.{TEMP_TAIL}", re.DOTALL)
STALE_SECONDS = 3600  # no write takes this long: a temp file this old is a leftover whoever wrote it


def temp_path(target: Path) -> Path:
    """A name next to ``target`` that no other run, and no other write of this one, ever uses."""
    return target.with_name(f".{target.name}.{_RUN_NAME}-{next(_TEMP_COUNT)}{TEMP_SUFFIX}")


def replace_atomically(target: Path, data: bytes, mode: int = 0o644, like: int | None = None) -> None:
    """Write ``data`` to a temp file of this run's own next to ``target`` and rename it over ``target``, so a
    reader never sees half a file. With ``like``, an open descriptor of the file being replaced, the new file
    gets its owner, group, ``mode`` and extended attributes and is flushed to disk before the rename (a fixed
    source must survive a crash; a cache entry need not). OSError is the caller's to report or ignore."""
    temp = temp_path(target)
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if like is not None:
                stream.flush()
                _keep_owner(stream.fileno(), os.fstat(like))
                os.chmod(temp, mode)  # after the owner: a chown may clear set-user-ID bits
                _keep_xattrs(stream.fileno(), like)
                os.fsync(stream.fileno())
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


LINK_REFUSED = ("is a symbolic link (to {}); files are never written through a link: fix the file it points to "
                "under its own path")


def write_atomically(source: SourceFile, data: bytes) -> None:
    """Replace the file with ``data``; refuse if it changed since it was read, is read-only, or is a symbolic link
    (a link in a checked tree may point anywhere, even outside it). A file with other hard links is rewritten in
    place, after the same checks, so that every link sees the fix (a rename would give this name a new inode
    and leave the other links with the old text); its owner, mode and extended attributes are then untouched."""
    path = Path(source.path)
    try:
        handle = os.open(path, _READ_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if os.path.islink(path):
            raise WriteError(LINK_REFUSED.format(os.path.realpath(path))) from None
        raise WriteError(f"cannot re-read before writing: {exc.strerror or exc}") from None
    try:
        try:
            current, info = _read_open(handle)
        except ReadError as exc:
            raise WriteError(f"cannot re-read before writing: {exc}") from None
        if current == data:
            return  # it already holds the fix: another of its hard links (or another run) wrote it
        if current != source.raw:
            raise WriteError("the file changed while it was being fixed; it was not overwritten")
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o222 or not os.access(path, os.W_OK):
            raise WriteError("the file is read-only; it was not changed")
        if info.st_nlink > 1:
            _rewrite_in_place(path, info, data)
        else:
            replace_atomically(path, data, mode, like=handle)
    except OSError as exc:
        raise WriteError(f"cannot replace the file: {exc.strerror or exc}") from None
    finally:
        os.close(handle)
    _remove_leftovers(path)


def _rewrite_in_place(path: Path, info: os.stat_result, data: bytes) -> None:
    """Write ``data`` into the inode that ``info`` describes, the one just read and compared, and flush it."""
    handle = os.open(path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        now = os.fstat(handle)
        if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
            raise WriteError("the file changed while it was being fixed; it was not overwritten")
        with os.fdopen(handle, "wb", closefd=False) as stream:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
    finally:
        os.close(handle)


def _keep_owner(handle: int, original: os.stat_result) -> None:
    """Give the new file the old one's owner and group: run as root (say, in a container over a mounted
    checkout) the fixed files became root's. Without the right to do so, the writer's own ids stay."""
    current = os.fstat(handle)
    if (current.st_uid, current.st_gid) != (original.st_uid, original.st_gid):
        try:
            os.chown(handle, original.st_uid, original.st_gid)
        except PermissionError:
            pass


_NO_XATTRS = {errno.ENOTSUP, errno.EOPNOTSUPP}


def _keep_xattrs(handle: int, original: int) -> None:
    """Copy the extended attributes (ACLs, SELinux labels, user.*) of ``original`` to the new file, where the
    platform and file system have them. One that cannot be copied stops the write: the file would lose it."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(original)
    except OSError as exc:
        if exc.errno in _NO_XATTRS:
            return
        raise
    for name in names:
        try:
            value = os.getxattr(original, name)
            if _xattr(handle, name) != value:  # an SELinux label the new file got by default needs no right to set
                os.setxattr(handle, name, value)
        except OSError as exc:
            raise WriteError(f"cannot keep its extended attribute {name} ({exc.strerror or exc}); "
                             "it was not changed") from None


def _xattr(handle: int, name: str) -> bytes | None:
    try:
        return os.getxattr(handle, name)
    except OSError:
        return None


def _remove_leftovers(target: Path) -> None:
    """Delete the temp files that killed runs left next to ``target``: the write that just succeeded supersedes
    them. Only a file named for ``target`` goes, and only once its writer's PID is not running or it is an hour
    old: another live run's temp file, about to be renamed, stays. (A PID reused since a kill, or a run in
    another PID namespace, only keeps a leftover for that hour.)"""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*{TEMP_SUFFIX}"):
        match = TEMP_NAME.fullmatch(leftover.name)
        if match is None or match["name"] != target.name:
            continue
        try:
            if _running(int(match["pid"])) and time.time() - leftover.lstat().st_mtime < STALE_SECONDS:
                continue
            leftover.unlink()
        except OSError:
            pass


def _running(pid: int) -> bool:
    """Whether process ``pid`` is alive (another user's counts: it may be a run over the same tree). Windows has no
    signal 0 (os.kill would end the process), so there every PID counts as running. A zombie is dead: the worker
    of a killed run waits as one where nothing reaps it (PID 1 of a container), and its temp file is a leftover."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
