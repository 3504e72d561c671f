"""The role of a model-ID occurrence, decided from where its value goes: the role decides what a fix may do.

A request's model and a single setting may be rewritten safely; a comparison or a test's expected value only
together with the value it tests (see the coupled groups of a run); a collection that lists several models on
purpose (a registry, a price or limit table, a capability set, an Enum) is a catalogue and is never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

REQUEST = "request"
CONFIGURATION = "configuration"
COMPARISON = "comparison"
CATALOGUE = "catalogue"
TEST = "test expectation"
UNKNOWN = "unknown"
# When several things hold for one literal, the most cautious role wins: a list that is also assigned to a name
# is still a catalogue, a compared literal in an assignment is still compared.
PRECEDENCE = (CATALOGUE, TEST, COMPARISON, REQUEST, CONFIGURATION, UNKNOWN)
COUPLED = (COMPARISON, TEST)  # unsafe alone; safe when every use of the same ID moves in the run

# A name that holds one model: ``model``, ``model_id``, ``modelId``, ``default_model``, ``fast_model``, ...
_MODEL_NAME = re.compile(r"(?i)^(?:.*[_-])?model(?:[_-]?(?:id|name|identifier))?$|^model[A-Z]\w*$|^\w*Model(?:Id)?$")


@dataclass(frozen=True)
class Role:
    """What an ID occurrence is in its program, why the tool thinks so, and the names that must not lie."""

    name: str
    why: str = ""
    holder: str | None = None  # the variable, attribute or class the value is assigned in, if any

    @property
    def rewritable(self) -> bool:
        """Whether a fix may change this occurrence at all (a catalogue entry is reported, never rewritten)."""
        return self.name != CATALOGUE

    @property
    def safe(self) -> bool:
        """Whether the role alone allows a safe fix (coupled roles may still move with their group)."""
        return self.name in (REQUEST, CONFIGURATION)


def names_a_model(name: str) -> bool:
    """Whether a variable, key or keyword name says it holds one model."""
    return bool(_MODEL_NAME.match(name))


def is_test_file(path: str) -> bool:
    """pytest's and unittest's usual test files: the values they assert are expectations, not settings."""
    parts = PurePath(path).parts
    name = parts[-1] if parts else ""
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or any(part in ("tests", "test") for part in parts[:-1]))


def in_test(role: Role, path: str) -> Role:
    """A test file's settings, fixtures, mocks and recorded data are what its assertions expect: they move only
    with the code they test (a request the test really sends stays a request)."""
    if role.name in (CONFIGURATION, UNKNOWN, CATALOGUE) and is_test_file(path):
        return Role(TEST, f"it is a value in a test file ({role.why})", role.holder)
    return role


def lying_name(holder: str, old: tuple[int, ...], new: tuple[int, ...]) -> bool:
    """Whether ``holder`` names the old model's generation (``CLAUDE_3_HAIKU``, ``Claude3Opus``, ``SONNET_35``)
    while the rewrite moves to another major generation, so the name would say one model and hold another."""
    if old[:1] == new[:1]:
        return False  # SONNET_4 holding Sonnet 4.6 still says what it holds
    digits = "".join(str(part) for part in old)
    squeezed = re.sub(r"[^a-z0-9]", "", holder.lower())
    family = r"(?:claude|sonnet|opus|haiku|instant)"
    return bool(re.search(rf"{family}v?{digits}(?![0-9])|(?<![0-9]){digits}{family}", squeezed))
