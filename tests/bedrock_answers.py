"""Amazon Bedrock answers shaped like real ones, and real boto3 ``bedrock`` clients that botocore's Stubber serves.

Stubber checks every response against botocore's service model before the client returns it.
"""

from __future__ import annotations

import datetime
import os
import socket
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.stub import Stubber

ACCOUNT = "123456789012"
US_REGIONS = ("us-east-1", "us-east-2", "us-west-2")
CREATED = datetime.datetime(2025, 9, 29, 17, 0, tzinfo=datetime.timezone.utc)
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1})

# Claude models a us-east-1 account sees on 2026-11-23 (tests/conftest.py AS_OF), by base ID:
# (model name, inference types, the prefixes of its system-defined profiles). Claude Opus 4 is not listed: Anthropic's
# Bedrock table of 2026-08-22 marks it Retired (claude-4-facts.md section 1c).
US_EAST_1 = {
    "anthropic.claude-3-opus-20240229-v1:0": ("Claude 3 Opus", ["ON_DEMAND"], ["us"]),
    "anthropic.claude-3-5-haiku-20241022-v1:0": ("Claude 3.5 Haiku", ["ON_DEMAND", "INFERENCE_PROFILE"], ["us"]),
    "anthropic.claude-3-7-sonnet-20250219-v1:0": ("Claude 3.7 Sonnet", ["INFERENCE_PROFILE"], ["us"]),
    "anthropic.claude-opus-4-1-20250805-v1:0": ("Claude Opus 4.1", ["INFERENCE_PROFILE"], ["us"]),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": ("Claude Sonnet 4.5", ["INFERENCE_PROFILE"], ["us", "global"]),
    "anthropic.claude-haiku-4-5-20251001-v1:0": ("Claude Haiku 4.5", ["INFERENCE_PROFILE"], ["us", "global"]),
    "anthropic.claude-opus-4-5-20251101-v1:0": ("Claude Opus 4.5", ["INFERENCE_PROFILE"], ["us", "global"]),
    "anthropic.claude-opus-4-6-v1": ("Claude Opus 4.6", ["INFERENCE_PROFILE"], ["us", "global"]),
    "anthropic.claude-sonnet-4-6": ("Claude Sonnet 4.6", ["INFERENCE_PROFILE"], ["us", "global"]),
}


def model_summary(model_id: str, name: str, region: str, *, types: list[str] | None = None,
                  status: str = "ACTIVE", end_of_life: datetime.datetime | None = None) -> dict[str, Any]:
    """One ``modelSummaries`` item as ListFoundationModels returns it."""
    lifecycle: dict[str, Any] = {"status": status}
    if end_of_life is not None:
        lifecycle["endOfLifeTime"] = end_of_life
    return {
        "modelArn": f"arn:aws:bedrock:{region}::foundation-model/{model_id}",
        "modelId": model_id,
        "modelName": name,
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": types if types is not None else ["INFERENCE_PROFILE"],
        "modelLifecycle": lifecycle,
    }


def profile_summary(profile_id: str, name: str, region: str,
                    destinations: tuple[str, ...] = US_REGIONS) -> dict[str, Any]:
    """One ``inferenceProfileSummaries`` item as ListInferenceProfiles returns it for a system-defined profile."""
    base = profile_id.partition(".")[2]
    return {
        "inferenceProfileName": name,
        "description": f"Routes requests to {name.split(' ', 1)[1]} in {', '.join(destinations)}.",
        "createdAt": CREATED,
        "updatedAt": CREATED,
        "inferenceProfileArn": f"arn:aws:bedrock:{region}:{ACCOUNT}:inference-profile/{profile_id}",
        "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{base}"} for r in destinations],
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def us_east_1() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The model and profile summaries of :data:`US_EAST_1`, which agree with the catalogue."""
    models = [model_summary(model_id, name, "us-east-1", types=types)
              for model_id, (name, types, _) in US_EAST_1.items()]
    profiles = [profile_summary(f"{prefix}.{model_id}", f"{prefix.upper()} {name}", "us-east-1")
                for model_id, (name, _, prefixes) in US_EAST_1.items() for prefix in prefixes]
    return models, profiles


def credentialed_client(region: str, **options: Any) -> Any:
    return boto3.client("bedrock", region_name=region, aws_access_key_id="AKIDEXAMPLE",
                        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", **options)


def stubbed_client(region: str, models: list[dict[str, Any]], profile_pages: list[list[dict[str, Any]]]
                   ) -> tuple[Any, Stubber]:
    """A real client whose two calls (the profiles in pages linked by nextToken) Stubber answers, in order."""
    client = credentialed_client(region)
    stubber = Stubber(client)
    stubber.add_response("list_foundation_models", {"modelSummaries": models}, {"byProvider": "Anthropic"})
    token = None
    for number, page in enumerate(profile_pages, start=1):
        response: dict[str, Any] = {"inferenceProfileSummaries": page}
        if number < len(profile_pages):
            response["nextToken"] = f"token-{number + 1}"
        stubber.add_response("list_inference_profiles", response,
                             {"typeEquals": "SYSTEM_DEFINED", **({"nextToken": token} if token else {})})
        token = response.get("nextToken")
    stubber.activate()
    return client, stubber


def closed_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def no_aws_environment(tmp_path: Path) -> dict[str, str]:
    """The process environment without any AWS credentials, Region or profile, and with the IMDS lookup off."""
    empty = tmp_path / "empty-aws-file"
    empty.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update({"AWS_CONFIG_FILE": str(empty), "AWS_SHARED_CREDENTIALS_FILE": str(empty),
                "AWS_EC2_METADATA_DISABLED": "true"})
    return env
