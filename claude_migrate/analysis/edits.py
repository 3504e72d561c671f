"""Formatting-preserving edits of dict literals, lists and call arguments, folded into non-overlapping node
replacements for the engine (an edit inside a node another edit rewrites is applied inside that rewrite)."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence, TypeAlias

import libcst as cst

from claude_migrate.analysis.values import Entry, MappingView

Element: TypeAlias = cst.BaseElement | cst.BaseDictElement | cst.Arg
Container: TypeAlias = cst.Dict | cst.List | cst.Tuple | cst.Set | cst.Call
NodeEdit = Callable[[cst.CSTNode], cst.CSTNode]


# -- elements of a container
def elements_of(node: Container) -> Sequence[Element]:
    return node.args if isinstance(node, cst.Call) else node.elements


def index_of(node: Container, element: Element) -> int:
    return next(i for i, e in enumerate(elements_of(node)) if e is element)


def _with_elements(node: Container, elements: list[Element]) -> Container:
    if isinstance(node, cst.Call):
        if not elements:
            return node.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
        return node.with_changes(args=elements)
    if not elements:
        return _collapsed(node)
    return node.with_changes(elements=elements)


def _collapsed(node: cst.Dict | cst.List | cst.Tuple | cst.Set) -> Container:
    empty = cst.SimpleWhitespace("")
    if isinstance(node, cst.Dict):
        return node.with_changes(elements=(), lbrace=cst.LeftCurlyBrace(empty), rbrace=cst.RightCurlyBrace(empty))
    if isinstance(node, cst.List):
        return node.with_changes(elements=(), lbracket=cst.LeftSquareBracket(empty),
                                 rbracket=cst.RightSquareBracket(empty))
    return node.with_changes(elements=())


def _opening(node: Container) -> cst.BaseParenthesizableWhitespace:
    if isinstance(node, cst.Call):
        return node.whitespace_before_args
    if isinstance(node, cst.Dict):
        return node.lbrace.whitespace_after
    if isinstance(node, cst.List):
        return node.lbracket.whitespace_after
    return cst.SimpleWhitespace("")


def _separator(node: Container) -> cst.Comma:
    """The comma that stands between two elements of this container, in its own layout."""
    elements = elements_of(node)
    if len(elements) >= 2 and isinstance(elements[-2].comma, cst.Comma):
        return elements[-2].comma
    opening = _opening(node)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=opening)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def remove_element(node: Container, element: Element) -> Container:
    """Drop one element. A line that ended after it still ends after the element before it. Removing the last
    one, the element before it takes over the trailing comma and the closing layout, but keeps the comment of its
    own line (the removed line's comment goes with it)."""
    elements = list(elements_of(node))
    index = index_of(node, element)
    removed = elements.pop(index)
    if index < len(elements) or not elements:
        if index > 0 and _breaks_line(removed.comma) and not _breaks_line(elements[index - 1].comma):
            elements[index - 1] = elements[index - 1].with_changes(comma=removed.comma)  # the line ends there
        return _with_elements(node, elements)
    own = elements[-1].comma
    own_line = own.whitespace_after.first_line if isinstance(own, cst.Comma) and isinstance(
        own.whitespace_after, cst.ParenthesizedWhitespace) else cst.TrailingWhitespace()
    comma = removed.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        comma = comma.with_changes(whitespace_after=comma.whitespace_after.with_changes(first_line=own_line))
    changes: dict[str, object] = {"comma": comma}
    if isinstance(removed, cst.Arg):
        after = removed.whitespace_after_arg
        if isinstance(after, cst.ParenthesizedWhitespace):
            after = after.with_changes(first_line=own_line)
        changes["whitespace_after_arg"] = after
    elements[-1] = elements[-1].with_changes(**changes)
    return _with_closing_line(_with_elements(node, elements), own_line)


def _breaks_line(comma: cst.Comma | cst.MaybeSentinel) -> bool:
    return isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)


def _with_closing_line(node: Container, line: cst.TrailingWhitespace) -> Container:
    """Put ``line`` (comment and newline) before the closing bracket of a multi-line dict or list."""
    for name in ("rbrace", "rbracket"):
        bracket = getattr(node, name, None)
        if bracket is not None and isinstance(bracket.whitespace_before, cst.ParenthesizedWhitespace):
            closing = bracket.whitespace_before.with_changes(first_line=line)
            return node.with_changes(**{name: bracket.with_changes(whitespace_before=closing)})
    return node


def append_element(node: Container, element: Element, line: cst.TrailingWhitespace | None = None) -> Container:
    """Add an element at the end, keeping the container's layout (one per line stays one per line) and the
    comment of the old last line on that line; ``line`` ends the new element's line in a one-per-line layout
    (a comment moved with the element)."""
    elements = list(elements_of(node))
    if not elements:
        return _with_elements(node, [element])
    last = elements[-1]
    separator = _separator(node)
    trailing = last.comma if isinstance(last.comma, cst.Comma) else None
    closing = last.whitespace_after_arg if isinstance(last, cst.Arg) else None
    if isinstance(separator.whitespace_after, cst.ParenthesizedWhitespace):
        plain = line or cst.TrailingWhitespace()
        separator = separator.with_changes(whitespace_after=separator.whitespace_after.with_changes(
            first_line=_last_line(node, trailing, closing), empty_lines=()))
        node = _with_closing_line(node, plain)
        if trailing is not None and isinstance(trailing.whitespace_after, cst.ParenthesizedWhitespace):
            trailing = trailing.with_changes(whitespace_after=trailing.whitespace_after.with_changes(
                first_line=plain, empty_lines=()))
        if isinstance(closing, cst.ParenthesizedWhitespace):
            closing = closing.with_changes(first_line=plain, empty_lines=())
    changes: dict[str, object] = {"comma": separator}
    new_changes: dict[str, object] = {"comma": trailing if trailing is not None else cst.MaybeSentinel.DEFAULT}
    if isinstance(last, cst.Arg) and isinstance(element, cst.Arg):
        changes["whitespace_after_arg"] = cst.SimpleWhitespace("")
        new_changes["whitespace_after_arg"] = closing
    elements[-1] = last.with_changes(**changes)
    elements.append(element.with_changes(**new_changes))
    return _with_elements(node, elements)


def _last_line(node: Container, trailing: cst.Comma | None,
               closing: cst.BaseParenthesizableWhitespace | None) -> cst.TrailingWhitespace:
    """The end of the last element's line (its comment, if any), wherever libcst keeps it."""
    for whitespace in (trailing.whitespace_after if trailing is not None else None, closing,
                       *(getattr(node, name).whitespace_before for name in ("rbrace", "rbracket") if hasattr(node, name))):
        if isinstance(whitespace, cst.ParenthesizedWhitespace):
            return whitespace.first_line
    return cst.TrailingWhitespace()


# -- line comments
def _ends(node: Container, index: int) -> list[tuple[str, cst.BaseParenthesizableWhitespace]]:
    """The places after element ``index`` (-1: after the opening bracket) where libcst may keep the end of its
    line: the comma's whitespace, a last argument's, the closing bracket's (a dict's trailing comma has none)."""
    if index < 0:
        return [("opening", _opening(node))]
    elements = elements_of(node)
    element = elements[index]
    found: list[tuple[str, cst.BaseParenthesizableWhitespace]] = []
    if isinstance(element.comma, cst.Comma):
        found.append(("comma", element.comma.whitespace_after))
    if index == len(elements) - 1:
        if isinstance(element, cst.Arg):
            found.append(("arg", element.whitespace_after_arg))
        for name in ("rbrace", "rbracket"):
            if hasattr(node, name):
                found.append((name, getattr(node, name).whitespace_before))
    return found


def _end_of(node: Container, index: int) -> cst.BaseParenthesizableWhitespace | None:
    """The whitespace after element ``index`` that holds the end of its line, if a line ends there."""
    return next((ws for _, ws in _ends(node, index) if isinstance(ws, cst.ParenthesizedWhitespace)), None)


def _with_end(node: Container, index: int, whitespace: cst.ParenthesizedWhitespace) -> Container:
    place = next(name for name, ws in _ends(node, index) if isinstance(ws, cst.ParenthesizedWhitespace))
    if place == "opening":
        if isinstance(node, cst.Call):
            return node.with_changes(whitespace_before_args=whitespace)
        name = "lbrace" if isinstance(node, cst.Dict) else "lbracket"
        return node.with_changes(**{name: getattr(node, name).with_changes(whitespace_after=whitespace)})
    if place in ("rbrace", "rbracket"):
        return node.with_changes(**{place: getattr(node, place).with_changes(whitespace_before=whitespace)})
    elements = list(elements_of(node))
    element = elements[index]
    if place == "comma":
        elements[index] = element.with_changes(comma=element.comma.with_changes(whitespace_after=whitespace))
    else:
        elements[index] = element.with_changes(whitespace_after_arg=whitespace)
    return _with_elements(node, elements)


def line_comment(node: Container, element: Element) -> cst.TrailingWhitespace | None:
    """The end of the element's line when the element has that line to itself and the line has a comment:
    what moves with the element when it moves elsewhere."""
    index = index_of(node, element)
    start, end = _end_of(node, index - 1), _end_of(node, index)
    if not (isinstance(start, cst.ParenthesizedWhitespace) and isinstance(end, cst.ParenthesizedWhitespace)):
        return None
    return end.first_line if end.first_line.comment is not None else None


def ends_line(node: Container, index: int) -> bool:
    """Whether a line ends after element ``index`` (-1: after the opening bracket)."""
    return isinstance(_end_of(node, index), cst.ParenthesizedWhitespace)


def one_per_line(node: Container) -> bool:
    """Whether an element appended to the container gets a line of its own."""
    return isinstance(_separator(node).whitespace_after, cst.ParenthesizedWhitespace)


def with_line_comment(node: Container, index: int, line: cst.TrailingWhitespace) -> Container:
    """Put ``line``'s comment at the end of the line that element ``index`` ends (-1: the opening bracket's),
    after the comment already there; the container is unchanged where no line ends there (see ``ends_line``)."""
    end = _end_of(node, index)
    if not isinstance(end, cst.ParenthesizedWhitespace) or line.comment is None:
        return node
    own = end.first_line
    if own.comment is not None:
        line = own.with_changes(comment=cst.Comment(f"{own.comment.value}  {line.comment.value}"))
    return _with_end(node, index, end.with_changes(first_line=line))


# -- new elements
def quote_of(node: Container) -> str:
    """The quote character the keys of a dict literal use (double quotes when it has none)."""
    for element in elements_of(node):
        key = getattr(element, "key", None)
        if isinstance(key, cst.SimpleString):
            return key.quote[0]
    return '"'


def string(text: str, quote: str = '"') -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{text}{quote}")


def with_text(node: cst.SimpleString, text: str) -> cst.SimpleString:
    """The same string literal (prefix and quotes kept) holding ``text``."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{text}{node.quote}")


def entry_for(container: Container, key: str, value: cst.BaseExpression) -> Element:
    """A ``"key": value`` element for a dict literal, or ``key=value`` for a call."""
    if isinstance(container, cst.Call):
        return cst.Arg(value=value, keyword=cst.Name(key), equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))
    return cst.DictElement(key=string(key, quote_of(container)), value=value,
                           whitespace_after_colon=cst.SimpleWhitespace(" "))


def can_hold(container: Container, key: str) -> bool:
    return not isinstance(container, cst.Call) or key.isidentifier()


def renamed_key(key: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """A dict key string (quotes kept) or a keyword argument's name, spelling ``name``."""
    if isinstance(key, cst.SimpleString):
        return with_text(key, name)
    return cst.Name(name)


# -- folding nested edits
class EditSet:
    """Edits of nodes that may contain one another; ``replacements`` folds inner edits into outer ones."""

    def __init__(self) -> None:
        self._nodes: list[cst.CSTNode] = []
        self._edits: dict[int, list[NodeEdit]] = {}

    def change(self, node: cst.CSTNode, edit: NodeEdit) -> None:
        if id(node) not in self._edits:
            self._nodes.append(node)
            self._edits[id(node)] = []
        self._edits[id(node)].append(edit)

    def replace(self, node: cst.CSTNode, new: cst.CSTNode) -> None:
        self.change(node, lambda _: new)

    def replacements(self) -> tuple[tuple[cst.CSTNode, cst.CSTNode], ...]:
        inside = {id(node): _descendants(node) for node in self._nodes}
        parent: dict[int, cst.CSTNode | None] = {}
        for node in self._nodes:
            holders = [other for other in self._nodes if other is not node and id(node) in inside[id(other)]]
            parent[id(node)] = min(holders, key=lambda h: len(inside[id(h)]), default=None)

        def build(node: cst.CSTNode) -> cst.CSTNode:
            current = node
            for edit in self._edits[id(node)]:  # edits find elements by identity, so they go first
                current = edit(current)
            inner = {id(child): build(child) for child in self._nodes if parent[id(child)] is node}
            return current.visit(Substitute(inner)) if inner else current  # type: ignore[return-value]

        return tuple((node, build(node)) for node in self._nodes if parent[id(node)] is None)


class Substitute(cst.CSTTransformer):
    """Replace nodes by identity, all in one traversal (a traversal rebuilds every node it passes)."""

    def __init__(self, mapping: Mapping[int, cst.CSTNode | cst.RemovalSentinel]) -> None:
        super().__init__()
        self.mapping = mapping

    def on_leave(self, original_node: cst.CSTNode,  # type: ignore[override]
                 updated_node: cst.CSTNode) -> cst.CSTNode | cst.RemovalSentinel:
        return self.mapping.get(id(original_node), updated_node)


def _descendants(node: cst.CSTNode) -> set[int]:
    found: set[int] = set()
    stack = list(node.children)
    while stack:
        child = stack.pop()
        found.add(id(child))
        stack.extend(child.children)
    return found


# -- entries of mappings
def remove_entry(edits: EditSet, entry: Entry, view: MappingView, *, prune: bool = True) -> None:
    """Remove an entry; when it is the last one of a dict written inline as another entry's value, remove that
    entry instead (``inferenceConfig={"thinking": ...}`` goes as a whole rather than leaving ``{}``)."""
    container = entry.container
    if prune and view.parent is not None and view.container is container and len(elements_of(container)) == 1:
        parent = view.parent
        edits.change(parent.container, lambda node: remove_element(node, parent.element))  # type: ignore[arg-type]
    else:
        edits.change(container, lambda node: remove_element(node, entry.element))  # type: ignore[arg-type]
