"""Read and rewrite the text of string literals without touching their quotes, prefixes or escapes."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

import libcst as cst


@dataclass(frozen=True)
class Segment:
    """A run of literal text inside a string node whose source text equals its value."""

    node: cst.SimpleString | cst.FormattedStringText
    value: str
    after_placeholder: bool
    editable: bool

    def replaced(self, start: int, end: int, text: str) -> cst.CSTNode:
        """The same node with ``value[start:end]`` replaced by ``text``."""
        new_value = self.value[:start] + text + self.value[end:]
        if isinstance(self.node, cst.SimpleString):
            prefix, quote, _ = _parts(self.node.value)  # as written: libcst's ``prefix`` is lower-cased
            return self.node.with_changes(value=prefix + quote + new_value + quote)
        return self.node.with_changes(value=new_value)


def _parts(source: str) -> tuple[str, str, str]:
    """A string literal's prefix as written, its quote, and the text between its quotes."""
    opening = min(at for at in (source.find('"'), source.find("'")) if at >= 0)
    triple = source[opening:opening + 3]
    quote = triple if triple in ('"""', "'''") and len(source) >= opening + 6 else source[opening]
    return source[:opening], quote, source[opening + len(quote):-len(quote)]


def _simple_value(node: cst.SimpleString) -> str | None:
    """The value of a str literal, None for bytes."""
    return _literal(node.value)[1]


@functools.lru_cache(maxsize=1 << 16)
def _literal(source: str) -> tuple[str, str | None]:
    """The text between the quotes of a string literal written as ``source``, and its value (None for bytes).
    Most literals hold no escape and no carriage return (which a triple-quoted string turns into a newline), so
    their value is that text, and Python's evaluation, a compile per literal, runs only for the others; rules
    ask for the same literals again and again, so each text is read once."""
    prefix, quote, raw = _parts(source)
    prefix = prefix.lower()
    if "b" in prefix:
        return raw, None
    if ("\\" not in raw or "r" in prefix) and "\r" not in raw:
        return raw, raw
    value = ast.literal_eval(source)
    return raw, value if isinstance(value, str) else None


def _simple_string_segment(node: cst.SimpleString) -> Segment | None:
    try:
        raw, value = _literal(node.value)
    except Exception:  # noqa: BLE001 - Python raises several kinds for odd escapes
        return None
    if value is None:
        return None
    return Segment(node, raw if raw == value else value, after_placeholder=False, editable=raw == value)


def segments(node: cst.BaseExpression) -> list[Segment]:
    """The literal text runs of a simple string or f-string (placeholders split the runs)."""
    if isinstance(node, cst.SimpleString):
        segment = _simple_string_segment(node)
        return [segment] if segment else []
    if isinstance(node, cst.FormattedString):
        if "b" in node.prefix.lower():
            return []
        result = []
        previous_was_field = False
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                plain = "\\" not in part.value and "{{" not in part.value and "}}" not in part.value
                value = part.value if plain else part.value.replace("{{", "{").replace("}}", "}")
                result.append(Segment(part, value, after_placeholder=previous_was_field, editable=plain))
                previous_was_field = False
            else:
                previous_was_field = True
        return result
    return []


def literal_text(node: cst.BaseExpression) -> str | None:
    """The value of a plain string literal (also implicitly concatenated), else None."""
    if isinstance(node, cst.SimpleString):
        return _simple_value(node)
    if isinstance(node, cst.ConcatenatedString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
