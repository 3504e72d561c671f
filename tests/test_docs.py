"""Documentation made from the data matches the data: README's Targets table, docs/rules.md, help texts."""

from __future__ import annotations

from conftest import REPO, invoke, run_process

from claude_migrate.formats import FORMATS, load_builtin_formats
from claude_migrate.formats.docs import rule_catalogue, with_targets_table
from claude_migrate.run.rulecache import load

LOADED = load()


def test_the_readme_targets_table_is_the_data() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert with_targets_table(readme, LOADED.data) == readme, "run python scripts/docs.py"


def test_the_rule_catalogue_is_the_rule_files() -> None:
    assert rule_catalogue(LOADED.rules) == (REPO / "docs" / "rules.md").read_text(encoding="utf-8"), \
        "run python scripts/docs.py"


def test_rules_as_markdown_prints_the_catalogue_and_the_listing_aligns_its_columns() -> None:
    markdown = invoke("rules", "--format", "markdown")
    assert markdown.returncode == 0
    assert markdown.stdout == rule_catalogue(LOADED.rules)
    listing = invoke("rules").stdout.splitlines()
    assert len(listing) == len(LOADED.rules)
    summaries = {line.index(rule.summary) for line, rule in zip(listing, LOADED.rules)}
    assert len(summaries) == 1, "summaries start in one column"


def test_help_lists_the_formats_and_targets_from_the_data() -> None:
    load_builtin_formats()
    help_text = " ".join(run_process("check", "--help").stdout.split()).replace("- ", "-")  # the real entry point
    for name in FORMATS:
        assert name in help_text
    for name in LOADED.data.targets.by_name:
        assert name in help_text
