"""The lean placement pass gives every node the range libcst's own position providers give, on every fixture
written with each of Python's line endings, with and without a final newline, and indented with tabs: the
findings' positions and the fixes' edits depend on it, and it leans on libcst's code-generation hooks."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from claude_migrate.data.findings import Position
from claude_migrate.engine.placement import Placement
from conftest import FIXTURES

SOURCES = sorted(FIXTURES.rglob("*.py"))[::4]  # a quarter of them: libcst's own providers are slow
VARIANTS = {
    "as written": lambda text: text,
    "CRLF": lambda text: text.replace("\n", "\r\n"),
    "CR": lambda text: text.replace("\n", "\r"),
    "no final newline": lambda text: text.rstrip("\n"),
    "tabs": lambda text: text.replace("    ", "\t"),
}


def _as_positions(code_range: object) -> tuple[Position, Position]:
    start, end = code_range.start, code_range.end  # type: ignore[attr-defined]
    return Position(start.line, start.column), Position(end.line, end.column)


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_node_placed_as_libcst_places_it(variant: str) -> None:
    checked = 0
    for path in SOURCES:
        text = VARIANTS[variant](path.read_text(encoding="utf-8"))
        try:
            module = cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue  # tabs mixed with spaces; the other variants cover the file
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        syntactic = wrapper.resolve(PositionProvider)
        whole = wrapper.resolve(WhitespaceInclusivePositionProvider)
        placement = Placement(module, text, list(syntactic))
        for node, code_range in syntactic.items():
            assert placement.span(node) == _as_positions(code_range), (Path(path).name, type(node).__name__)
            assert placement.whole(node) == _as_positions(whole[node]), (Path(path).name, type(node).__name__)
        checked += 1
    assert checked > len(SOURCES) // 2


def test_indentation_is_the_one_libcst_writes_and_unwatched_nodes_get_a_pass_of_their_own() -> None:
    text = "def f():\n    if x:\n        call(a,\n             b)\n"
    module = cst.parse_module(text)
    call = module.body[0].body.body[0].body.body[0].body[0].value  # type: ignore[attr-defined]
    placement = Placement(module, text)
    assert placement.span(call) == (Position(3, 8), Position(4, 15))
    assert placement.indents(call) == ("    ", "    ")
    assert placement.whole(call) == (Position(3, 8), Position(4, 15))
    assert placement.text_between(*placement.span(call)) == "call(a,\n             b)"
