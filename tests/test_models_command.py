"""`claude-migrate models` without AWS: the catalogue as a table and as JSON, as of a date and for a target."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from conftest import AS_OF, run_cli

from claude_migrate.data.errors import UsageError
from claude_migrate.formats.models_table import render
from claude_migrate.run.models import ModelsRequest, run_models


def _no_aws(region: str | None, profile: str | None) -> Any:
    pytest.fail("`models` asked AWS without --bedrock")


def _cells(line: str) -> list[str]:
    """The cells of a table line (columns are separated by two or more spaces; cells hold single spaces only)."""
    return re.split(r" {2,}", line.strip()) if line.strip() else []


def test_the_table_through_the_cli() -> None:
    result = run_cli("models", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert _cells(lines[0]) == ["MODEL", "TIER", "FIRST-PARTY ID", "BEDROCK ID", "PROFILES", "VERTEX ID",
                                "MAX OUTPUT", "ANTHROPIC API", "BEDROCK", "VERTEX", "REPLACEMENT (claude-4-6)"]
    rows = {cells[0]: cells for cells in map(_cells, lines[1:]) if cells}
    assert rows["Claude 3.5 Sonnet"] == [
        "Claude 3.5 Sonnet", "sonnet", "claude-3-5-sonnet-20240620", "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "us? eu? apac? us-gov?", "claude-3-5-sonnet@20240620", "8,192", "retired 2025-10-28", "retired 2025-12-01",
        "unknown", "Claude Sonnet 4.6"]
    # facts 2026-12-03: Claude 3 Haiku's Bedrock EOL is on AWS's model card, Sonnet 4.5's retirement on its model page
    assert rows["Claude 3 Haiku"][-3:] == ["retired 2026-09-10", "unknown", "Claude Haiku 4.5 (unsafe)"]
    assert rows["Claude Sonnet 4.5"][7] == "retires 2026-11-30 7d"
    assert rows["Claude Sonnet 4.6"][4:] == ["global us eu jp au? apac?", "claude-sonnet-4-6", "128,000",
                                            "Legacy ≥2027-02-17 86d", "unknown", "unknown", "-"]
    assert rows["Claude 1.x"][3:7] == ["-", "-", "-", "-"]
    assert lines[-1].startswith(f"Lifecycle as of {AS_OF}. ? = unconfirmed")


def test_json_for_another_target_and_date() -> None:
    output = run_models(ModelsRequest(as_of=datetime.date(2026, 12, 1), target="claude-4"),
                        _no_aws)
    assert output.exit_code == 0
    document = json.loads(render(output, as_json=True))
    assert (document["as_of"], document["target"], document["bedrock"]) == ("2026-12-01", "claude-4", None)
    models = {row["key"]: row for row in document["models"]}
    assert models["claude-3-5-sonnet-20241022"]["replacement"] == {
        "key": "claude-sonnet-4-20250514", "name": "Claude Sonnet 4", "fix": "safe"}
    assert models["claude-sonnet-4-5-20250929"]["replacement"] is None  # newer than the claude-4 target
    assert models["claude-sonnet-4-5-20250929"]["lifecycle"]["first_party"] == {  # facts 2026-12-03: model page
        "state": "retired", "deprecated": None, "retired": "2026-11-30", "not_before": None, "ends": "2026-11-30",
        "announced": True, "runway_days": -1, "replacement": "claude-sonnet-5-5", "confirmed": True,
        "note": "retired on the Claude API 2026-11-30 (model page); deprecation notice date not found; SDK "
                "1.17.0-2.14.0 warned end-of-life November 30th, 2026, 2.15.0+ drop the IDs"}
    haiku = models["claude-haiku-4-5-20251001"]
    assert (haiku["bedrock_id"], haiku["profiles"], haiku["profiles_unconfirmed"]) == (
        "anthropic.claude-haiku-4-5-20251001-v1:0", ["global", "us", "eu"], ["jp", "au"])
    assert haiku["lifecycle"]["bedrock"]["state"] is None and haiku["lifecycle"]["vertex"]["state"] is None
    assert models["claude-1.3"]["lifecycle"]["bedrock"] is None and "bedrock_live" not in haiku


@pytest.mark.parametrize(("request_options", "message"), [
    ({"target": "claude-9"}, "unknown target 'claude-9' (known targets: claude-4, claude-4-5, claude-4-6, claude-5-5)"),
    ({"save": "answer.json"}, "--save applies only with --bedrock"),
    ({"region": "us-east-1"}, "--region applies only with --bedrock"),
])
def test_usage_errors(request_options: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError) as raised:
        run_models(ModelsRequest(as_of=datetime.date(2026, 11, 23), **request_options), _no_aws)
    assert str(raised.value) == message
