"""Find and load the rule data and rule files: the bundled ones and those of the configured extra folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.data.catalogue import load_catalogue
from claude_migrate.data.errors import DataError
from claude_migrate.data.id_grammar import load_id_grammar
from claude_migrate.data.model_ids import IdMatcher
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.rules import KindSchema, RuleSpec, load_rules
from claude_migrate.data.surfaces import load_surfaces
from claude_migrate.data.targets import load_region_prefixes, load_targets
from claude_migrate.data.tool_types import load_tool_types


@dataclass(frozen=True)
class RuleSet:
    """One load of the rule folders: the shared data and every rule, in code order."""

    data: RuleData
    rules: tuple[RuleSpec, ...]


def rules_dir() -> Path:
    """``claude_migrate/_rules`` in an installed wheel, the repository's ``rules/`` in a checkout."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "_rules"
    return bundled if bundled.is_dir() else package.parent / "rules"


def overlays(extra_dirs: tuple[Path, ...], name: str) -> list[Path]:
    """The user's ``catalogue/NAME`` files in the extra rule folders, merged over the bundled one in order."""
    return [path for folder in extra_dirs if (path := folder / "catalogue" / name).is_file()]


def load_rule_data(base: Path | None = None, extra_dirs: tuple[Path, ...] = ()) -> RuleData:
    """The bundled data, with the models and targets that the extra rule folders' ``catalogue/`` files add."""
    folder = (base or rules_dir()) / "catalogue"
    catalogue = load_catalogue(folder / "models.yaml", overlays(extra_dirs, "models.yaml"))
    return RuleData(
        catalogue=catalogue,
        targets=load_targets(folder / "targets.yaml", catalogue, overlays(extra_dirs, "targets.yaml")),
        regions=load_region_prefixes(folder / "bedrock-regions.yaml", catalogue),
        matcher=IdMatcher(catalogue, load_id_grammar(folder / "id-grammar.yaml", catalogue)),
        surfaces=load_surfaces(folder / "surfaces.yaml"),
        tools=load_tool_types(folder / "tools.yaml", catalogue),
    )


def rule_files(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """The rule files; one that is not a regular file (a FIFO named ``*.yaml`` hung the run) is a DataError."""
    files = sorted(rules_dir().glob("*.yaml"))
    for folder in extra_dirs:
        files.extend(sorted(folder.glob("*.yaml")))
    for file in files:
        try:
            regular = stat.S_ISREG(os.stat(file).st_mode)
        except OSError as exc:
            raise DataError(file, None, None, f"cannot read: {exc.strerror or exc}") from None
        if not regular:
            raise DataError(file, None, None, "not a regular file (a FIFO, socket, device or folder); refused")
    return files


def data_files(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    """The files the rule data is read from (the key of a cached load covers them)."""
    return [*sorted((rules_dir() / "catalogue").glob("*.yaml")),
            *(path for folder in extra_dirs for path in sorted((folder / "catalogue").glob("*.yaml")))]


def load(kinds: Mapping[str, KindSchema], extra_dirs: tuple[Path, ...] = ()) -> RuleSet:
    """The bundled data and every rule file's rules, each checked against the kind it names in ``kinds``."""
    data = load_rule_data(extra_dirs=extra_dirs)
    return RuleSet(data, tuple(load_rules(rule_files(extra_dirs), kinds, data)))
