"""What Amazon Bedrock answered for one Region: the raw lists, kept as JSON, and the questions rules ask of them.

A snapshot holds AWS's own answer (``ListFoundationModels`` for Anthropic, ``ListInferenceProfiles`` for
system-defined profiles) as returned, timestamps written as ISO strings, so CI can reuse an answer taken once
with credentials.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from claude_migrate.data.errors import DataError, UsageError

SCHEMA = 1
ANTHROPIC = "anthropic."


@dataclass(frozen=True, eq=False)
class BedrockSnapshot:
    """One Region's answer; ``origin`` says whether it came live or from which file (it is not saved)."""

    region: str
    taken_at: str
    foundation_models: tuple[dict[str, Any], ...]
    inference_profiles: tuple[dict[str, Any], ...]
    origin: str = "live answer"

    def describe(self) -> str:
        return f"{self.origin} of {self.taken_at}"

    @cached_property
    def models_by_id(self) -> dict[str, dict[str, Any]]:
        return {summary["modelId"]: summary for summary in self.foundation_models}

    @cached_property
    def prefixes_by_base_id(self) -> dict[str, tuple[str, ...]]:
        """The cross-Region prefixes of the system-defined Claude profiles, by the base model ID they serve."""
        found: dict[str, list[str]] = {}
        for summary in self.inference_profiles:
            prefix, _, base = summary["inferenceProfileId"].partition(".")
            if base.startswith(ANTHROPIC):
                found.setdefault(base, []).append(prefix)
        return {base: tuple(prefixes) for base, prefixes in found.items()}

    def prefixes(self, base_id: str) -> tuple[str, ...]:
        return self.prefixes_by_base_id.get(base_id, ())

    def status(self, base_id: str) -> str | None:
        """``ACTIVE`` or ``LEGACY`` as AWS marks the model, None when this Region does not list it."""
        summary = self.models_by_id.get(base_id)
        return None if summary is None else summary.get("modelLifecycle", {}).get("status")

    def on_demand(self, base_id: str) -> bool:
        """True when the bare base ID can be called on demand (AWS lists ``ON_DEMAND`` among its inference types)."""
        summary = self.models_by_id.get(base_id)
        return summary is not None and "ON_DEMAND" in summary.get("inferenceTypesSupported", [])

    def end_of_life(self, base_id: str) -> str | None:
        """The date part of the model's ``endOfLifeTime``, where AWS gives one."""
        when = self.models_by_id.get(base_id, {}).get("modelLifecycle", {}).get("endOfLifeTime")
        return str(when)[:10] if when else None

    def to_json(self) -> str:
        return json.dumps({
            "schema": SCHEMA,
            "region": self.region,
            "taken_at": self.taken_at,
            "foundation_models": list(self.foundation_models),
            "inference_profiles": list(self.inference_profiles),
        }, indent=2) + "\n"

    def save(self, path: Path) -> None:
        """Write the snapshot in one rename, so a reader never sees half a file."""
        target = path.resolve()
        temp_name = None
        try:
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(self.to_json())
            os.replace(temp_name, target)
        except OSError as exc:
            if temp_name is not None and os.path.exists(temp_name):
                os.unlink(temp_name)
            raise UsageError(f"{path}: cannot write the Bedrock snapshot: {exc.strerror or exc}") from None


def _require(path: Path, key: str, value: Any, kind: type, label: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise DataError(path, None, key, f"expected {label}")
    return value


def _items(path: Path, document: dict[str, Any], key: str, id_key: str) -> tuple[dict[str, Any], ...]:
    """A list of AWS summaries; each needs its ID, and the few other fields the tool reads must be well typed."""
    items = _require(path, key, document.get(key), list, "a list")
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        _require(path, where, item, dict, "an object")
        _require(path, f"{where}.{id_key}", item.get(id_key), str, "a string")
        lifecycle = item.get("modelLifecycle", {})
        _require(path, f"{where}.modelLifecycle", lifecycle, dict, "an object")
        if "status" in lifecycle:
            _require(path, f"{where}.modelLifecycle.status", lifecycle["status"], str, "a string")
        types = _require(path, f"{where}.inferenceTypesSupported", item.get("inferenceTypesSupported", []),
                         list, "a list")
        if not all(isinstance(t, str) for t in types):
            raise DataError(path, None, f"{where}.inferenceTypesSupported", "expected a list of strings")
    return tuple(items)


def load_snapshot(path: Path) -> BedrockSnapshot:
    """Read a file written by ``models --bedrock --save``; anything malformed is one line naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path, None, None, f"cannot read the Bedrock snapshot: {getattr(exc, 'strerror', None) or exc}"
                        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, exc.lineno, None, f"not a Bedrock snapshot: invalid JSON ({exc.msg}, column "
                                                f"{exc.colno})") from None
    except RecursionError:
        raise DataError(path, None, None, "not a Bedrock snapshot: JSON nested too deeply to read") from None
    _require(path, "(top level)", document, dict, "a JSON object written by `claude-migrate models --save`")
    if document.get("schema") != SCHEMA:
        raise DataError(path, None, "schema", f"expected {SCHEMA} (this claude-migrate reads snapshot schema {SCHEMA})")
    region = _require(path, "region", document.get("region"), str, "an AWS Region name")
    if not region:
        raise DataError(path, None, "region", "expected an AWS Region name")
    taken_at = _require(path, "taken_at", document.get("taken_at"), str, "an ISO date and time")
    try:
        datetime.datetime.fromisoformat(taken_at)
    except ValueError:
        raise DataError(path, None, "taken_at", f"'{taken_at}' is not an ISO date and time") from None
    return BedrockSnapshot(
        region=region,
        taken_at=taken_at,
        foundation_models=_items(path, document, "foundation_models", "modelId"),
        inference_profiles=_items(path, document, "inference_profiles", "inferenceProfileId"),
        origin=f"snapshot {path}",
    )
