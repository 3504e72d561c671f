"""Moving a request key to another place of the same request (a Converse key into
``additionalModelRequestFields``, ``temperature`` into ``extra_body``): where the destination is, why a move may
need a human, and the formatting-preserving edits. The comment at the end of the moved key's own line moves with
it. Shared by the rule kinds that move keys."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from claude_migrate.analysis.edits import (EditSet, append_element, can_hold, ends_line, entry_for, index_of,
                                           line_comment, one_per_line, remove_entry, renamed_key, string,
                                           with_line_comment)
from claude_migrate.analysis.values import Entry, MappingView, Resolver
from claude_migrate.data.surfaces import KeyPath


@dataclass(frozen=True)
class Destination:
    """The deepest mapping on the way to the destination that exists and the keys still missing below it, or
    ``blocked``: why the move needs a human."""

    blocked: str = ""
    view: MappingView | None = None
    missing: KeyPath = ()


def find_destination(resolver: Resolver, args: MappingView, keys: KeyPath, *, inline: bool = False) -> Destination:
    """Where ``keys`` (dotted from the call's arguments) would go. With ``inline``, a mapping on the way must be
    written in the call itself: a dict held by a name may be shared, so writing into it is not this call's edit."""
    view, destination = args, ".".join(keys)
    for depth, key in enumerate(keys):
        step = view.get(key)
        if step is None:
            missing = keys[depth:]
            if not can_hold(view.container, missing[0]):
                return Destination(f"`{missing[0]}` cannot be a keyword argument")
            return Destination(view=view, missing=missing)
        if not isinstance(step, Entry):
            return Destination(f"`{destination}` may already be set where this tool cannot see")
        if depth == len(keys) - 1:
            return Destination(f"`{destination}` is already set: merge the two by hand")
        inner = resolver.mapping(step.reached(), step)
        where = ".".join(keys[:depth + 1])
        if inner is None:
            return Destination(f"`{where}` is not a dict written in this file")
        if inline and inner.container is not step.value:
            return Destination(f"`{where}` is not a dict literal written in the call")
        if isinstance(step.value, cst.Dict) and any(isinstance(e, cst.StarredDictElement) for e in step.value.elements):
            return Destination(f"`{where}` spreads another dict (`**`), which code elsewhere may give the key: merge "
                               f"by hand")
        view = inner
    return Destination(view=view)


def move_edits(entry: Entry, source_view: MappingView, destination: Destination, *, in_place: bool = True) -> EditSet:
    """The edits that move ``entry`` to ``destination`` (not blocked). Where the destination's first missing key
    goes in the entry's own container, the entry becomes it in place (renamed, its value wrapped in the dicts
    still missing), keeping its position, line and comment; else it is appended to the destination and removed
    (with a dict it leaves empty) at the source. ``in_place=False`` when another move in the same container
    creates the same key: both then rewrite the whole container, so one pass applies one and the next merges."""
    view, missing = destination.view, destination.missing
    assert view is not None and missing
    edits = EditSet()
    value: cst.BaseExpression = entry.value
    for key in reversed(missing[1:]):
        value = cst.Dict([cst.DictElement(string(key), value, whitespace_after_colon=cst.SimpleWhitespace(" "))])
    if view.container is entry.container and (in_place or len(missing) == 1):
        edits.replace(entry.key_node, renamed_key(entry.key_node, missing[0]))
        if len(missing) > 1:
            edits.replace(entry.value, value)
        return edits
    new_element = entry_for(view.container, missing[0], value)
    comment = line_comment(entry.container, entry.element)
    carried = comment if comment is not None and one_per_line(view.container) else None
    if comment is not None and carried is None:
        _comment_elsewhere(edits, entry, view, comment)
    remove_entry(edits, entry, source_view, prune=view.container is not entry.container)
    edits.change(view.container, lambda node: append_element(node, new_element, carried))  # type: ignore[arg-type]
    return edits


def _comment_elsewhere(edits: EditSet, entry: Entry, view: MappingView, comment: cst.TrailingWhitespace) -> None:
    """A destination written on one line: the comment goes to the end of the line that holds the destination's
    entry, or else stays near where it was, on the line before the moved key's."""
    holder = view.parent
    if holder is not None and ends_line(holder.container, index_of(holder.container, holder.element)):
        container, element, offset = holder.container, holder.element, 0
    else:
        container, element, offset = entry.container, entry.element, -1

    def place(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, (cst.Dict, cst.Call))
        return with_line_comment(node, index_of(node, element) + offset, comment)

    edits.change(container, place)
