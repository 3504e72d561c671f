"""Anthropic-defined tool versions (text editor, bash, computer): required name, beta flag and the models that
accept each, read from ``rules/catalogue/tools.yaml`` and the ``text_editor`` field of the model catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from claude_migrate.data.catalogue import Catalogue, Model
from claude_migrate.data.yamlio import Fields, load_yaml


@dataclass(frozen=True)
class ToolFamily:
    """A kind of Anthropic-defined tool; ``replaced_by`` names the family that takes over on models that accept
    no version of this one (the computer toolset after the computer tool)."""

    name: str
    replaced_by: str | None


@dataclass(frozen=True)
class ToolType:
    type: str
    family: str
    name: str | None  # None: a toolset, one ``tools`` entry without a name whose members Claude calls
    beta: str | None
    models: tuple[str, ...]
    sources: tuple[str, ...]

    def accepted_by(self, model: Model) -> bool:
        return model.key in self.models or self.type in (model.text_editor or ())

    def known_for(self, model: Model) -> bool:
        """Whether the data says if ``model`` accepts this type: the type lists its models, or the model lists the
        text editor versions it accepts (``unknown`` where no first-party source does)."""
        return bool(self.models) or model.text_editor is not None


@dataclass(frozen=True)
class ToolTypes:
    families: dict[str, ToolFamily]
    by_type: dict[str, ToolType]  # oldest first within a family

    def newest(self, family: str, models: list[Model]) -> ToolType | None:
        """The newest type of ``family`` that every one of ``models`` accepts."""
        accepted = [t for t in self.by_type.values()
                    if t.family == family and models and all(t.accepted_by(m) for m in models)]
        return accepted[-1] if accepted else None

    def unknown(self, family: str, models: tuple[Model, ...]) -> tuple[Model, ...]:
        """The models of which the data does not say which versions of ``family`` they accept."""
        types = [t for t in self.by_type.values() if t.family == family]
        return tuple(m for m in models if not all(t.known_for(m) for t in types))


def load_tool_types(path: Path, catalogue: Catalogue) -> ToolTypes:
    raw = load_yaml(path)
    top = Fields.data_file(raw, "tools file", path=path, allowed={"schema", "sources", "families", "types"})
    sources = top.mapping("sources", required=True)
    families = _families(top)
    by_type: dict[str, ToolType] = {}
    for type_name, entry in top.mapping("types", required=True).items():
        fields = Fields(entry, f"tool type {type_name}", allowed={"family", "name", "beta", "models", "sources"})
        models = fields.str_list("models")
        for key in models:
            if key not in catalogue.models:
                raise fields.error("models", f"unknown model '{key}' (not in {catalogue.path.name})")
        source_keys = fields.str_list("sources", required=True)
        for key in source_keys:
            if key not in sources:
                raise fields.error("sources", f"unknown source key '{key}' (define it under the top-level 'sources')")
        by_type[type_name] = ToolType(type_name, fields.str("family", required=True, choices=tuple(families)),
                                      fields.str("name"), fields.str("beta"), tuple(models), tuple(source_keys))
    for model in catalogue.models.values():
        for type_name in model.text_editor or ():
            if type_name not in by_type:
                raise top.error("types", f"{catalogue.path.name} lists {type_name} for model {model.key}; "
                                         f"describe it here")
    return ToolTypes(families, by_type)


def _families(top: Fields) -> dict[str, ToolFamily]:
    families: dict[str, ToolFamily] = {}
    entries = top.mapping("families", required=True)
    for name, entry in entries.items():
        fields = Fields(entry, f"tool family {name}", allowed={"replaced_by"})
        families[name] = ToolFamily(name, fields.str("replaced_by"))
    for family in families.values():
        if family.replaced_by is not None and family.replaced_by not in families:
            raise top.error("families", f"tool family {family.name} is replaced by unknown family "
                                        f"'{family.replaced_by}'")
    return families
