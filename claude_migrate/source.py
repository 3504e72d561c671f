"""Read a source file into text and write text back in exactly the file's own encoding, BOM and mode."""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

BOM = b"\xef\xbb\xbf"
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


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
        try:
            body = text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            raise WriteError(f"the fixed text cannot be encoded as {self.encoding}: {exc.reason}") from None
        return (BOM + body) if self.bom else body


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
        raise ReadError(f"bad encoding declaration: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    bom = raw.startswith(BOM)
    body = raw[len(BOM):] if bom else raw
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise ReadError(f"cannot be decoded as {codec} (byte {exc.start}: {exc.reason})") from None
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


def read_raw(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ReadError("is a directory") from None
    except OSError as exc:
        raise ReadError(exc.strerror or str(exc)) from None


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
        mode = stat.S_IMODE(target.stat().st_mode)
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise WriteError("the file is read-only; it was not changed")
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".claude-migrate.tmp",
                                             dir=target.parent)
    except OSError as exc:
        raise WriteError(f"cannot write next to the file: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException as exc:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise WriteError(f"cannot replace the file: {exc.strerror or exc}") from None
        raise
