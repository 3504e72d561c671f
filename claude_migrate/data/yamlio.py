"""YAML loading that remembers where every key stands, so data errors can name file, line and key."""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from claude_migrate.data.errors import DataError

if TYPE_CHECKING:
    import yaml


class YamlMap(dict[str, Any]):
    """A mapping from a YAML file that knows its own line and the line of each key."""

    path: Path
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def error(self, key: str | None, message: str) -> DataError:
        return DataError(self.path, self.line_of(key) if key else self.line, key, message)


class YamlList(list[Any]):
    """A sequence from a YAML file that knows its line and the line of each item."""

    path: Path
    line: int
    item_lines: list[int]


def _loader_for(path: Path) -> type[yaml.SafeLoader]:
    import yaml  # imported here: runs that load the rule data from the cache never need it

    # libyaml's parser reads the rule data about five times faster than the pure-Python one; the
    # constructors below are Python either way, so both give the same values and lines.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LocatingLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
            result = YamlMap()
            result.path, result.line, result.key_lines = path, node.start_mark.line + 1, {}
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int)):
                    raise DataError(path, key_node.start_mark.line + 1, str(key), "keys must be strings")
                key = str(key)
                if key in result:
                    raise DataError(path, key_node.start_mark.line + 1, key, "duplicate key")
                try:
                    result[key] = self.construct_object(value_node, deep=True)
                except ValueError as exc:  # a date that does not exist, such as 2026-06-31, was a traceback
                    what = f"'{value_node.value}'" if isinstance(value_node, yaml.ScalarNode) else "an item"
                    raise DataError(path, value_node.start_mark.line + 1, key,
                                    f"{what} is not a valid date ({exc})") from None
                result.key_lines[key] = key_node.start_mark.line + 1
            return result

        def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> YamlList:
            result = YamlList(self.construct_object(child, deep=True) for child in node.value)
            result.path, result.line = path, node.start_mark.line + 1
            result.item_lines = [child.start_mark.line + 1 for child in node.value]
            return result

    LocatingLoader.add_constructor("tag:yaml.org,2002:map", LocatingLoader.construct_mapping)
    LocatingLoader.add_constructor("tag:yaml.org,2002:seq", LocatingLoader.construct_sequence)
    return LocatingLoader


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; syntax errors become a DataError with the line YAML points at."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path, None, None, f"cannot read: {exc}") from exc
    try:
        return yaml.load(text, Loader=_loader_for(path))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, None, f"invalid YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise DataError(path, None, None, f"invalid YAML: {exc}") from exc


def load_layered(path: Path, overlays: Sequence[Path] = ()) -> Any:
    """A bundled data file with the user's overlay files of the same name merged in, in order.

    Under each top-level key an overlay's mapping entries are added (one the data already has is an error at the
    overlay's line: overlays add models and targets, they do not silently change the bundled facts), lists are
    extended, and other values replace the bundled ones (``default`` of the targets file).
    """
    merged = load_yaml(path)
    for overlay_path in overlays:
        overlay = load_yaml(overlay_path)
        if not isinstance(merged, YamlMap) or not isinstance(overlay, YamlMap):
            raise DataError(overlay_path, getattr(overlay, "line", None), None, "expected a mapping at the top")
        for key, value in overlay.items():
            current = merged.get(key)
            if isinstance(current, YamlMap) and isinstance(value, YamlMap):
                for name, entry in value.items():
                    if name in current:
                        raise value.error(name, f"'{name}' is already defined in {current.path} (line "
                                                f"{current.line_of(name)}); an overlay can only add entries")
                    current[name] = entry
            elif isinstance(current, YamlList) and isinstance(value, YamlList):
                current.extend(value)
                current.item_lines.extend(value.item_lines)
            else:
                merged[key] = value
    return merged


class Fields:
    """Typed access to one YAML mapping that rejects unknown keys and wrong types with their line."""

    def __init__(self, mapping: Any, where: str, *, path: Path | None = None, allowed: set[str]) -> None:
        if not isinstance(mapping, YamlMap):
            raise DataError(getattr(mapping, "path", path or "?"), getattr(mapping, "line", None), where,
                            f"expected a mapping, got {type(mapping).__name__}")
        self.map = mapping
        self.where = where
        unknown = sorted(set(mapping) - allowed)
        if unknown:
            raise mapping.error(unknown[0], f"unknown key in {where} (allowed: {', '.join(sorted(allowed))})")

    @classmethod
    def data_file(cls, mapping: Any, where: str, *, path: Path, allowed: set[str]) -> Fields:
        """The top of one of the project's data files, whose ``schema`` must be one this version reads."""
        top = cls(mapping, where, path=path, allowed=allowed)
        if top.int("schema", required=True) != 1:
            raise top.error("schema", "unsupported schema version (this claude-migrate reads schema 1)")
        return top

    def error(self, key: str, message: str) -> DataError:
        return self.map.error(key, message)

    def _get(self, key: str, kinds: tuple[type, ...], required: bool, default: Any, label: str) -> Any:
        if key not in self.map or self.map[key] is None:
            if required:
                raise DataError(self.map.path, self.map.line, key, f"missing required key in {self.where}")
            return default
        value = self.map[key]
        if isinstance(value, bool) and bool not in kinds:
            raise self.error(key, f"expected {label}, got a boolean")
        if not isinstance(value, kinds):
            raise self.error(key, f"expected {label}, got {type(value).__name__}")
        return value

    # Below, the methods str, int and bool shadow the builtins in this class body: annotations say builtins.str etc.
    def str(self, key: str, *, required: bool = False, default: str | None = None,
            choices: tuple[str, ...] | None = None) -> Any:
        value = self._get(key, (str,), required, default, "a string")
        if choices is not None and value is not None and value not in choices:
            raise self.error(key, f"'{value}' is not one of: {', '.join(choices)}")
        return value

    def int(self, key: builtins.str, *, required: bool = False, default: int | None = None) -> Any:
        return self._get(key, (int,), required, default, "an integer")

    def bool(self, key: builtins.str, *, required: bool = False, default: bool | None = None) -> Any:
        return self._get(key, (bool,), required, default, "true or false")

    def date(self, key: builtins.str) -> datetime.date | None:
        return self._get(key, (datetime.date,), False, None, "a date (YYYY-MM-DD)")

    @overload
    def mapping(self, key: builtins.str, *, required: Literal[True]) -> YamlMap: ...

    @overload
    def mapping(self, key: builtins.str, *, required: builtins.bool = False) -> YamlMap | None: ...

    def mapping(self, key: builtins.str, *, required: builtins.bool = False) -> YamlMap | None:
        """A required mapping is never None: a missing key (or a null value) raises instead."""
        return self._get(key, (YamlMap,), required, None, "a mapping")

    def str_list(self, key: builtins.str, *, required: builtins.bool = False,
                 choices: tuple[builtins.str, ...] | None = None) -> list[builtins.str]:
        value = self._get(key, (list,), required, [], "a list of strings")
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise self.error(key, f"item {index + 1} must be a string")
            if choices is not None and item not in choices:
                raise self.error(key, f"'{item}' is not one of: {', '.join(choices)}")
        return list(value)

    def sequence(self, key: builtins.str, *, required: builtins.bool = False) -> list[Any] | None:
        """A list of any items, for parameters whose items their reader checks."""
        return self._get(key, (list,), required, None, "a list")

    def any(self, key: builtins.str) -> Any:
        return self.map.get(key)
