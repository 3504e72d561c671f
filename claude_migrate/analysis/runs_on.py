"""The models a request will run on after migration (no libcst: the config scanner describes them too)."""

from __future__ import annotations

from dataclasses import dataclass

from claude_migrate.data.catalogue import Model
from claude_migrate.data.targets import Target


@dataclass(frozen=True)
class RunsOn:
    """The models a request will run on after migration; ``known`` is False when its model ID is not static,
    ``request`` is False for code that no request in the file ties to a model."""

    models: tuple[Model, ...]
    known: bool
    target: str
    request: bool = True
    moves: bool = False  # the request names a model the target replaces: ``models`` hold only after the model fix
    named: tuple[Model, ...] = ()  # with ``moves``: the model the request names until the model fix is applied

    @property
    def may_name(self) -> tuple[Model, ...]:
        """Every model the request may name: before and after the model fix."""
        return (*self.named, *self.models)

    def describe(self, models: tuple[Model, ...] | None = None) -> str:
        chosen = [model.name for model in (models if models is not None else self.models)]
        names = " and ".join([", ".join(chosen[:-1]), chosen[-1]] if len(chosen) > 1 else chosen)
        if self.known:
            return names
        if not self.request:
            return f"the {self.target} target's models ({names})"
        return f"{names} of the {self.target} target (the request's model is not known statically)"

    @classmethod
    def whole_target(cls, target: Target, *, request: bool) -> RunsOn:
        """Every model of the target: what a request (or other code) whose model is not known may run on."""
        models = {replacement.model.key: replacement.model for replacement in target.replace.values()}
        return cls(tuple(models.values()), False, target.name, request)
