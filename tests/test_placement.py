"""The lean placement pass gives every node the range libcst's own position providers give, on every fixture
written with each of Python's line endings, with and without a final newline, and indented with tabs: the
findings' positions and the fixes' edits depend on it, and it leans on libcst's code-generation hooks."""

from __future__ import annotations

from pathlib import Path

import ast

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider, WhitespaceInclusivePositionProvider

from claude_migrate.data.findings import Position
from claude_migrate.engine.placement import Placement
from claude_migrate.engine.traversal import visit_all
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


@pytest.mark.parametrize("variant", ["as written", "CR", "no final newline"])
def test_statement_by_statement_placement_agrees_with_libcst(variant: str) -> None:
    """With the walk's holders and Python's parse, only the statements asked about are written out; where the
    two parses disagree (a last statement without its newline) the whole module is, with the same ranges."""
    by_statement = 0
    for path in SOURCES:
        text = VARIANTS[variant](path.read_text(encoding="utf-8"))
        try:
            module, tree = cst.parse_module(text), ast.parse(text)
        except (cst.ParserSyntaxError, SyntaxError):
            continue
        syntactic = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        holders = visit_all(module, [])
        placement = Placement(module, text, [], holders, tree)
        held = [node for node in syntactic if holders.get(id(node), -1) >= 0]
        for node in reversed(held):  # the last statements first: a file's findings are mostly at its end
            assert placement.span(node) == _as_positions(syntactic[node]), (path.name, type(node).__name__)
        by_statement += bool(held) and -1 not in placement._done
    if variant == "no final newline":  # the last statement is asked about first, and its newline is not there
        assert by_statement == 0
    else:
        assert by_statement > len(SOURCES) // 2


@pytest.mark.parametrize("by_statement", [False, True])
def test_indentation_is_the_one_libcst_writes_and_unwatched_nodes_get_a_pass_of_their_own(by_statement: bool) -> None:
    text = "import os\n\n# a comment\n@wrap\ndef f():\n    if x:\n        call(a,\n             b)\n"
    module = cst.parse_module(text)
    holders, tree = (visit_all(module, []), ast.parse(text)) if by_statement else ({}, None)
    call = module.body[1].body.body[0].body.body[0].body[0].value  # type: ignore[attr-defined]
    placement = Placement(module, text, (), holders, tree)
    assert placement.span(call) == (Position(7, 8), Position(8, 15))
    assert placement.indents(call) == ("    ", "    ")
    assert placement.whole(call) == (Position(7, 8), Position(8, 15))
    assert placement.text_between(*placement.span(call)) == "call(a,\n             b)"
    assert (-1 not in placement._done) is by_statement  # only the function was written out
