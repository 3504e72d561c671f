"""Read a source file into text and write text back in exactly the file's own encoding, BOM and mode."""

from __future__ import annotations

import glob
import io
import os
import re
import stat
import tempfile
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
    finally:
        os.close(handle)


def read_raw(path: str | Path) -> bytes:
    return read_with_stat(path)[0]


def read_source(path: Path) -> SourceFile:
    return decode(path, read_raw(path))


def write_atomically(source: SourceFile, data: bytes) -> None:
    """Replace the file in one rename, keeping its mode; refuse if it changed since it was read."""
    target = Path(os.path.realpath(source.path))
    try:
        current = target.read_bytes()
    except OSError as exc:
        raise WriteError(f"cannot re-read before writing: {exc.strerror or exc}") from None
    if current != source.raw:
        raise WriteError("the file changed while it was being fixed; it was not overwritten")
    try:
        info = target.stat()
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise WriteError("the file is read-only; it was not changed")
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise WriteError(f"cannot write next to the file: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        _keep_owner(temp_name, info)
        os.replace(temp_name, target)
    except BaseException as exc:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"cannot replace the file: {exc.strerror or exc}") from None
        raise
    _remove_leftovers(target)


def _keep_owner(temp_name: str, original: os.stat_result) -> None:
    """Give the new file the old one's owner and group: run as root (say, in a container over a mounted
    checkout) the fixed files became root's. Without the right to do so, the writer's own ids stay."""
    current = os.stat(temp_name)
    if (current.st_uid, current.st_gid) != (original.st_uid, original.st_gid):
        try:
            os.chown(temp_name, original.st_uid, original.st_gid)
        except PermissionError:
            pass


def _remove_leftovers(target: Path) -> None:
    """Delete temp files a killed run left next to ``target``: the write that just succeeded supersedes them.
    mkstemp names them ``.NAME.`` + 8 random characters + the suffix, so another file's never match."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.{'[a-z0-9_]' * 8}{TEMP_SUFFIX}"):
        try:
            leftover.unlink()
        except OSError:
            pass
