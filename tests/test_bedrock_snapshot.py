"""`check`/`fix` with Bedrock's answer: saved snapshots, the Region prefix they give, CM105, and bad snapshot files."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bedrock_answers import model_summary, profile_summary
from conftest import AS_OF, run_cli

from claude_migrate.run.api import Mode, run
from claude_migrate.bedrock.snapshot import BedrockSnapshot, load_snapshot
from claude_migrate.run.config import Settings
from claude_migrate.data.errors import DataError, UsageError

DATE = datetime.date.fromisoformat(AS_OF)
TOKYO = ("ap-northeast-1", "ap-northeast-3")
TAKEN = "2026-11-20T09:30:00+00:00"


def _answer(region: str, models: list[dict[str, Any]], profiles: list[dict[str, Any]]) -> BedrockSnapshot:
    """An answer as ``models --bedrock --save`` keeps it (timestamps as ISO strings)."""
    document = json.loads(json.dumps({"models": models, "profiles": profiles}, default=datetime.datetime.isoformat))
    return BedrockSnapshot(region, TAKEN, tuple(document["models"]), tuple(document["profiles"]))


TOKYO_ANSWER = _answer("ap-northeast-1", [
    model_summary("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", "ap-northeast-1"),
    model_summary("anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6", "ap-northeast-1"),
], [
    profile_summary("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "JP Claude Haiku 4.5", "ap-northeast-1", TOKYO),
    profile_summary("global.anthropic.claude-haiku-4-5-20251001-v1:0", "GLOBAL Claude Haiku 4.5", "ap-northeast-1"),
    profile_summary("global.anthropic.claude-sonnet-4-6", "GLOBAL Claude Sonnet 4.6", "ap-northeast-1"),
])

HAIKU_IN_TOKYO = '''import boto3

runtime = boto3.client("bedrock-runtime", region_name="ap-northeast-1")
runtime.converse(modelId="anthropic.claude-haiku-4-5-20251001-v1:0", messages=[])
'''


def _fix(tmp_path: Path, source: str, answer: BedrockSnapshot | None, *, unsafe_fixes: bool = False,
         **settings: Any) -> tuple[str, list[str]]:
    path = tmp_path / "app.py"
    path.write_text(source)
    result = run([path], Settings(**settings), Mode.FIX, unsafe_fixes=unsafe_fixes, as_of=DATE, bedrock=answer)
    return path.read_text(), [f"{f.code} {f.message}" for f in result.findings]


def test_the_answer_gives_the_region_prefix(tmp_path: Path) -> None:
    # The catalogue has jp. for Haiku 4.5 only as unconfirmed: without the answer only the confirmed global.
    # profile is left, which the Region table offers in Tokyo but which may take the data out of Japan, so that
    # fix is unsafe; AWS's answer lists jp. there, which is safe.
    text, remaining = _fix(tmp_path, HAIKU_IN_TOKYO, None)
    assert text == HAIKU_IN_TOKYO
    assert [line.split(" ")[0] for line in remaining] == ["CM104"]
    assert remaining[0].endswith("global. may process the request in any commercial Region of the world: if the "
                                 "data must stay in this Region's geography, use a geographic profile (jp., apac.) "
                                 "once one is confirmed for Claude Haiku 4.5")
    text, remaining = _fix(tmp_path, HAIKU_IN_TOKYO, None, unsafe_fixes=True)
    assert text == HAIKU_IN_TOKYO.replace('"anthropic.claude-haiku', '"global.anthropic.claude-haiku')
    assert remaining == []
    text, remaining = _fix(tmp_path, HAIKU_IN_TOKYO, None, bedrock_profile_prefix="jp")
    assert text == HAIKU_IN_TOKYO
    assert [line.split(" ")[0] for line in remaining] == ["CM104"]
    text, remaining = _fix(tmp_path, HAIKU_IN_TOKYO, TOKYO_ANSWER)
    assert text == HAIKU_IN_TOKYO.replace('"anthropic.claude-haiku', '"jp.anthropic.claude-haiku')
    assert remaining == []


def test_a_profile_the_region_lacks_is_not_written(tmp_path: Path) -> None:
    source = 'MODEL_ID = "anthropic.claude-3-5-sonnet-20240620-v1:0"\n'
    text, _ = _fix(tmp_path, source, None, bedrock_region="ap-northeast-1")
    assert text == 'MODEL_ID = "jp.anthropic.claude-sonnet-4-6"\n'  # the catalogue's jp. profile
    text, remaining = _fix(tmp_path, source, TOKYO_ANSWER, unsafe_fixes=True)  # the answer's Region is the Region
    assert text == 'MODEL_ID = "global.anthropic.claude-sonnet-4-6"\n'  # AWS lists no jp.; only global. serves Tokyo
    assert remaining == []
    text, remaining = _fix(tmp_path, source, TOKYO_ANSWER, bedrock_profile_prefix="jp")
    assert text == source
    assert remaining == [
        "CM101 `anthropic.claude-3-5-sonnet-20240620-v1:0` is Claude 3.5 Sonnet, retired on Amazon Bedrock since "
        "2025-12-01; use `anthropic.claude-sonnet-4-6` (claude-4-6); Claude Sonnet 4.6 has no profile for the "
        "bedrock-profile-prefix setting: choose one of global."]


def test_no_profile_to_write_is_a_finding_without_a_fix(tmp_path: Path) -> None:
    # AWS lists only a global. profile for Sonnet 4.6 in Tokyo and the settings ask for jp.: nothing can be written
    # without a human's choice, and --unsafe-fixes must not loop on an edit that changes nothing.
    source = HAIKU_IN_TOKYO.replace("anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-sonnet-4-6")
    path = tmp_path / "app.py"
    path.write_text(source)
    result = run([path], Settings(bedrock_profile_prefix="jp"), Mode.FIX, unsafe_fixes=True, as_of=DATE,
                 bedrock=TOKYO_ANSWER)
    assert result.errors == [] and path.read_text() == source
    (finding,) = result.findings
    assert (finding.code, finding.fix) == ("CM104", None)
    assert finding.message.endswith("Claude Sonnet 4.6 has no profile for the bedrock-profile-prefix setting: "
                                    "choose one of global.")


@pytest.mark.parametrize(("source", "expected"), [
    ('MODEL_ID = "eu.anthropic.claude-sonnet-4-6"\n',
     "CM105 `eu.anthropic.claude-sonnet-4-6` is Claude Sonnet 4.6; in ap-northeast-1 AWS lists no eu. profile for "
     "it (Claude profiles there: global.) (snapshot of 2026-11-20T09:30:00+00:00)"),
    ('MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0"\n',
     "CM105 `jp.anthropic.claude-haiku-4-5-20251001-v1:0` is Claude Haiku 4.5, which target claude-4-6 writes for "
     "`anthropic.claude-3-5-haiku-20241022-v1:0`; in ap-northeast-1 AWS marks it LEGACY (end of life "
     "2027-04-01), and accounts that have not used it in the last 30 days are denied access "
     "(snapshot of 2026-11-20T09:30:00+00:00)"),
    ('MODEL_ID = "anthropic.claude-opus-4-6-v1"\n',
     "CM105 `anthropic.claude-opus-4-6-v1` is Claude Opus 4.6; in ap-northeast-1 AWS does not offer it "
     "(snapshot of 2026-11-20T09:30:00+00:00)"),
])
def test_cm105_reports_what_the_account_cannot_call(tmp_path: Path, source: str, expected: str) -> None:
    legacy_haiku = model_summary("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", "ap-northeast-1",
                                 status="LEGACY", end_of_life=datetime.datetime(2027, 4, 1))
    answer = _answer("ap-northeast-1", [legacy_haiku, *TOKYO_ANSWER.foundation_models[1:]],
                     list(TOKYO_ANSWER.inference_profiles))
    answer = BedrockSnapshot(answer.region, answer.taken_at, answer.foundation_models, answer.inference_profiles,
                             origin="snapshot")
    path = tmp_path / "app.py"
    path.write_text(source)
    result = run([path], Settings(), Mode.CHECK, as_of=DATE, bedrock=answer)
    reported = [f for f in result.findings if f.code == "CM105"]
    assert [f"{f.code} {f.message}" for f in reported] == [expected]
    assert reported[0].fix is None
    quiet = run([path], Settings(), Mode.CHECK, as_of=DATE)
    assert "CM105" not in {f.code for f in quiet.findings}, "CM105 needs an answer"


def test_cm105_is_quiet_for_clients_in_another_region_and_for_callable_models(tmp_path: Path) -> None:
    other_region = HAIKU_IN_TOKYO.replace("ap-northeast-1", "eu-west-1").replace(
        '"anthropic.claude-haiku-4-5-20251001-v1:0"', '"eu.anthropic.claude-opus-4-6-v1"')
    callable_here = HAIKU_IN_TOKYO.replace('"anthropic.claude-haiku', '"jp.anthropic.claude-haiku')
    for source in (other_region, callable_here):
        path = tmp_path / "app.py"
        path.write_text(source)
        result = run([path], Settings(select=("CM105",)), Mode.CHECK, as_of=DATE, bedrock=TOKYO_ANSWER)
        assert result.findings == [], source


def test_an_answer_for_another_region_than_the_configured_one_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(HAIKU_IN_TOKYO)
    result = run([path], Settings(bedrock_region="us-east-1"), Mode.CHECK, as_of=DATE, bedrock=TOKYO_ANSWER)
    assert result.warnings == ["the Bedrock answer is for ap-northeast-1 but the configured Region is us-east-1: it "
                               "applies only to clients built in ap-northeast-1"]


def test_fix_with_a_saved_snapshot_through_the_cli(tmp_path: Path) -> None:
    snapshot = tmp_path / "bedrock-ap-northeast-1.json"
    TOKYO_ANSWER.save(snapshot)
    path = tmp_path / "app.py"
    path.write_text(HAIKU_IN_TOKYO)
    result = run_cli("fix", "--as-of", AS_OF, "--bedrock-snapshot", snapshot, path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text() == HAIKU_IN_TOKYO.replace('"anthropic.claude-haiku', '"jp.anthropic.claude-haiku')


def test_without_the_flags_boto3_is_never_imported(tmp_path: Path) -> None:
    """botocore may load its service model offline to validate Converse requests; boto3 (clients) never loads."""
    path = tmp_path / "app.py"
    path.write_text(HAIKU_IN_TOKYO)
    probe = ("import sys\nfrom claude_migrate.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n"
             "    pass\nprint('boto3' in sys.modules, 'botocore.client' in sys.modules, file=sys.stderr)\n")
    for args in (["check", "--as-of", AS_OF, str(path)], ["models", "--as-of", AS_OF]):
        result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60)
        assert result.stderr.splitlines()[-1] == "False False", result.stderr


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "snapshot.json"
    path.write_text(content)
    return path


GOOD = {"schema": 1, "region": "us-east-1", "taken_at": TAKEN,
        "foundation_models": [{"modelId": "anthropic.claude-sonnet-4-6", "modelLifecycle": {"status": "ACTIVE"}}],
        "inference_profiles": [{"inferenceProfileId": "us.anthropic.claude-sonnet-4-6"}]}


@pytest.mark.parametrize(("change", "expected"), [
    ({"schema": 2}, "key 'schema': expected 1 (this claude-migrate reads snapshot schema 1)"),
    ({"region": ""}, "key 'region': expected an AWS Region name"),
    ({"taken_at": "yesterday"}, "key 'taken_at': 'yesterday' is not an ISO date and time"),
    ({"foundation_models": {"modelId": "x"}}, "key 'foundation_models': expected a list"),
    ({"foundation_models": [{"modelName": "Claude"}]}, "key 'foundation_models[0].modelId': expected a string"),
    ({"foundation_models": [{"modelId": "x", "modelLifecycle": {"status": 3}}]},
     "key 'foundation_models[0].modelLifecycle.status': expected a string"),
    ({"foundation_models": [{"modelId": "x", "inferenceTypesSupported": [1]}]},
     "key 'foundation_models[0].inferenceTypesSupported': expected a list of strings"),
    ({"inference_profiles": ["us.anthropic.claude-sonnet-4-6"]}, "key 'inference_profiles[0]': expected an object"),
])
def test_a_malformed_snapshot_is_one_line_naming_the_file(tmp_path: Path, change: dict[str, Any],
                                                          expected: str) -> None:
    path = _write(tmp_path, json.dumps({**GOOD, **change}))
    with pytest.raises(DataError) as raised:
        load_snapshot(path)
    assert str(raised.value) == f"{path}: {expected}"


def test_a_snapshot_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "snapshot.json"
    with pytest.raises(UsageError) as raised:
        TOKYO_ANSWER.save(target)
    assert str(raised.value) == f"{target}: cannot write the Bedrock snapshot: No such file or directory"


def test_a_snapshot_that_is_not_json_fails_the_cli_with_one_line(tmp_path: Path) -> None:
    assert load_snapshot(_write(tmp_path, json.dumps(GOOD))).prefixes("anthropic.claude-sonnet-4-6") == ("us",)
    path = _write(tmp_path, '{"schema": 1,\n "region": "us-east-1",,\n}')
    for args in (["check", "--as-of", AS_OF, "--bedrock-snapshot", path, path],
                 ["models", "--bedrock-snapshot", path]):
        result = run_cli(*args)
        assert result.returncode == 2
        assert result.stderr == (f"claude-migrate: error: {path}:2: not a Bedrock snapshot: invalid JSON (Expecting "
                                 "property name enclosed in double quotes, column 24)\n")
    missing = run_cli("models", "--bedrock-snapshot", tmp_path / "nowhere.json")
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"claude-migrate: error: {tmp_path / 'nowhere.json'}: cannot read the Bedrock "
                                     "snapshot: No such file or directory")
