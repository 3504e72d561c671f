"""Property tests: for fixtures and rule examples rewritten in many harmless ways, ``fix`` output parses, is a
fixed point, and is exactly what the edits ``check`` reports give, pass by pass; each pass changes the text only
inside the spans of the findings it applies (their ranges and their fixes' edits)."""

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

from claude_migrate.analysis.options import RunOptions
from claude_migrate.data.findings import MAX_FIX_PASSES, PYTHON_LINE_BREAKS, Finding, apply_edits, choose_fixes
from claude_migrate.run.rulecache import load as load_rule_set
from claude_migrate.run.processing import FileProcessor, RunPlan
from claude_migrate.run.results import Mode
from claude_migrate.analysis.edits import Substitute
from claude_migrate.engine.analyzer import parse as parse_module
from claude_migrate.engine.source import physical_lines

SEEDS = sorted({case.source.read_text(encoding="utf-8") for case in fixture_cases() if case.source.suffix == ".py"}
               | {example.before for rule in load_rule_set().rules for example in rule.examples})
DATA = load_rule_set().data
OPTIONS = RunOptions(target=DATA.targets.get(None), as_of=datetime.date.fromisoformat(AS_OF))
ALL_FIXES = frozenset({"safe", "unsafe"})
CHECKER, FIXER = (FileProcessor(RunPlan(DATA, tuple(load_rule_set().rules), OPTIONS, mode, ALL_FIXES))
                  for mode in (Mode.CHECK, Mode.FIX))


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


def spans(text: str, findings: list[Finding]) -> list[tuple[int, int]]:
    """Character offsets of what the findings report: their ranges and their fixes' edits, merged where they
    touch. (A fix may reach past its finding: removing a beta flag rewrites the list that holds it.)"""
    starts = [0]
    for line in physical_lines(text):
        starts.append(starts[-1] + len(line))
    reported = [(f.start, f.end) for f in findings]
    reported += [(edit.start, edit.end) for f in findings if f.fix for edit in f.fix.edits]
    ranges = sorted((starts[start.line - 1] + start.column, starts[end.line - 1] + end.column)
                    for start, end in reported)
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


def substituted(path: str, text: str) -> str:
    """What the rules' node replacements make of ``text`` in one pass, rewritten by libcst: the reported text
    edits (which ``fix`` writes) must say exactly this."""
    module = parse_module(text)
    analysis = CHECKER.analyzer.analyze(path, module, text)
    chosen = choose_fixes(analysis.findings, ALL_FIXES)
    return module.visit(Substitute({id(old): new for i in chosen for old, new in analysis.raw[i].replacements})).code


def reported_passes(path: Path, source: str) -> str:
    """What the edits ``check`` reports (the ones JSON and SARIF carry) make of ``source``, applied pass by pass as
    ``fix`` does: each pass must change nothing outside the spans of the findings it applies."""
    current = source
    for _ in range(MAX_FIX_PASSES):
        path.write_bytes(current.encode("utf-8"))
        checked, _ = CHECKER.process(str(path), "python")
        assert checked.error is None, checked.error
        applied = [checked.findings[i] for i in choose_fixes(checked.findings, ALL_FIXES)]
        if not applied:
            return current
        edited = apply_edits(current, [edit for f in applied for edit in f.fix.edits], PYTHON_LINE_BREAKS)
        assert edited == substituted(str(path), current), "the text edits say something else than the node rewrites"
        assert parses(edited)
        assert only_inside(current, edited, spans(current, applied)), "a change outside the findings' spans"
        current = edited
    raise AssertionError("the reported edits never settle")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(SEEDS).flatmap(mutated))
def test_fix_output_parses_is_a_fixed_point_and_changes_only_findings(tmp_path_factory, source: str) -> None:
    assume(parses(source))
    path: Path = tmp_path_factory.mktemp("property") / "example.py"
    expected = reported_passes(path, source)

    path.write_bytes(source.encode("utf-8"))
    fixed, _ = FIXER.process(str(path), "python")
    assert fixed.error is None, fixed.error
    after = path.read_bytes().decode("utf-8")
    assert after == expected, "fix wrote something other than the edits check reports"
    assert (after != source) == bool(fixed.fixed)

    again, _ = FIXER.process(str(path), "python")
    assert again.error is None and not again.fixed
    assert path.read_bytes().decode("utf-8") == after
