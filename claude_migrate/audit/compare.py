"""Where the catalogue and an Anthropic source disagree about the models of the Anthropic API.

Four kinds of disagreement: the source lists a model the catalogue does not know (``unknown-model``); it
gives another end-of-life date than the catalogue, or one where the catalogue has none (``retirement-date``);
the catalogue calls a model active or Legacy that the source no longer lists (``not-listed``); the Models API
still serves a model the catalogue calls retired (``still-listed``). A model that a user's overlay adds and the
source does not know is a note, not a disagreement: the overlay exists to be ahead of the sources.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from claude_migrate.audit.sources import ModelSource
from claude_migrate.data.catalogue import Catalogue, Model, Platform

LIVE_STATES = ("active", "legacy")


@dataclass(frozen=True)
class Difference:
    kind: str
    model_id: str  # the ID concerned, as the source or the catalogue spells it
    message: str
    note: bool = False  # a note informs and does not make the audit fail


def first_party_model(catalogue: Catalogue, model_id: str) -> Model | None:
    known = catalogue.ids.get(model_id)
    return known.model if known is not None and known.platform is Platform.FIRST_PARTY else None


def _first_party_ids(model: Model) -> tuple[str, ...]:
    return tuple(i for i in (model.first_party_id, *model.first_party_aliases) if i)


def _unknown(catalogue: Catalogue, source: ModelSource) -> list[Difference]:
    found = []
    for model_id in sorted(source.listed | set(source.retirements)):
        if first_party_model(catalogue, model_id) is None and model_id not in catalogue.later_ids:
            found.append(Difference("unknown-model", model_id,
                                    f"{source.name} lists {model_id}; the catalogue does not know it"))
    return found


def _retirement_dates(catalogue: Catalogue, source: ModelSource, as_of: datetime.date) -> list[Difference]:
    """An end-of-life date the catalogue does not record; without a date, a deprecation the catalogue lacks."""
    found, seen = [], set()
    for model_id, date in sorted(source.retirements.items()):
        model = first_party_model(catalogue, model_id)
        if model is None or (model.key, date) in seen:
            continue
        life = model.lifecycle(Platform.FIRST_PARTY)
        if (date is not None and date == life.retired) or (date is None and life.state(as_of) not in LIVE_STATES):
            continue
        seen.add((model.key, date))
        said = source.retirement_texts.get(model_id) or (date.isoformat() if date else "no date given")
        ours = (f"the catalogue says {life.retired}" if life.retired
                else f"the catalogue records no retirement date and calls it {life.state(as_of)}")
        found.append(Difference("retirement-date", model_id,
                                f"{model.name}: {source.name} marks {model_id} deprecated, end of life {said}; {ours}"))
    return found


def _not_listed(catalogue: Catalogue, source: ModelSource, as_of: datetime.date) -> list[Difference]:
    found = []
    for model in catalogue.models.values():
        ids = _first_party_ids(model)
        state = model.lifecycle(Platform.FIRST_PARTY).state(as_of)
        if not ids or state not in LIVE_STATES or any(i in source.listed for i in ids):
            continue
        if model.key in catalogue.overlay_models:
            found.append(Difference("overlay-model", ids[0], (
                f"{model.name} ({ids[0]}) comes from a catalogue overlay; {source.name} does not list it"), note=True))
        else:
            found.append(Difference("not-listed", ids[0], (
                f"{model.name}: the catalogue calls {ids[0]} {state} on the Anthropic API; {source.name} does not "
                "list it")))
    return found


def _still_listed(catalogue: Catalogue, source: ModelSource, as_of: datetime.date) -> list[Difference]:
    found, seen = [], set()
    for model_id in sorted(source.listed):
        model = first_party_model(catalogue, model_id)
        if model is None or model.key in seen:
            continue
        life = model.lifecycle(Platform.FIRST_PARTY)
        if life.state(as_of) == "retired":
            seen.add(model.key)
            since = f" since {life.retired}" if life.retired else ""
            found.append(Difference("still-listed", model_id, (
                f"{model.name}: {source.name} still serves {model_id}; the catalogue calls it retired{since}")))
    return found


def compare(catalogue: Catalogue, source: ModelSource, as_of: datetime.date) -> list[Difference]:
    """Every disagreement and note, grouped by kind in the order the module docstring gives."""
    return [*_unknown(catalogue, source), *_retirement_dates(catalogue, source, as_of),
            *_not_listed(catalogue, source, as_of),
            *(_still_listed(catalogue, source, as_of) if source.lists_callable else [])]
