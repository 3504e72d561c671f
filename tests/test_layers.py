"""The package's layers import only downwards and never in a loop, counting imports made inside functions
and under TYPE_CHECKING too, as import-linter's layers contract would; ``data`` stays free of libcst."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "claude_migrate"
LAYERS = ("cli", "formats", "run", "engine", "kinds", "analysis", "audit", "bedrock", "data")  # top to bottom
BOTTOM_ONLY = {"data": {"libcst"}, "bedrock": {"libcst"}, "audit": {"libcst"}}  # third-party imports a layer must not make


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``path`` imports, with the line: top level, in functions and under TYPE_CHECKING alike."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield (candidate if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists()
                       or (PACKAGE.parent / candidate.replace(".", "/")).is_dir() else base), node.lineno


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "claude_migrate" or len(parts) == 1:
        return None
    return parts[1] if parts[1] in LAYERS else None


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_belongs_to_a_layer() -> None:
    loose = [name for name in MODULES if name not in ("claude_migrate", "claude_migrate.__main__")
             and layer_of(name) is None]
    assert not loose, f"modules outside the layer folders: {loose}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_only_down_the_layers(name: str) -> None:
    own = layer_of(name)
    if own is None:
        return
    upward = []
    for target, line in imports(MODULES[name]):
        other = layer_of(target)
        if other is not None and LAYERS.index(other) < LAYERS.index(own):
            upward.append(f"line {line}: {target} ({other} is above {own})")
        if target.split(".")[0] in BOTTOM_ONLY.get(own, set()):
            upward.append(f"line {line}: {target} (the {own} layer must not import it)")
    assert not upward, f"{name} imports up the layers: {upward}"


def test_no_import_cycle() -> None:
    graph = {name: {target for target, _ in imports(path) if target in MODULES and target != name}
             for name, path in MODULES.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of meaning; leave its edges in.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail(f"import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


@pytest.mark.parametrize("layer", LAYERS[1:])
def test_every_layer_says_what_it_owns(layer: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text()))
    assert doc and "import" in doc.lower(), f"claude_migrate/{layer}/__init__.py needs a docstring saying what it may import"
