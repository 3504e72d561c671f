"""The catalogue as `claude-migrate models` prints it: a text table or JSON, with AWS's answer beside it if asked."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from claude_migrate.bedrock.compare import Disagreement
from claude_migrate.bedrock.snapshot import BedrockSnapshot
from claude_migrate.data.catalogue import Model, Platform
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.targets import Target

UNCONFIRMED = "?"
EARLIEST = "≥"  # the earliest retirement: "not sooner than", or the run date plus the platform's notice
LIFECYCLE_COLUMNS = ((Platform.FIRST_PARTY, "ANTHROPIC API"), (Platform.BEDROCK, "BEDROCK"),
                     (Platform.VERTEX, "VERTEX"))

if TYPE_CHECKING:
    from claude_migrate.run.models import ModelsView


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def lifecycle_dict(model: Model, platform: Platform, as_of: datetime.date) -> dict[str, Any] | None:
    """None when the model has no ID on the platform; ``state`` None when the catalogue records nothing.
    ``ends`` is the retirement date (``announced``) or the earliest one, ``runway_days`` the days until it."""
    if model.id_for(platform) is None:
        return None
    if platform not in model.lifecycles:
        return {"state": None, "deprecated": None, "retired": None, "not_before": None, "ends": None,
                "announced": None, "runway_days": None, "replacement": None, "confirmed": False, "note": ""}
    life = model.lifecycle(platform)
    ends = life.ends(as_of)
    return {"state": life.state(as_of), "deprecated": _date(life.deprecated), "retired": _date(life.retired),
            "not_before": _date(life.not_before), "ends": _date(ends[0]) if ends else None,
            "announced": ends[1] if ends else None, "runway_days": (ends[0] - as_of).days if ends else None,
            "replacement": life.replacement, "confirmed": life.confirmed, "note": life.note}


def _lifecycle_text(model: Model, platform: Platform, as_of: datetime.date) -> str:
    """One cell: the state, then when the model may stop working and the days left ("Legacy ≥2027-02-17 76d")."""
    life = lifecycle_dict(model, platform, as_of)
    if life is None:
        return "-"
    if life["state"] is None:
        return "unknown"
    if life["state"] == "retired":
        text = f"retired {life['retired']}" if life["retired"] else "retired"
    else:
        text = "Legacy" if life["state"] == "legacy" else life["state"]
        if life["ends"]:
            when = "retires " if life["announced"] else EARLIEST
            text = (f"{when}{life['ends']}" if life["state"] == "deprecated" and life["announced"]
                    else f"{text} {when}{life['ends']}") + f" {life['runway_days']}d"
        elif life["state"] == "deprecated" and life["deprecated"]:
            text = f"deprecated {life['deprecated']}"
    return text + ("" if life["confirmed"] else UNCONFIRMED)


def aws_dict(model: Model, answer: BedrockSnapshot) -> dict[str, Any] | None:
    """What AWS lists for the model's Bedrock ID in the answer's Region (None: the model has no Bedrock ID)."""
    if model.bedrock_id is None:
        return None
    return {"status": answer.status(model.bedrock_id), "on_demand": answer.on_demand(model.bedrock_id),
            "profiles": list(answer.prefixes(model.bedrock_id))}


def _aws_text(model: Model, answer: BedrockSnapshot) -> str:
    aws = aws_dict(model, answer)
    if aws is None:
        return "-"
    if aws["status"] is None and not aws["profiles"]:
        return "not listed"
    parts = [aws["status"] or "no model entry"]
    if aws["on_demand"]:
        parts.append("on demand")
    if aws["profiles"]:
        parts.append("profiles " + " ".join(aws["profiles"]))
    return "; ".join(parts)


def model_dict(model: Model, target: Target, as_of: datetime.date, answer: BedrockSnapshot | None) -> dict[str, Any]:
    replacement = target.replacement_for(model)
    row: dict[str, Any] = {
        "key": model.key,
        "name": model.name,
        "tier": model.tier,
        "generation": model.generation_label,
        "first_party_id": model.first_party_id,
        "first_party_aliases": list(model.first_party_aliases),
        "bedrock_id": model.bedrock_id,
        "profiles": list(model.profiles),
        "profiles_unconfirmed": list(model.profiles_unconfirmed),
        "needs_profile": model.needs_profile,
        "vertex_id": model.vertex_id,
        "max_output_tokens": model.max_output_tokens,
        "context_window": model.context_window,
        "lifecycle": {platform.value: lifecycle_dict(model, platform, as_of) for platform in Platform},
        "replacement": None if replacement is None else {
            "key": replacement.model.key, "name": replacement.model.name, "fix": replacement.fix},
    }
    if answer is not None:
        row["bedrock_live"] = aws_dict(model, answer)
    return row


def _row_cells(model: Model, target: Target, as_of: datetime.date, answer: BedrockSnapshot | None) -> list[str]:
    replacement = target.replacement_for(model)
    profiles = [*model.profiles, *(p + UNCONFIRMED for p in model.profiles_unconfirmed)]
    cells = [
        model.name, model.tier, model.first_party_id or "-", model.bedrock_id or "-",
        " ".join(profiles) or "-", model.vertex_id or "-",
        f"{model.max_output_tokens:,}" if model.max_output_tokens else "-",
        *(_lifecycle_text(model, platform, as_of) for platform, _ in LIFECYCLE_COLUMNS),
        "-" if replacement is None else replacement.model.name + (
            f" ({replacement.fix})" if replacement.fix != "safe" else ""),
    ]
    if answer is not None:
        cells.append(_aws_text(model, answer))
    return cells


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def render_text(data: RuleData, target: Target, as_of: datetime.date, answer: BedrockSnapshot | None,
                disagreements: list[Disagreement]) -> str:
    header = ["MODEL", "TIER", "FIRST-PARTY ID", "BEDROCK ID", "PROFILES", "VERTEX ID", "MAX OUTPUT",
              *(label for _, label in LIFECYCLE_COLUMNS), f"REPLACEMENT ({target.name})"]
    if answer is not None:
        header.append(f"AWS {answer.region}")
    rows = [header, *(_row_cells(model, target, as_of, answer) for model in data.catalogue.models.values())]
    lines = _table(rows)
    lines += ["", f"Lifecycle as of {as_of}. {UNCONFIRMED} = unconfirmed (third-party sources only); "
                  "unknown = the catalogue records no dates for that platform; "
                  f"{EARLIEST}DATE = earliest retirement (\"not sooner than\", or the run date plus the platform's "
                  "notice period); Nd = days from the run date. Legacy models still serve but may be deprecated."]
    if answer is not None:
        profiles = sum(len(p) for p in answer.prefixes_by_base_id.values())
        lines += ["", f"Amazon Bedrock in {answer.region} ({answer.describe()}): Anthropic models listed: "
                      f"{len(answer.models_by_id)}; system-defined Claude profiles: {profiles}."]
        lines += [f"{d.kind}: {d.message}" for d in disagreements]
        lines.append(f"The catalogue and AWS disagree; disagreements: {len(disagreements)}." if disagreements
                     else "The catalogue and AWS agree.")
    return "\n".join(lines) + "\n"


def render_json(data: RuleData, target: Target, as_of: datetime.date, answer: BedrockSnapshot | None,
                disagreements: list[Disagreement]) -> str:
    document: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "target": target.name,
        "models": [model_dict(model, target, as_of, answer) for model in data.catalogue.models.values()],
        "bedrock": None,
    }
    if answer is not None:
        document["bedrock"] = {
            "region": answer.region, "taken_at": answer.taken_at, "origin": answer.origin,
            "disagreements": [{"kind": d.kind, "id": d.aws_id, "message": d.message} for d in disagreements],
        }
    return json.dumps(document, indent=2) + "\n"


def render(view: ModelsView, as_json: bool = False) -> str:
    """The `models` output for a view: a table, or JSON."""
    chosen = render_json if as_json else render_text
    return chosen(view.data, view.target, view.as_of, view.answer, view.disagreements)
