"""Hypothesis strategies that rewrite Python source without changing what it means (mostly): more whitespace,
comments wherever the tokenizer allows them, backslash continuations, parentheses and calls around string
literals, other string prefixes and quote styles, trailing commas, CRLF and CR line ends. Mutations that
happen to break the syntax (a trailing comma after a generator, say) are filtered out by the caller."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

from hypothesis import strategies as st

OPENING, CLOSING = "([{", ")]}"
SIGNIFICANT = (tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.OP)
# Python 3.12+ splits f-strings (3.14 also t-strings) into tokens: they are left whole.
STRING_PARTS = {value: name for name, value in vars(tokenize).items() if name.startswith(("FSTRING_", "TSTRING_"))}

SAME_LINE_GAPS = (" ", "  ", "\t", " \\\n", " \\\n        ", "\x0c ")
BRACKET_GAPS = ("\n", "\n    ", "  # note\n", "  # claude-3-opus-20240229 in a comment\n    ", " \\\n  ")
LINE_END_COMMENTS = ("  # note", "# x", "  # anthropic.claude-3-5-sonnet-20240620-v1:0", " \t")
NEW_LINES = ("# a comment line\n", "\n", "    # indented comment\n")
WRAPPERS = (("(", ")"), ("((", "))"), ("str(", ")"), ("[", "][0]"), ("dict(v=", ")['v']"), ("(lambda s: s)(", ")"))
QUOTES = ('"', "'", '"""', "'''")
PREFIXES = ("", "r", "R", "u")
NEWLINE_STYLES = ("\r\n", "\r")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    return [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.ENCODING]


def _offsets(source: str) -> list[int]:
    starts, total = [0, 0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _plain_body(token: str) -> str | None:
    """The body of a string literal with no prefix, one-character quotes and nothing to escape, else None."""
    if len(token) < 2 or token[0] not in "'\"" or token[-1] != token[0] or token[:3] in ('"""', "'''"):
        return None
    body = token[1:-1]
    return None if any(ch in body for ch in "'\"\\\n") else body


@st.composite
def mutated(draw: st.DrawFn, source: str) -> str:
    """``source`` with a drawn set of edits applied (the seed must tokenize)."""
    tokens = _tokens(source)
    starts = _offsets(source)

    def at(position: tuple[int, int]) -> int:
        return starts[position[0]] + position[1]

    edits: list[Edit] = []
    last_newline = max(i for i, t in enumerate(tokens) if t.type in (tokenize.NEWLINE, tokenize.NL))
    depth = inside_string = 0
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        part = STRING_PARTS.get(token.type, "")
        inside_string += part.endswith("_START") - part.endswith("_END")
        if part or inside_string or following.type in STRING_PARTS:
            continue
        if token.type == tokenize.OP and token.string in OPENING:
            depth += 1
        elif token.type == tokenize.OP and token.string in CLOSING:
            depth -= 1
        gap = at(token.end)
        same_line = token.end[0] == following.start[0]
        if token.type in SIGNIFICANT and following.type in SIGNIFICANT and same_line and draw(st.integers(0, 9)) == 0:
            choices = SAME_LINE_GAPS + (BRACKET_GAPS if depth > 0 else ())
            edits.append(Edit(gap, gap, draw(st.sampled_from(choices))))
        if following.type in (tokenize.NEWLINE, tokenize.NL) and token.type != tokenize.COMMENT:
            if draw(st.integers(0, 5)) == 0:
                edits.append(Edit(gap, gap, draw(st.sampled_from(LINE_END_COMMENTS))))
        if token.type == tokenize.NEWLINE and draw(st.integers(0, 6)) == 0:
            edits.append(Edit(gap, gap, draw(st.sampled_from(NEW_LINES))))
        if (following.type == tokenize.OP and following.string in ")]" and token.type in SIGNIFICANT
                and token.string not in ("(", "[", ",") and draw(st.integers(0, 4)) == 0):
            edits.append(Edit(gap, gap, ","))
        if token.type in (tokenize.NEWLINE, tokenize.NL) and token.string == "\n" and draw(st.integers(0, 3)) == 0:
            style = draw(st.sampled_from(NEWLINE_STYLES if index < last_newline else ("\r\n",)))
            edits.append(Edit(at(token.start), gap, style))  # a lone CR that ends the file: see test_bad_input
    strings = [i for i, t in enumerate(tokens) if t.type == tokenize.STRING]
    for index in strings:
        token = tokens[index]
        if index - 1 in strings or index + 1 in strings:
            continue  # implicit concatenation: a wrapper would split it
        text = token.string
        body = _plain_body(text)
        if body is not None and draw(st.booleans()):
            quote = draw(st.sampled_from(QUOTES))
            if not (len(quote) == 3 and body.endswith(quote[0])):
                text = draw(st.sampled_from(PREFIXES)) + quote + body + quote
        if draw(st.integers(0, 3)) == 0:
            opening, closing = draw(st.sampled_from(WRAPPERS))
            text = opening + text + closing
        if text != token.string:
            edits.append(Edit(at(token.start), at(token.end), text))
    result = source
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        result = result[:edit.start] + edit.text + result[edit.end:]
    return result
