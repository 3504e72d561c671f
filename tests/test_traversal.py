"""The analysis walk calls every visitor's methods exactly as libcst's ``visit_batched`` does, in the same order,
for every node type but the tokens it does not descend into; a visitor that listens to a token falls back to
libcst's walk."""

from __future__ import annotations

import libcst as cst

from claude_migrate.engine.traversal import TOKEN_NAMES, visit_all
from conftest import FIXTURES

SOURCES = sorted(FIXTURES.rglob("*.py"))[::3]  # a third: enough node types, and the walk of all of them is slow


def _node_types() -> set[str]:
    found: set[str] = set()
    pending: list[type] = [cst.CSTNode]
    while pending:
        kind = pending.pop()
        found.add(kind.__name__)
        pending.extend(kind.__subclasses__())
    return {name for name in found if hasattr(cst, name)}


def _recorder(names: set[str], events: list[tuple[str, str, int]], tag: str) -> cst.BatchableCSTVisitor:
    """A visitor with a visit and a leave method for each of ``names``, recording (tag, method, node) calls."""
    def method(label: str):  # type: ignore[no-untyped-def]
        def record(self, node) -> None:  # type: ignore[no-untyped-def]
            events.append((tag, label, id(node)))

        record.__name__ = label  # libcst finds a visitor's methods by their names
        return record

    methods = {f"{when}_{name}": method(f"{when}_{name}") for name in names for when in ("visit", "leave")}
    return type("Recorder", (cst.BatchableCSTVisitor,), methods)()


def _events(module: cst.Module, walk, names: set[str]) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    events: list[tuple[str, str, int]] = []
    walk(module, [_recorder(names, events, "first"), _recorder(names, events, "second")])
    return events


def test_every_visit_and_leave_in_libcst_order_on_every_fixture() -> None:
    names = _node_types() - TOKEN_NAMES
    calls = 0
    for path in SOURCES:
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        expected = _events(module, cst.visit_batched, names)
        assert _events(module, visit_all, names) == expected, path
        calls += len(expected)
    assert calls > 30_000


def test_a_visitor_of_tokens_gets_libcst_walk() -> None:
    module = cst.parse_module("call(a, b)  # note\n")
    names = {"Comma", "Comment", "Name"}
    assert _events(module, visit_all, names) == _events(module, cst.visit_batched, names)
    assert [label for _, label, _ in _events(module, visit_all, names)].count("visit_Comma") == 2
