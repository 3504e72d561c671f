"""Property tests: for fixtures and rule examples rewritten in many harmless ways, ``fix`` output parses, is a
fixed point, and differs from its input only inside the spans of the findings ``check`` reported."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

from conftest import AS_OF
from fixture_cases import fixture_cases
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from source_mutations import mutated

from claude_migrate.api import Mode, process_file
from claude_migrate.context import RunOptions
from claude_migrate.engine import Analyzer
from claude_migrate.findings import Finding
from claude_migrate.loading import load_all_rules, load_rule_data

SEEDS = sorted({case.source.read_text(encoding="utf-8") for case in fixture_cases()}
               | {example.before for rule in load_all_rules() for example in rule.examples})
DATA = load_rule_data()
RULES = list(load_all_rules())
ANALYZER = Analyzer(DATA, RULES, RunOptions(target=DATA.targets.get(None), as_of=datetime.date.fromisoformat(AS_OF)))
TRIGGERS = tuple(sorted({token.encode() for rule in RULES for token in rule.triggers}))
ALL_FIXES = frozenset({"safe", "unsafe"})
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")  # lines as Python and libcst count them


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def spans(text: str, findings: list[Finding]) -> list[tuple[int, int]]:
    """Character offsets of the findings' ranges, merged where they touch."""
    starts = [0]
    for line in LINE.findall(text):
        starts.append(starts[-1] + len(line))
    ranges = sorted((starts[f.start.line - 1] + f.start.column, starts[f.end.line - 1] + f.end.column)
                    for f in findings)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def only_inside(before: str, after: str, allowed: list[tuple[int, int]]) -> bool:
    """Whether ``after`` is ``before`` with nothing but the ``allowed`` ranges replaced."""
    pieces, previous = [], 0
    for start, end in allowed:
        pieces.append(re.escape(before[previous:start]))
        previous = end
    pieces.append(re.escape(before[previous:]))
    return re.fullmatch("(.*?)".join(pieces), after, re.DOTALL) is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(SEEDS).flatmap(mutated))
def test_fix_output_parses_is_a_fixed_point_and_changes_only_findings(tmp_path_factory, source: str) -> None:
    assume(parses(source))
    path: Path = tmp_path_factory.mktemp("property") / "example.py"
    path.write_bytes(source.encode("utf-8"))

    checked = process_file(path, ANALYZER, TRIGGERS, Mode.CHECK, ALL_FIXES)
    assert checked.error is None, checked.error
    fixed = process_file(path, ANALYZER, TRIGGERS, Mode.FIX, ALL_FIXES)
    assert fixed.error is None, fixed.error
    after = path.read_bytes().decode("utf-8")
    assert parses(after)
    assert only_inside(source, after, spans(source, checked.findings)), "a change outside the findings' spans"
    assert (after != source) == bool(fixed.fixed)

    again = process_file(path, ANALYZER, TRIGGERS, Mode.FIX, ALL_FIXES)
    assert again.error is None and not again.fixed
    assert path.read_bytes().decode("utf-8") == after
