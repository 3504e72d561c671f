"""Ask Amazon Bedrock (the ``bedrock`` control plane, through boto3) which Claude models and profiles a Region has.

boto3 is imported only on this path, because importing it costs a noticeable part of a second and the
tool never touches the network unless asked to. Every AWS failure becomes one line (:class:`BedrockError`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claude_migrate.bedrock.snapshot import BedrockSnapshot, load_snapshot
from claude_migrate.data.errors import UsageError

ClientFactory = Callable[[str | None, str | None], Any]
"""Builds a ``bedrock`` client for (Region, AWS profile); the CLI uses :func:`boto3_client`, tests a stubbed one."""

PERMISSIONS = "bedrock:ListFoundationModels and bedrock:ListInferenceProfiles"
THROTTLING = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})
BAD_CREDENTIALS = frozenset({"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException",
                             "InvalidClientTokenId", "ExpiredToken"})


class BedrockError(UsageError):
    """Amazon Bedrock could not be asked or refused to answer; the message is one line."""


def boto3_client(region: str | None, profile: str | None) -> Any:
    """A real ``bedrock`` client from the standard AWS credential chain, with a few quick retries."""
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile, region_name=region)
    return session.client("bedrock", config=Config(retries={"mode": "standard", "max_attempts": 3},
                                                   connect_timeout=10, read_timeout=30))


def _plain(value: Any) -> Any:
    """AWS's answer with timestamps as ISO strings, so a live answer and a saved one look the same."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _client_error_line(error: Any, where: str) -> str:
    code = error.response.get("Error", {}).get("Code", "Unknown")
    message = _one_line(error.response.get("Error", {}).get("Message", "")) or "no message"
    if code == "AccessDeniedException":
        return f"AWS denied access{where}: {message} (the caller needs {PERMISSIONS})"
    if code in THROTTLING:
        return f"AWS throttled the requests{where} ({code}: {message}); try again in a minute"
    if code in BAD_CREDENTIALS:
        return f"AWS rejected the credentials{where} ({code}: {message})"
    return f"AWS answered with an error{where} ({code}: {message})"


def fetch(factory: ClientFactory, region: str | None, profile: str | None) -> BedrockSnapshot:
    """List the Anthropic foundation models and every page of system-defined inference profiles in one Region."""
    from botocore import exceptions as aws

    where = f" in {region}" if region else ""
    try:
        client = factory(region, profile)
        where = f" in {client.meta.region_name}"
        models = client.list_foundation_models(byProvider="Anthropic")["modelSummaries"]
        pages = client.get_paginator("list_inference_profiles").paginate(typeEquals="SYSTEM_DEFINED")
        profiles = [summary for page in pages for summary in page["inferenceProfileSummaries"]]
    except aws.ClientError as exc:
        raise BedrockError(_client_error_line(exc, where)) from None
    except aws.NoCredentialsError:
        raise BedrockError("no AWS credentials found (set AWS_PROFILE or pass a profile, run `aws sso login`, "
                           "or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)") from None
    except aws.NoRegionError:
        raise BedrockError("no AWS Region given and none configured (name one on the command line or set "
                           "AWS_REGION)") from None
    except aws.ProfileNotFound:
        raise BedrockError(f"AWS profile '{profile}' is not in the AWS config files") from None
    except (aws.ConnectionError, aws.HTTPClientError) as exc:
        raise BedrockError(f"cannot reach Amazon Bedrock{where}: {_one_line(str(exc))}") from None
    except aws.BotoCoreError as exc:
        raise BedrockError(f"AWS{where}: {_one_line(str(exc))}") from None
    return BedrockSnapshot(
        region=client.meta.region_name,
        taken_at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        foundation_models=tuple(_plain(models)),
        inference_profiles=tuple(_plain(profiles)),
    )


def bedrock_answer(*, live: bool, snapshot: Path | None, region: str | None, profile: str | None,
                   factory: ClientFactory, live_flag: str) -> BedrockSnapshot | None:
    """AWS's answer asked now, read from a saved snapshot, or None: the network is used only when ``live`` is set."""
    if live and snapshot is not None:
        raise UsageError(f"{live_flag} asks AWS and --bedrock-snapshot reads a saved answer: give one of them")
    if snapshot is not None:
        return load_snapshot(snapshot)
    return fetch(factory, region, profile) if live else None
