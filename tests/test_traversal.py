"""The analysis walk calls every visitor's methods exactly as libcst's ``visit_batched`` does, in the same order,
for every node type but the tokens it does not descend into; a visitor that listens to a token falls back to
libcst's walk."""

from __future__ import annotations

import libcst as cst

from claude_migrate.engine.traversal import LEAF_NAMES, TOKEN_NAMES, _fields, visit_all
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


RARE = '''\
from __future__ import annotations
import a.b as c, d
from .e import (f as g, h,)
from . import *

@decorator(arg)
@other.attr
async def coroutine[T: int, *Ts, **P](x: T, /, y=1, *args: int, z: str = "", **kwargs) -> list[T]:
    global counter
    async with lock as (held, other), second:
        async for item in stream:
            await item
    result = [value async for value in source if value if not value]
    return {key: value for key, value in pairs}, {element for element in items}, (g for g in gen)

class Box[T = int](Base, metaclass=Meta):
    attribute: int = 1
    def method(self):
        def inner():
            nonlocal attribute
        yield from inner()
        yield

type Alias[K] = dict[K, "claude-3-opus-20240229"]

match command:
    case [Point(x=0, y=0), *rest] if rest:
        pass
    case {"key": value, **others} | Fallback() as bound:
        pass
    case "literal" | 1 | -2 | 3 + 4j | None | a.b.c:
        pass
    case _:
        pass

try:
    raise ValueError("x") from None
except* (ValueError, TypeError) as group:
    pass
else:
    pass
finally:
    del a[1:2:3], b.c
while (n := next(it)) is not None:
    n += 1; n **= 2
else:
    assert n, f"{n!r:>{width}.{precision}} {n=} {'nested' + f'{n}'}"
lam = lambda q, *, r=2: q if r else -q
with open("f") as handle: print(handle, sep="", end=...)
for i, (j, k) in enumerate(x[::2]): continue
x = not a and b or c < d <= e != f in g not in h is i is not j
value = (yield) if False else (b"bytes" b"joined", r"raw", 0x1F, 1.5e3, 2j, ~a @ b // c >> d << e & f ^ g | h % i)
print(*args, **kwargs)
first, *others = [*values, 1]
'''


def test_every_visit_and_leave_in_libcst_order_on_rare_constructs() -> None:
    module = cst.parse_module(RARE)
    names = _node_types() - TOKEN_NAMES
    expected = _events(module, cst.visit_batched, names)
    assert _events(module, visit_all, names) == expected
    visited = {label for _, label, _ in expected}
    for kind in ("TypeParam", "ParamSpec", "TypeVarTuple", "TypeAlias", "MatchClass", "MatchMapping", "MatchOr",
                 "MatchAs", "MatchStar", "NamedExpr", "Lambda", "FormattedStringExpression", "DictComp",
                 "GeneratorExp", "Await", "Yield", "TryStar", "Global", "Nonlocal", "Decorator", "ImportAlias",
                 "SimpleStatementLine", "SimpleStatementSuite", "Slice", "Comparison", "StarredElement"):
        assert f"visit_{kind}" in visited, kind


def test_the_walk_reads_its_own_field_order_for_nearly_every_node_type() -> None:
    """Types whose order cannot be read from libcst fall back to libcst's visit of their children: correct but
    slow. A libcst release that changes the shape of its walk shows up here, not as a slow-down."""
    kinds = {kind for kind in _subclasses_of(cst.CSTNode) if "_visit_and_replace_children" in vars(kind)
             and not getattr(kind, "__abstractmethods__", None) and kind.__name__ not in LEAF_NAMES}
    unread = sorted(kind.__name__ for kind in kinds if _fields(kind) is None)
    assert len(kinds) > 150
    assert unread == [], unread


def _subclasses_of(kind: type) -> list[type]:
    found: list[type] = []
    pending = [kind]
    while pending:
        found.append(current := pending.pop())
        pending.extend(current.__subclasses__())
    return found
