"""The base of rule kinds that check requests: each request in turn, the models it will run on, and the
field and model tests of the condition vocabulary (``data/conditions.py``) that several kinds share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

import libcst as cst

from claude_migrate.data.catalogue import Model
from claude_migrate.kinds.base import RuleKind
from claude_migrate.analysis.requests import FieldHit, Request, Requests
from claude_migrate.analysis.values import UNKNOWN, Entry, MappingView, Via
from claude_migrate.data.conditions import FieldRef, ModelTest
from claude_migrate.data.rule_data import RuleData


class RequestKind(RuleKind):
    """A rule kind that checks each request; by default only requests that may go to a Claude model."""

    REQUIRES = (Requests,)
    CLAUDE_ONLY: ClassVar[bool] = True

    @classmethod
    def needs_import(cls, data: RuleData) -> tuple[str, ...]:
        """The modules a request's client comes from: a file that imports none of them makes no request."""
        return data.surfaces.import_roots

    def leave_Module(self, original_node: cst.Module) -> None:
        for request in self.ctx.provider(Requests).all():
            if request.runs_on is not None or not self.CLAUDE_ONLY:
                self.check_request(request)

    def check_request(self, request: Request) -> None:
        raise NotImplementedError

    def shared_note(self, *vias: Via) -> str:
        names = self.ctx.provider(Requests).shared(tuple(binding for via in vias for binding in via))
        if not names:
            return ""
        listed = ", ".join(f"`{name}`" for name in names)
        return f"; {listed} is used by other code too, so the edit changes more than this request"


class TargetKind(RequestKind):
    """A request rule that depends on the model the request will run on after migration."""

    def affected(self, request: Request, predicate: Callable[[Model], bool]) -> tuple[Model, ...]:
        assert request.runs_on is not None
        return tuple(model for model in request.runs_on.models if predicate(model))

    def describe(self, request: Request, models: tuple[Model, ...]) -> str:
        assert request.runs_on is not None
        return request.runs_on.describe(models)


@dataclass(frozen=True)
class Found:
    """A field written in a request with a static value, and its path as written on the request's surface."""

    entry: Entry
    label: str
    value: Any


def find(request: Request, ref: FieldRef) -> Found | None:
    """The field with its static value; None when it is absent, set to None, or not known statically."""
    hit = request.field(ref.name)
    if not isinstance(hit, FieldHit):
        return None
    entry = hit.entry
    for key in ref.keys:
        view = request.resolver.mapping(entry.reached(), entry)
        inner = view.get(key) if isinstance(view, MappingView) else None
        if not isinstance(inner, Entry):
            return None
        entry = inner
    value = request.resolver.value(entry.reached())
    if value is None or value is UNKNOWN:
        return None
    return Found(entry, ".".join((*hit.path, *ref.keys)), value)


def models_where(request: Request, test: ModelTest) -> tuple[Model, ...]:
    """The models the request will run on for which ``test`` holds (none when its ``below`` field is unknown)."""
    assert request.runs_on is not None
    bound = None
    if test.below is not None:
        found = find(request, test.below)
        if found is None:
            return ()
        bound = found.value
    return tuple(model for model in request.runs_on.models if test.holds(model, bound))
