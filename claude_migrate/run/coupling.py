"""Coupled uses of one old model ID across the files of a run: they move together, or none moves safely.

After the first pass every model-ID finding carries its role. An ID used only as a request's model or a single
setting keeps its fixes. An ID that is also compared, asserted, looked up or listed somewhere in the run forms a
group: if every use has a fix to the same new text, the whole group moves (the comparisons too, as safe fixes);
if any use cannot be fixed (a catalogue entry, a manual finding, a fix that is unsafe for its own reason), no
safe fix of the group is applied, and the message names every coupled place.
"""

from __future__ import annotations

from collections.abc import Iterable

from claude_migrate.analysis.options import GroupDecision
from claude_migrate.analysis.roles import CATALOGUE, CONFIGURATION, COUPLED, REQUEST
from claude_migrate.data.findings import Finding

SHOWN_PLACES = 6


def _place(finding: Finding) -> str:
    return f"{finding.path}:{finding.location_prefix}{finding.start.line}"


def _in_code(finding: Finding) -> bool:
    """A catalogue in code (a capability set, a table keyed by model) is what lookups test the value against;
    a data file that lists models is reported, but nothing shows the code compares with it."""
    return finding.path.endswith((".py", ".pyi", ".ipynb"))


def _new_text(finding: Finding) -> str | None:
    return finding.fix.edits[0].content if finding.fix and len(finding.fix.edits) == 1 else None


def decide_groups(findings: Iterable[Finding]) -> tuple[GroupDecision, ...]:
    """The group decisions for every old ID that a run both sets and uses in a coupled place."""
    by_subject: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: f.sort_key):  # the same message whatever order files finish in
        if finding.subject and finding.role:
            by_subject.setdefault(finding.subject, []).append(finding)
    decisions = []
    for subject, uses in sorted(by_subject.items()):
        definitions = [use for use in uses if use.role in (REQUEST, CONFIGURATION)]
        coupled = [use for use in uses if use.role in COUPLED or (use.role == CATALOGUE and _in_code(use))]
        if not definitions or not coupled or not any(use.fix and use.fix.safety == "safe" for use in definitions):
            continue
        places = ", ".join(dict.fromkeys(_place(use) for use in coupled[:SHOWN_PLACES]))
        more = f" and {len(coupled) - SHOWN_PLACES} more" if len(coupled) > SHOWN_PLACES else ""
        members = [*definitions, *coupled]
        blockers = [use for use in members if use.fix is None or (use.role not in COUPLED and use.fix.safety != "safe")]
        texts = {_new_text(use) for use in members}
        if not blockers and len(texts) == 1:
            note = f"every use of `{subject}` in this run moves together ({places}{more})"
            decisions.append(GroupDecision(subject, True, note))
        else:
            held = ", ".join(dict.fromkeys(_place(use) for use in (blockers or coupled)[:SHOWN_PLACES]))
            decisions.append(GroupDecision(subject, False, f"`{subject}` is also used where this run cannot move "
                                                           f"it ({held}); fix those together with this one"))
    return tuple(decisions)
