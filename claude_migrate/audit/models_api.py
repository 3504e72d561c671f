"""Ask Anthropic's Models API (``GET /v1/models``) which models the caller's API key can use.

The ``anthropic`` package (the ``live`` extra) is imported only here, as boto3 is for ``--bedrock-live``: the
tool never touches the network unless asked. The walk over the pages takes a fetch function, so the CLI
passes the real client's and tests a recorded answer; every failure becomes one line (:class:`AuditError`).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

from claude_migrate.audit.sources import AuditError, ModelSource

PageFetch = Callable[[str | None], dict[str, Any]]
"""Returns one page of ``GET /v1/models`` as JSON (``data``, ``has_more``, ``last_id``) after the given ID."""

SOURCE_NAME = "the Models API"
PAGE_SIZE = 1000  # the API's largest page


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def anthropic_pages() -> PageFetch:
    """The real fetch: the ``anthropic`` client with ``ANTHROPIC_API_KEY`` (and ``ANTHROPIC_BASE_URL``, if set)."""
    if not os.environ.get("ANTHROPIC_API_KEY"):
        raise AuditError("--anthropic-live needs an API key in ANTHROPIC_API_KEY")
    try:
        import anthropic
    except ImportError:
        raise AuditError("--anthropic-live needs the anthropic package: pip install 'claude-migrate[live]'") from None
    client = anthropic.Anthropic(max_retries=2, timeout=30)

    def fetch(after_id: str | None) -> dict[str, Any]:
        try:
            page = client.models.list(limit=PAGE_SIZE, **({"after_id": after_id} if after_id else {}))
        except anthropic.AuthenticationError as exc:
            raise AuditError(f"the Models API rejected the API key in ANTHROPIC_API_KEY ({_one_line(exc.message)})"
                             ) from None
        except anthropic.APIStatusError as exc:
            raise AuditError(f"the Models API answered HTTP {exc.status_code}: {_one_line(exc.message)}") from None
        except anthropic.APIConnectionError as exc:
            raise AuditError(f"cannot reach the Models API: {_one_line(exc)}") from None
        return dict(page.model_dump(mode="json"))

    return fetch


def _day(value: object) -> datetime.date | None:
    """The day of an RFC 3339 timestamp ("2027-01-22T00:00:00Z"); None for null."""
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise AuditError(f"the Models API answered a date that is not RFC 3339: {_one_line(value)}") from None


def models_api_source(fetch: PageFetch) -> ModelSource:
    """Every page of the listing; a model the API marks deprecated carries its ``retires_at`` day (None when the
    API gives none), and one it marks retired is not counted as listed."""
    listed: set[str] = set()
    retirements: dict[str, datetime.date | None] = {}
    after: str | None = None
    asked: set[str] = set()
    while True:
        page = fetch(after)
        entries = page.get("data")
        if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str)
                                                    for e in entries):
            raise AuditError("the Models API answered a page without a `data` list of models")
        for entry in entries:
            lifecycle = entry.get("lifecycle")
            if lifecycle != "retired":
                listed.add(entry["id"])
            if lifecycle == "deprecated" or entry.get("retires_at") is not None:
                retirements[entry["id"]] = _day(entry.get("retires_at"))
        if not page.get("has_more"):
            break
        after = page.get("last_id") or (entries[-1]["id"] if entries else None)
        if after is None or after in asked:
            raise AuditError("the Models API said it has more models but gave no new `last_id` to continue from")
        asked.add(after)
    return ModelSource(SOURCE_NAME, frozenset(listed), retirements, lists_callable=True)
