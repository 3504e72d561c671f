"""Documentation made from the rule data, so it cannot drift from it: the README's Targets table, the `rules`
listing and the rule catalogue (``docs/rules.md``, ``claude-migrate rules --format markdown``)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.rules import Example, RuleSpec

TARGETS_START = "<!-- targets table: generated from rules/catalogue/targets.yaml by scripts/docs.py -->"
TARGETS_END = "<!-- end of targets table -->"


def _replacement_cell(data: RuleData, target: str, tier: str) -> str:
    replacement = data.targets.by_name[target].replace.get(tier)
    if replacement is None:
        return "-"
    model = replacement.model
    cell = f"{model.name} (`{model.key}`)"
    return cell if replacement.fix == "safe" else f"{cell}; {replacement.fix}: {replacement.why}"


def targets_table(data: RuleData) -> str:
    """One row per target: what replaces each tier, and how safe that fix is."""
    tiers = [tier for tier in data.catalogue.tiers if any(tier in t.replace for t in data.targets.by_name.values())]
    lines = ["| target | " + " | ".join(tier.capitalize() for tier in tiers) + " |",
             "| --- |" + " --- |" * len(tiers)]
    for name in data.targets.by_name:
        label = f"`{name}` (default)" if name == data.targets.default else f"`{name}`"
        lines.append(f"| {label} | " + " | ".join(_replacement_cell(data, name, tier) for tier in tiers) + " |")
    return "\n".join(lines) + "\n"


def with_targets_table(readme: str, data: RuleData) -> str:
    """``readme`` with the text between the targets-table markers made anew from the data."""
    start = readme.index(TARGETS_START) + len(TARGETS_START)
    end = readme.index(TARGETS_END, start)
    return f"{readme[:start]}\n{targets_table(data)}{readme[end:]}"


def rule_lines(rules: Sequence[RuleSpec]) -> list[str]:
    """The `rules` listing: code, name, fix safety and summary, in columns as wide as their longest entry."""
    name_width = max((len(rule.name) for rule in rules), default=0)
    fix_width = max((len(rule.fix) for rule in rules), default=0)
    return [f"{rule.code}  {rule.name:<{name_width}}  {rule.fix:<{fix_width}}  {rule.summary}" for rule in rules]


def _example_diff(example: Example) -> list[str]:
    options = [f"--target {example.target}"] if example.target else []
    options += [f"--{key.replace('_', '-')} {value}" for key, value in sorted(example.settings.items())]
    options += ["--unsafe-fixes"] if example.unsafe_fixes else []
    heading = "`" + " ".join(["claude-migrate fix", *options]) + "`"
    if example.requirements:
        heading += f" next to a `requirements.txt` of `{example.requirements.strip()}`"
    if example.before == example.after:
        body = ["```python", *example.before.rstrip("\n").splitlines(), "```"]
        return [f"Reported, not changed, by {heading}:", "", *body, ""]
    diff = difflib.unified_diff(example.before.splitlines(), example.after.splitlines(), lineterm="", n=3)
    return [f"{heading}:", "", "```diff", *list(diff)[2:], "```", ""]


def rule_catalogue(rules: Sequence[RuleSpec]) -> str:
    """Every rule with its safety, why, each example as a diff, and its sources (``docs/rules.md``)."""
    lines = ["# Rule catalogue", "",
             "Generated from the rule files in `rules/` by `scripts/docs.py`; `claude-migrate rules --format "
             "markdown` prints the same. Each example below is also run as a test.", "",
             "| code | name | fix | summary |", "| --- | --- | --- | --- |"]
    lines += [f"| [{r.code}](#{r.code.lower()}-{r.name}) | `{r.name}` | {r.fix} | {r.summary} |" for r in rules]
    for rule in rules:
        lines += ["", f"## {rule.code} {rule.name}", "", rule.summary, "",
                  f"Severity: {rule.severity}. Fix: {rule.fix}. Kind: `{rule.kind}`.", "",
                  rule.why.strip(), ""]
        for example in rule.examples:
            lines += _example_diff(example)
        lines += ["Sources:", "", *(f"- {source}" for source in rule.sources)]
    return "\n".join(lines) + "\n"
