"""Time as an input: the fixer never writes an ID that is retired on the run date, retired IDs and targets fail the
run, --fail-within warns ahead, and `models` shows Legacy states and the runway per platform."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, invoke
from test_rule_data import CONTEXTS, DATA, FORMS, PROFILE_PREFIXES, analyzer, valid_ids, written

from claude_migrate.data.catalogue import Platform
from claude_migrate.formats.models_table import render
from claude_migrate.run.models import ModelsRequest, run_models

# Before Claude 4's retirement, the day Sonnet 4.5 retired, after it, and when the 4.6 generation may be gone.
DATES = ("2026-03-01", "2026-11-30", "2026-12-03", "2027-03-01")
WRAPPERS = ("arn:aws:bedrock:us-east-1::foundation-model/", "bedrock/")


def _written_model(after: str, platform: Platform) -> tuple[str, str]:
    """(bare ID, model key) of a string the fixer wrote: without its wrapper and profile prefix."""
    text = next((after[len(w):] for w in WRAPPERS if after.startswith(w)), after)
    head, _, rest = text.partition(".")
    bare = rest if head in PROFILE_PREFIXES and rest else text
    return bare, valid_ids(platform)[bare].key


# Every target in every Region (slow: 36 contexts x 4 dates); the fast suite runs every target and date without one.
GRID = [pytest.param(*context, marks=pytest.mark.slow) if context[1] or context[2] else context for context in CONTEXTS]


@pytest.mark.parametrize("date", DATES)
@pytest.mark.parametrize(("target", "region", "prefix"), GRID,
                         ids=[f"{t}-{r or p or 'no-region'}" for t, r, p in CONTEXTS])
def test_no_fix_writes_an_id_retired_on_the_run_date(target: str, region: str | None, prefix: str | None,
                                                      date: str) -> None:
    """Every string any fix writes, safe or unsafe, for every target, Region and date, is live on that date."""
    engine = analyzer(target, region, prefix, as_of=date)
    day = datetime.date.fromisoformat(date)
    for before, platform, after in written(engine, frozenset({"safe", "unsafe"})):
        bare, key = _written_model(after, platform)
        state = DATA.catalogue.models[key].lifecycle(platform).state(day)
        assert state != "retired", f"{target} on {date}: {before} -> {after}, retired on {platform.label}"


def test_the_grid_writes_something() -> None:
    """The grid above is not vacuous: on a date when a target is live its fixes do write IDs."""
    assert len(FORMS) > 200
    assert list(written(analyzer("claude-4-6", "us-east-1", None, as_of="2026-12-03"), frozenset({"safe"})))
    assert list(written(analyzer("claude-4", None, None, as_of="2026-03-01"), frozenset({"safe"})))


def test_fix_with_a_retired_target_writes_nothing_for_it_and_fails(tmp_path: Path) -> None:
    source = FIXTURES / "lifecycle" / "retired_target.in.py"
    work = tmp_path / "app.py"
    work.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke("fix", "--no-cache", "--target", "claude-4-5", "--as-of", "2026-12-03", work)
    assert result.returncode == 1
    text = work.read_text(encoding="utf-8")
    assert text == (FIXTURES / "lifecycle" / "retired_target.out.py").read_text(encoding="utf-8")
    assert 'model="claude-sonnet-4-5' not in text and 'model="claude-3-5-sonnet-20241022"' in text
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: target claude-4-5: Claude Sonnet 4.5 is retired on the Anthropic API since 2026-11-30 "
                      "(`claude-sonnet-4-5-20250929`); live targets on 2026-12-03: --target claude-4-6, "
                      "--target claude-5-5"]
    assert ("CM101 `claude-3-5-sonnet-20241022` is Claude 3.5 Sonnet v2, retired on the Anthropic API since "
            "2025-10-28; target claude-4-5 would write `claude-sonnet-4-5-20250929`, but Claude Sonnet 4.5 is "
            "retired on the Anthropic API since 2026-11-30, so nothing is written") in result.stdout


def test_retired_ids_are_errors_and_deprecated_ones_warnings(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text('SONNET = "claude-sonnet-4-5-20250929"\nOPUS = "claude-opus-4-5"\n'
                                        'LATEST = "claude-sonnet-5-5"\n', encoding="utf-8")
    result = invoke("check", "--no-cache", "--target", "claude-4", "--as-of", "2026-12-03",
                    "--output-format", "json", tmp_path / "models.py")
    findings = {(f["code"], f["severity"]) for f in json.loads(result.stdout)}
    assert findings == {("CM106", "error"), ("CM106", "warning")}
    assert result.returncode == 1
    assert "error: target claude-4: Claude Sonnet 4 is retired on the Anthropic API since 2026-06-15" in result.stderr


def test_fail_within_reports_ids_and_target_models_that_may_retire_soon(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('HAIKU = "claude-haiku-4-5"\nSONNET = "claude-sonnet-4-5"\n'
                                     'CURRENT = "claude-sonnet-5-5"\n', encoding="utf-8")
    quiet = invoke("check", "--no-cache", "--as-of", "2026-12-01", "--output-format", "json", tmp_path / "app.py")
    assert [(f["code"], f["severity"]) for f in json.loads(quiet.stdout)] == [("CM102", "error")]  # Sonnet 4.5
    result = invoke("check", "--no-cache", "--fail-within", "90", "--as-of", "2026-12-01", "--output-format",
                    "json", tmp_path / "app.py")
    assert result.returncode == 1
    found = {f["message"].split("`")[1]: (f["code"], f["severity"]) for f in json.loads(result.stdout)}
    assert found == {"claude-haiku-4-5": ("CM106", "warning"), "claude-sonnet-4-5": ("CM102", "error")}
    haiku = next(f["message"] for f in json.loads(result.stdout) if f["code"] == "CM106")
    assert "Legacy on the Anthropic API, retiring no sooner than 2027-01-30 (within --fail-within 90 days)" in haiku
    assert "the vendor names Claude Haiku 5.5 (`claude-haiku-5-5`)" in haiku
    target_lines = [line for line in result.stderr.splitlines() if line.startswith("error: target claude-4-6")]
    assert len(target_lines) == 3 and all("within --fail-within 90 days" in line for line in target_lines)
    assert all(line.endswith("live targets on 2026-12-01: --target claude-5-5") for line in target_lines)


def test_fail_within_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.claude-migrate]\nfail-within = 60\n", encoding="utf-8")
    (tmp_path / "app.py").write_text('MODEL = "claude-opus-4-5"\nNEXT = "claude-opus-4-6"\n', encoding="utf-8")
    result = invoke("check", "--no-cache", "--as-of", "2027-01-10", "--output-format", "json", "app.py", cwd=tmp_path)
    found = [(f["code"], f["message"].split("`")[1]) for f in json.loads(result.stdout)]
    # Opus 4.5 moves to the target's Opus 4.6: not sooner than 2027-02-05, and with 60 days' notice not before
    # 2027-03-11, which is within 60 days of 2027-01-10 but not within 59
    assert found == [("CM102", "claude-opus-4-5"), ("CM106", "claude-opus-4-6")]
    assert "error: target claude-4-6: Claude Opus 4.6 is Legacy" in result.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.claude-migrate]\nfail-within = 59\n", encoding="utf-8")
    result = invoke("check", "--no-cache", "--as-of", "2027-01-10", "--output-format", "json", "app.py", cwd=tmp_path)
    assert [f["code"] for f in json.loads(result.stdout)] == ["CM102"]
    (tmp_path / "pyproject.toml").write_text("[tool.claude-migrate]\nfail-within = -1\n", encoding="utf-8")
    bad = invoke("check", "--no-cache", "app.py", cwd=tmp_path)
    assert bad.returncode == 2 and "fail-within" in bad.stderr


def test_the_default_target_says_it_is_legacy_and_points_at_the_current_generation(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n', encoding="utf-8")
    result = invoke("check", "--no-cache", "--as-of", "2026-12-03", tmp_path / "app.py")
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning: target claude-4-6")]
    assert "Claude Sonnet 4.6 is Legacy on the Anthropic API, retiring no sooner than 2027-02-17" in warning
    assert warning.endswith("For the current generation use `--target claude-5-5`.")
    assert not [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_models_lists_the_5x_generation_with_legacy_and_runway() -> None:
    view = run_models(ModelsRequest(as_of=datetime.date(2026, 12, 3)), lambda region, profile: None)
    models = {row["key"]: row for row in json.loads(render(view, as_json=True))["models"]}
    for key in ("claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5", "claude-sonnet-5", "claude-opus-5",
                "claude-fable-5", "claude-opus-4-8"):
        assert models[key]["first_party_id"] == key
    assert models["claude-haiku-5-5"]["bedrock_id"] == "anthropic.claude-haiku-5-5"
    assert models["claude-sonnet-4-6"]["lifecycle"]["first_party"] == {
        "state": "legacy", "deprecated": None, "retired": None, "not_before": "2027-02-17", "ends": "2027-02-17",
        "announced": False, "runway_days": 76, "replacement": "claude-sonnet-5-5", "confirmed": True,
        "note": "Legacy in the overview of 2026-08-22 and on the model page"}
    assert models["claude-sonnet-4-5-20250929"]["lifecycle"]["first_party"]["state"] == "retired"
    assert models["claude-opus-4-20250514"]["lifecycle"]["bedrock"]["state"] == "retired"
    table = render(view)
    rows = {line.split("  ")[0]: line for line in table.splitlines()}
    assert "Legacy ≥2027-06-30 209d" in rows["Claude Sonnet 5"]
    assert "Legacy ≥2027-02-01 60d" in rows["Claude Haiku 4.5"]  # not-before passed: 60 days' notice from today
    assert "retires 2027-01-22 50d?" in rows["Claude Opus 4.5"]
    assert "Claude Sonnet 5.5" in rows and "claude-sonnet-5-5" in rows["Claude Sonnet 5.5"]
