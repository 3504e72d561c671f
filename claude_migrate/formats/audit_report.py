"""`claude-migrate models --audit` as text (one line a disagreement, then a verdict per source) or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_migrate.run.models import AuditView


def render_text(view: AuditView) -> str:
    lines = []
    for source, found in view.results:
        disagreements = [d for d in found if not d.note]
        lines.append(f"Catalogue vs {source.name}, as of {view.as_of}:")
        lines += [f"{'note' if d.note else d.kind}: {d.message}" for d in found]
        lines.append(f"The catalogue and {source.name} disagree; disagreements: {len(disagreements)}."
                     if disagreements else f"The catalogue and {source.name} agree.")
    return "\n".join(lines) + "\n"


def render_json(view: AuditView) -> str:
    document = {"as_of": view.as_of.isoformat(), "sources": [
        {"source": source.name, "listed": sorted(source.listed),
         "disagreements": [{"kind": d.kind, "id": d.model_id, "message": d.message} for d in found if not d.note],
         "notes": [{"kind": d.kind, "id": d.model_id, "message": d.message} for d in found if d.note]}
        for source, found in view.results]}
    return json.dumps(document, indent=2) + "\n"


def render(view: AuditView, as_json: bool = False) -> str:
    return render_json(view) if as_json else render_text(view)
