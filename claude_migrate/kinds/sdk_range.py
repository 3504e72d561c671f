"""The kind of the SDK-range rule: its findings come from :mod:`claude_migrate.run.sdk_ranges`, after the
``sdk-request`` rules ran, because they stand in a dependency file and sum up the calls of many files."""

from __future__ import annotations

from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.sdk_versions import RANGE_KIND
from claude_migrate.kinds.base import RuleKind, register


@register(RANGE_KIND)
class SdkRange(RuleKind):
    """A requirement range that allows both sides of an SDK break the checked calls hit."""

    MESSAGE_FIELDS = frozenset({"requirement", "breaks", "pin"})

    @classmethod
    def needs_import(cls, data: RuleData) -> tuple[str, ...]:
        """The same files as the ``sdk-request`` rules it sums up: its triggers are theirs."""
        return data.surfaces.import_roots
