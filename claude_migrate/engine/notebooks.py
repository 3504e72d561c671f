"""Jupyter notebooks: the Python of their code cells is checked and fixed; the JSON is edited in place.

A notebook is one program: its Python cells are analysed as one module in cell order, so a client or a
constant defined in an earlier cell reaches a request in a later one. A notebook whose metadata names another
language is refused by name, not skipped silently (R's ``m <- 'x'`` parses as Python, so parsing cannot tell).

A notebook is never re-serialised. A fix replaces only the JSON string tokens of the source lines it
changed, so layout, metadata, outputs, markdown cells and the trailing newline stay byte for byte.
IPython magics and shell lines (``%``, ``%%``, ``!``, ``x = !cmd``, ``obj?``) are replaced by
placeholders before parsing (same line count, so positions hold) and put back afterwards.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeAlias

from claude_migrate.data.findings import Edit, Finding, Fix, FixOutcome, Position
from claude_migrate.engine.source import FixedPointError, SourceError

if TYPE_CHECKING:
    from claude_migrate.engine.analyzer import Analyzer

# Cell magics whose body is Python; any other %% cell (bash, html, sql, ...) is not analysed.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
# Words in a notebook's language name that mean its code cells are Python.
PYTHON_LANGUAGES = ("python", "pyspark")
_IPYTHON_LINE = re.compile(r"[ \t]*(?:[%!?]|[\w.\[\], \t]+=[ \t]*[%!]|[\w.]+\?\??[ \t]*$)")
_PLACEHOLDER = "pass  # IPython line"
_CONTINUATION_PLACEHOLDER = "# IPython line"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

# Where a cell's "source" value stands in the raw JSON, and its list items (None when it is one string).
SourceSpans: TypeAlias = tuple[tuple[int, int], tuple[tuple[int, int], ...] | None]


@dataclass(frozen=True)
class CodeCell:
    number: int  # 1-based position among all cells, as a reader counts them top to bottom
    source: str  # the cell's source as stored
    masked: str  # the same with IPython lines replaced by placeholders
    originals: dict[int, str]  # line index -> original line, for every masked line
    token: tuple[int, int]  # where the "source" value stands in the raw JSON
    elements: tuple[tuple[int, int], ...] | None  # where its list items stand; None when it is one string

    def unmask(self, fixed: str) -> str:
        """The fixed text with the IPython lines put back; refuses a fix that moved them."""
        lines, masked = fixed.split("\n"), self.masked.split("\n")
        if len(lines) != len(masked) or any(lines[index] != masked[index] for index in self.originals):
            raise SourceError(f"cell {self.number}: a fix would move an IPython line; the notebook was left unchanged")
        for index, line in self.originals.items():
            lines[index] = line
        return "\n".join(lines)


def _scan(line: str, depth: int, quote: str) -> tuple[int, str]:
    """Bracket depth and open triple quote after ``line``, given those before it (comments and strings skipped)."""
    index = 0
    while index < len(line):
        char = line[index]
        if quote:
            if line.startswith(quote, index):
                index, quote = index + len(quote), ""
            else:
                index += 2 if char == "\\" else 1
            continue
        if char == "#":
            break
        if char in "\"'":
            quote = line[index:index + 3] if line[index:index + 3] in ('"""', "'''") else char
            index += len(quote)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        index += 1
    return depth, quote if len(quote) == 3 else ""


def _mask(source: str) -> tuple[str, dict[int, str]] | None:
    """The source with IPython lines masked, and the original lines; None for a cell that is not Python.

    Like IPython, only a line that starts a statement can be a magic: not one inside brackets, a
    triple-quoted string, or after a backslash.
    """
    lines = source.split("\n")
    cell_magic = lines[0].startswith("%%")
    if cell_magic and (lines[0][2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
        return None
    originals: dict[int, str] = {}
    depth, quote, continued, magic_continued = 0, "", False, False
    for index, line in enumerate(lines):
        starts_statement = not (depth or quote or continued)
        if magic_continued or (index == 0 and cell_magic) or (starts_statement and _IPYTHON_LINE.match(line)):
            originals[index] = line
            indent = line[:len(line) - len(line.lstrip(" \t"))]
            lines[index] = _CONTINUATION_PLACEHOLDER if magic_continued else indent + _PLACEHOLDER
            magic_continued = line.rstrip().endswith("\\")
            continue
        depth, quote = _scan(line, depth, quote)
        continued = not quote and line.rstrip().endswith("\\")
    return "\n".join(lines), originals


class _Walker:
    """Steps through JSON text that is known to be valid, to find where values stand."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        self.pos = _WHITESPACE.match(self.text, self.pos).end()  # type: ignore[union-attr]
        return self.text[self.pos:self.pos + 1]

    def value(self) -> tuple[int, int]:
        """Skip one value; return its span."""
        self.peek()
        start = self.pos
        _, self.pos = _DECODER.raw_decode(self.text, start)
        return start, self.pos

    def _entries(self, close: str) -> Iterator[None]:
        self.pos += 1
        while (char := self.peek()) != close:
            if char == ",":
                self.pos += 1
                continue
            yield
        self.pos += 1

    def items(self) -> Iterator[None]:
        """Before each item of the array here; the caller consumes the item."""
        return self._entries("]")

    def members(self) -> Iterator[str]:
        """Each key of the object here; the caller consumes the value that follows."""
        for _ in self._entries("}"):
            start, end = self.value()
            key = json.loads(self.text[start:end])
            self.peek()
            self.pos += 1  # the colon
            yield key


def _source_spans(text: str) -> list[SourceSpans | None]:
    """For each cell: the span of its "source" value and of that value's list items."""
    walker = _Walker(text)
    cells: list[SourceSpans | None] = []
    if walker.peek() != "{":
        return cells
    for key in walker.members():
        if key != "cells" or walker.peek() != "[":
            walker.value()
            continue
        cells = []  # a repeated key: the last one counts, as for json.loads
        for _ in walker.items():
            source: SourceSpans | None = None
            if walker.peek() != "{":
                walker.value()
            else:
                for cell_key in walker.members():
                    if cell_key == "source" and walker.peek() == "[":
                        start, elements = walker.pos, []
                        for _ in walker.items():
                            elements.append(walker.value())
                        source = ((start, walker.pos), tuple(elements))
                    elif cell_key == "source":
                        source = (walker.value(), None)
                    else:
                        walker.value()
            cells.append(source)
    return cells


def _language(notebook: dict[str, Any]) -> str | None:
    """The language the notebook's metadata names; None when it names none."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return None
    info, spec = metadata.get("language_info"), metadata.get("kernelspec")
    language = (info.get("name") if isinstance(info, dict) else None) or (
        spec.get("language") if isinstance(spec, dict) else None)
    return language if isinstance(language, str) else None


def _is_python(language: str | None) -> bool:
    """Whether a notebook's language is Python: named so in any spelling kernels use (``python3``,
    ``ipython3``, ``pyspark``), or not named at all. The kernel's name (``conda-env-ml-py``) says nothing."""
    return language is None or any(word in language.lower() for word in PYTHON_LANGUAGES)


def code_cells(text: str) -> list[CodeCell]:
    """The Python code cells of a notebook; invalid JSON is a SourceError naming line and column."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise SourceError("JSON nested too deep to read") from None
    if isinstance(notebook, dict) and "worksheets" in notebook and "cells" not in notebook:
        raise SourceError("an nbformat 3 notebook (cells inside worksheets) is not read; skipped "
                          "(`jupyter nbconvert --to notebook` upgrades it)")
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return []
    result = []
    for number, (cell, spans) in enumerate(zip(notebook["cells"], _source_spans(text)), start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or spans is None:
            continue
        stored = cell.get("source")
        if isinstance(stored, list) and all(isinstance(line, str) for line in stored):
            source = "".join(stored)
        elif isinstance(stored, str):
            source = stored
        else:
            continue
        try:
            source.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise SourceError(f"cell {number}: a lone surrogate escape ({source[exc.start]!r}) is not text; "
                              "the notebook cannot be analysed") from None
        if (masked := _mask(source)) is not None:
            result.append(CodeCell(number, source, masked[0], masked[1], spans[0], spans[1]))
    if not _is_python(language := _language(notebook)):
        raise SourceError(f"a notebook whose language is {language}, not Python, is not read; skipped")
    return result


def _lines(source: str) -> list[str]:
    """Split the way nbformat stores a source: one item per line, each ending with its newline."""
    parts = source.split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _source_edits(text: str, cell: CodeCell, new_source: str, ensure_ascii: bool) -> list[tuple[int, int, str]]:
    """(start, end, replacement) edits of the raw JSON that store ``new_source`` for ``cell``."""

    def dump(value: str) -> str:
        return json.dumps(value, ensure_ascii=ensure_ascii)

    if cell.elements is None:
        return [(*cell.token, dump(new_source))]
    old_lines, new_lines = _lines(cell.source), _lines(new_source)
    stored = [json.loads(text[start:end]) for start, end in cell.elements]
    if stored == old_lines and len(new_lines) == len(old_lines):
        return [(start, end, dump(new)) for (start, end), old, new in zip(cell.elements, old_lines, new_lines)
                if old != new]
    # Lines were added or removed, or the list was not one item per line: write the list anew in the
    # layout of its own first items.
    start, end = cell.token
    opening = text[start + 1:cell.elements[0][0]] if cell.elements else ""
    closing = text[cell.elements[-1][1]:end - 1] if cell.elements else ""
    separator = text[cell.elements[0][1]:cell.elements[1][0]] if len(cell.elements) > 1 else "," + opening
    return [(start, end, "[" + opening + separator.join(map(dump, new_lines)) + closing + "]")]


def rewrite(text: str, changes: list[tuple[CodeCell, str]]) -> str:
    """``text`` with the source of each changed cell replaced, touching nothing else."""
    ensure_ascii = text.isascii() and "\\u" in text  # keep the file's way of writing non-ASCII characters
    edits = [edit for cell, new_source in changes for edit in _source_edits(text, cell, new_source, ensure_ascii)]
    for start, end, content in sorted(edits, reverse=True):
        text = text[:start] + content + text[end:]
    return text


# Ends each cell in the one module a notebook is analysed as; a comment line no fix edits.
_CELL_END = "# claude-migrate: end of cell"


@dataclass(frozen=True)
class _Program:
    """The Python cells of a notebook as one module, and the line each cell starts on."""

    cells: tuple[CodeCell, ...]
    text: str
    starts: tuple[int, ...]  # 1-based line of each cell's first line in ``text``

    @classmethod
    def of(cls, cells: list[CodeCell]) -> _Program:
        parts, starts, line = [], [], 1
        for cell in cells:
            body = cell.masked if cell.masked.endswith("\n") or not cell.masked else cell.masked + "\n"
            starts.append(line)
            parts.append(body + _CELL_END + "\n")
            line += body.count("\n") + 1
        return cls(tuple(cells), "".join(parts), tuple(starts))

    def split(self, text: str) -> list[str]:
        """The cells' sources in a fixed ``text`` of the module; refuses a fix that moved a cell boundary."""
        lines = text.split("\n")
        pieces: list[str] = []
        current: list[str] = []
        for line in lines[:-1]:
            if line == _CELL_END:
                pieces.append("".join(part + "\n" for part in current))
                current = []
            else:
                current.append(line)
        if current or lines[-1] or len(pieces) != len(self.cells):
            raise SourceError("a fix would move a cell boundary; the notebook was left unchanged")
        return [piece if cell.masked.endswith("\n") or not cell.masked else piece[:-1]
                for piece, cell in zip(pieces, self.cells)]

    def line_name(self, text: str, line: int) -> str:
        """``cell N, line M`` for a line of the module ``text`` (any fix pass's: the cell ends stay where they are)."""
        before = text.split("\n", line - 1)[:line - 1]
        ends = [index for index, content in enumerate(before) if content == _CELL_END]
        return f"cell {self.cells[len(ends)].number}, line {line - 1 - (ends[-1] if ends else -1)}"

    def locate(self, findings: list[Finding], text: str | None = None) -> list[Finding]:
        """``findings`` on the module (the module as ``text`` reads, after a fix) placed in their cells."""
        starts = self.starts if text is None else _Program.of(
            [replace(cell, masked=source) for cell, source in zip(self.cells, self.split(text))]).starts
        placed = []
        for finding in findings:
            index = bisect.bisect_right(starts, finding.start.line) - 1
            offset = starts[index] - 1

            def moved(position: Position) -> Position:
                return Position(position.line - offset, position.column)

            fix = finding.fix and Fix(finding.fix.safety, tuple(
                Edit(moved(edit.start), moved(edit.end), edit.content) for edit in finding.fix.edits))
            placed.append(replace(finding, start=moved(finding.start), end=moved(finding.end), fix=fix,
                                  location_prefix=f"cell {self.cells[index].number}:"))
        return placed


class NotebookChecker:
    """The Python analyzer over the code cells of a notebook that holds a trigger token, as one module."""

    def __init__(self, analyzer: Analyzer, triggers: tuple[str, ...]) -> None:
        self.analyzer = analyzer
        self.triggers = triggers

    def _program(self, text: str) -> _Program | None:
        cells = code_cells(text)
        if not any(token in cell.source for cell in cells for token in self.triggers):
            return None
        return _Program.of(cells)

    def _cell_error(self, path: str, program: _Program, exc: SourceError | FixedPointError) -> Exception:
        """The error named by its cell: the first cell that fails on its own, else the module's error."""
        for cell in program.cells:
            try:
                self.analyzer.check(path, cell.masked)
            except SourceError as own:
                return SourceError(f"cell {cell.number}: {own}")
        return exc

    def check(self, path: str, text: str) -> list[Finding]:
        program = self._program(text)
        if program is None:
            return []
        try:
            return program.locate(self.analyzer.check(path, program.text, program.line_name))
        except SourceError as exc:
            raise self._cell_error(path, program, exc) from None

    def fix(self, path: str, text: str, safeties: frozenset[str], seed: list[Finding] | None = None) -> FixOutcome:
        """Fix the cells as one program. A seed is not used: its positions are in cells, the program's are not."""
        program = self._program(text)
        if program is None:
            return FixOutcome(text, [], [])
        try:
            outcome = self.analyzer.fix(path, program.text, safeties, line_name=program.line_name)
        except (SourceError, FixedPointError) as exc:
            raise self._cell_error(path, program, exc) from None
        if outcome.text == program.text:
            return FixOutcome(text, program.locate(outcome.remaining), program.locate(outcome.fixed))
        changes = [(cell, cell.unmask(source)) for cell, source in zip(program.cells, program.split(outcome.text))
                   if source != cell.masked]
        return FixOutcome(rewrite(text, changes), program.locate(outcome.remaining, outcome.text),
                          program.locate(outcome.fixed))
