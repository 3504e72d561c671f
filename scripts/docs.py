"""Rewrite the documentation that is made from the rule data: README.md's Targets table and docs/rules.md.

Run it after changing rules/; tests/test_docs.py fails while the committed text differs.
"""

from __future__ import annotations

from pathlib import Path

from claude_migrate.formats.docs import rule_catalogue, with_targets_table
from claude_migrate.run.rulecache import load

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    loaded = load()
    readme = ROOT / "README.md"
    readme.write_text(with_targets_table(readme.read_text(encoding="utf-8"), loaded.data), encoding="utf-8")
    (ROOT / "docs" / "rules.md").write_text(rule_catalogue(loaded.rules), encoding="utf-8")


if __name__ == "__main__":
    main()
