"""`models --bedrock` against real boto3 clients: Stubber's answers, real AWS client errors, real CLI runs."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from bedrock_answers import (
    NO_RETRIES,
    closed_port,
    credentialed_client,
    model_summary,
    no_aws_environment,
    profile_summary,
    stubbed_client,
    us_east_1,
)
from conftest import AS_OF, run_cli

from claude_migrate.bedrock.live import BedrockError, boto3_client
from claude_migrate.bedrock.snapshot import load_snapshot
from claude_migrate.formats.models_table import render
from claude_migrate.run.models import ModelsRequest, run_models

DATE = datetime.date.fromisoformat(AS_OF)


def _models_json(client: Any, **request: Any) -> tuple[dict[str, Any], int]:
    output = run_models(ModelsRequest(as_of=DATE, bedrock=True, **request), lambda region, profile: client)
    return json.loads(render(output, as_json=True)), output.exit_code


def _disagreements(models: list[dict[str, Any]], profiles: list[dict[str, Any]], region: str = "us-east-1"
                   ) -> list[tuple[str, str]]:
    client, stubber = stubbed_client(region, models, [profiles])
    document, exit_code = _models_json(client)
    stubber.assert_no_pending_responses()
    found = [(d["kind"], d["id"]) for d in document["bedrock"]["disagreements"]]
    assert exit_code == (1 if found else 0)
    return found


def test_agreement_prints_the_table_with_aws_beside_it() -> None:
    models, profiles = us_east_1()
    client, stubber = stubbed_client("us-east-1", models, [profiles])
    output = run_models(ModelsRequest(as_of=DATE, bedrock=True), lambda region, profile: client)
    stubber.assert_no_pending_responses()
    assert output.exit_code == 0
    lines = render(output).splitlines()
    assert lines[0].split()[-2:] == ["AWS", "us-east-1"]
    sonnet_4_6 = next(line for line in lines if line.startswith("Claude Sonnet 4.6 "))
    assert sonnet_4_6.endswith("ACTIVE; profiles us global")
    haiku_3_5 = next(line for line in lines if line.startswith("Claude 3.5 Haiku "))
    assert haiku_3_5.endswith("ACTIVE; on demand; profiles us")
    assert next(line for line in lines if line.startswith("Claude 2.1 ")).endswith("not listed")
    assert lines[-1] == "The catalogue and AWS agree."


def test_a_profile_the_catalogue_expects_is_missing() -> None:
    models, profiles = us_east_1()
    profiles = [p for p in profiles if p["inferenceProfileId"] != "us.anthropic.claude-sonnet-4-5-20250929-v1:0"]
    assert _disagreements(models, profiles) == [
        ("missing-profile", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")]


def test_legacy_models_the_catalogue_calls_active() -> None:
    models, profiles = us_east_1()
    end = datetime.datetime(2027, 1, 15, tzinfo=datetime.timezone.utc)
    legacy = {"anthropic.claude-3-7-sonnet-20250219-v1:0", "anthropic.claude-3-5-haiku-20241022-v1:0"}
    models = [model_summary(m["modelId"], m["modelName"], "us-east-1", types=m["inferenceTypesSupported"],
                            status="LEGACY", end_of_life=end) if m["modelId"] in legacy else m for m in models]
    # Claude 3 Haiku is retired on Bedrock in the catalogue, so AWS calling it LEGACY agrees.
    models.append(model_summary("anthropic.claude-3-haiku-20240307-v1:0", "Claude 3 Haiku", "us-east-1",
                                types=["ON_DEMAND"], status="LEGACY"))
    client, stubber = stubbed_client("us-east-1", models, [profiles])
    document, exit_code = _models_json(client)
    assert exit_code == 1
    # Claude 3.5 Haiku is deprecated on Bedrock in the catalogue since the facts of 2026-12-03 (AWS's model card):
    # AWS calling it LEGACY agrees too.
    assert [(d["kind"], d["id"], d["message"]) for d in document["bedrock"]["disagreements"]] == [
        ("legacy", "anthropic.claude-3-7-sonnet-20250219-v1:0",
         "Claude 3.7 Sonnet: AWS marks anthropic.claude-3-7-sonnet-20250219-v1:0 LEGACY in us-east-1, end of life "
         "2027-01-15; the catalogue calls it active on Amazon Bedrock"),
    ]


def test_profile_prefixes_the_catalogue_lacks() -> None:
    models, profiles = us_east_1()
    profiles.append(profile_summary("global.anthropic.claude-opus-4-1-20250805-v1:0", "GLOBAL Claude Opus 4.1",
                                    "us-east-1"))
    assert _disagreements(models, profiles) == [("new-prefix", "global.anthropic.claude-opus-4-1-20250805-v1:0")]
    tokyo_models = [model_summary("anthropic.claude-haiku-4-5-20251001-v1:0", "Claude Haiku 4.5", "ap-northeast-1"),
                    model_summary("anthropic.claude-sonnet-4-6", "Claude Sonnet 4.6", "ap-northeast-1")]
    tokyo_profiles = [
        profile_summary("jp.anthropic.claude-haiku-4-5-20251001-v1:0", "JP Claude Haiku 4.5", "ap-northeast-1",
                        ("ap-northeast-1", "ap-northeast-3")),
        profile_summary("jp.anthropic.claude-sonnet-4-6", "JP Claude Sonnet 4.6", "ap-northeast-1",
                        ("ap-northeast-1", "ap-northeast-3")),
        profile_summary("kr.anthropic.claude-sonnet-4-6", "KR Claude Sonnet 4.6", "ap-northeast-1",
                        ("ap-northeast-1", "ap-northeast-2")),
    ]
    client, _ = stubbed_client("ap-northeast-1", tokyo_models, [tokyo_profiles])
    document, _ = _models_json(client)
    messages = {d["id"]: d["message"] for d in document["bedrock"]["disagreements"] if d["kind"] == "new-prefix"}
    assert messages == {
        "jp.anthropic.claude-haiku-4-5-20251001-v1:0": "AWS lists jp.anthropic.claude-haiku-4-5-20251001-v1:0 in "
        "ap-northeast-1; the catalogue has jp. only as unconfirmed for Claude Haiku 4.5",
        "kr.anthropic.claude-sonnet-4-6": "AWS lists kr.anthropic.claude-sonnet-4-6 in ap-northeast-1; kr. is a "
        "prefix the catalogue does not know (it knows us, eu, apac, global, jp, au, us-gov)",
    }


def test_models_the_catalogue_does_not_know() -> None:
    models, profiles = us_east_1()
    # a generation after the catalogue's newest (Claude 5 / 5.5 are known since the facts of 2026-12-03)
    models += [model_summary("anthropic.claude-sonnet-9", "Claude Sonnet 9", "us-east-1"),
               # a provisioned-throughput context-size variant of a known model is not unknown
               model_summary("anthropic.claude-3-5-haiku-20241022-v1:0:200k", "Claude 3.5 Haiku", "us-east-1",
                             types=["PROVISIONED"])]
    profiles += [profile_summary("us.anthropic.claude-sonnet-9", "US Claude Sonnet 9", "us-east-1"),
                 profile_summary("us.anthropic.claude-fable-9", "US Claude Fable 9", "us-east-1")]
    assert _disagreements(models, profiles) == [("unknown-model", "anthropic.claude-sonnet-9"),
                                                ("unknown-model", "anthropic.claude-fable-9")]


def test_profiles_come_from_every_page() -> None:
    models, profiles = us_east_1()
    pages = [profiles[:5], profiles[5:10], profiles[10:]]
    client, stubber = stubbed_client("us-east-1", models, pages)
    document, exit_code = _models_json(client)
    stubber.assert_no_pending_responses()
    assert exit_code == 0
    live = {row["key"]: row["bedrock_live"]["profiles"] for row in document["models"] if row["bedrock_live"]}
    assert live["claude-sonnet-4-6"] == ["us", "global"] and live["claude-3-opus-20240229"] == ["us"]


@pytest.mark.parametrize(("code", "message", "expected"), [
    ("AccessDeniedException", "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
                              "bedrock:ListFoundationModels",
     "AWS denied access in us-east-1: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
     "bedrock:ListFoundationModels (the caller needs bedrock:ListFoundationModels and "
     "bedrock:ListInferenceProfiles)"),
    ("ThrottlingException", "Too many requests, please wait before trying again.",
     "AWS throttled the requests in us-east-1 (ThrottlingException: Too many requests, please wait before trying "
     "again.); try again in a minute"),
])
def test_aws_errors_become_one_line(code: str, message: str, expected: str) -> None:
    client = credentialed_client("us-east-1")
    with Stubber(client) as stubber:
        stubber.add_client_error("list_foundation_models", code, message, 400 if code != "AccessDeniedException"
                                 else 403, expected_params={"byProvider": "Anthropic"})
        with pytest.raises(BedrockError) as raised:
            run_models(ModelsRequest(as_of=DATE, bedrock=True), lambda region, profile: client)
    assert str(raised.value) == expected


def test_an_error_on_a_later_page_is_reported_too() -> None:
    models, profiles = us_east_1()
    client = credentialed_client("us-east-1")
    stubber = Stubber(client)
    stubber.add_response("list_foundation_models", {"modelSummaries": models}, {"byProvider": "Anthropic"})
    stubber.add_response("list_inference_profiles", {"inferenceProfileSummaries": profiles[:3], "nextToken": "t2"},
                         {"typeEquals": "SYSTEM_DEFINED"})
    stubber.add_client_error("list_inference_profiles", "ThrottlingException", "Rate exceeded", 400,
                             expected_params={"typeEquals": "SYSTEM_DEFINED", "nextToken": "t2"})
    with stubber, pytest.raises(BedrockError, match=r"^AWS throttled the requests in us-east-1 "):
        run_models(ModelsRequest(as_of=DATE, bedrock=True), lambda region, profile: client)


def test_unreachable_endpoint(tmp_path: Path) -> None:
    client = credentialed_client("us-east-1", endpoint_url=f"http://127.0.0.1:{closed_port()}", config=NO_RETRIES)
    with pytest.raises(BedrockError) as raised:
        run_models(ModelsRequest(as_of=DATE, bedrock=True), lambda region, profile: client)
    assert str(raised.value).startswith("cannot reach Amazon Bedrock in us-east-1: Could not connect to the "
                                        "endpoint URL: \"http://127.0.0.1:")


@pytest.fixture
def no_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = no_aws_environment(tmp_path)
    for key in [key for key in os.environ if key.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    return env


@pytest.mark.parametrize(("request_options", "expected"), [
    ({"region": "us-east-1"}, "no AWS credentials found"),
    ({}, "no AWS Region given and none configured"),
    ({"region": "us-east-1", "profile": "ci"}, "AWS profile 'ci' is not in the AWS config files"),
])
def test_the_real_client_factory_without_aws_configuration(no_aws: dict[str, str], request_options: dict[str, str],
                                                           expected: str) -> None:
    with pytest.raises(BedrockError) as raised:
        run_models(ModelsRequest(as_of=DATE, bedrock=True, **request_options), boto3_client)
    assert str(raised.value).startswith(expected)


def test_no_credentials_through_the_cli(no_aws: dict[str, str], tmp_path: Path) -> None:
    source = tmp_path / "app.py"
    source.write_text('MODEL = "anthropic.claude-sonnet-4-6"\n')
    for args in (["models", "--bedrock", "--region", "us-east-1"],
                 ["check", "--bedrock-live", "--bedrock-region", "us-east-1", "--as-of", AS_OF, str(source)]):
        result = run_cli(*args, env=no_aws)
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith("claude-migrate: error: no AWS credentials found (")
        assert len(result.stderr.splitlines()) == 1


def test_save_and_reuse_offline(tmp_path: Path) -> None:
    models, profiles = us_east_1()
    profiles = profiles[1:]  # drop us.anthropic.claude-3-opus-20240229-v1:0
    client, _ = stubbed_client("us-east-1", models, [profiles])
    saved = tmp_path / "bedrock-us-east-1.json"
    live, exit_code = _models_json(client, region="us-east-1", save=saved)
    snapshot = load_snapshot(saved)
    assert snapshot.region == "us-east-1"
    assert datetime.datetime.fromisoformat(snapshot.taken_at).tzinfo is not None
    assert snapshot.inference_profiles[0]["createdAt"] == "2025-09-29T17:00:00+00:00"
    assert len(snapshot.foundation_models) == len(models) and len(snapshot.inference_profiles) == len(profiles)
    offline = run_cli("models", "--format", "json", "--as-of", AS_OF, "--bedrock-snapshot", saved)
    assert offline.returncode == exit_code == 1
    reused = json.loads(offline.stdout)
    assert reused["bedrock"]["origin"] == f"snapshot {saved}"
    assert reused["bedrock"]["disagreements"] == live["bedrock"]["disagreements"] == [{
        "kind": "missing-profile", "id": "us.anthropic.claude-3-opus-20240229-v1:0",
        "message": "Claude 3 Opus: the catalogue lists the profile us.anthropic.claude-3-opus-20240229-v1:0; AWS "
                   "lists no such profile in us-east-1"}]

