"""Version ranges of the ``anthropic`` package: whether the range a project allows reaches into the range where
a call breaks. Free of libcst: the run layer reads dependency files with it, the rule kinds test ranges with it."""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

# The kinds whose rules test the SDK range: named here so the run layer finds their rules without importing the
# kinds (and libcst) on every start.
REQUEST_KIND = "sdk-request"
RANGE_KIND = "sdk-range"


def version_dependent(kind: str, params: dict[str, object]) -> bool:
    """Whether a rule reports only on some SDK versions (an ``sdk-request`` rule with an ``sdk`` range): where the
    version is unknown, its findings are counted, not reported."""
    return kind == REQUEST_KIND and bool(params.get("sdk"))


@dataclass(frozen=True)
class SdkRequirement:
    """What a project allows for a package: ``specifier`` ("" for any version) and where that is written."""

    specifier: str
    origin: str  # "requirements.txt:3", "uv.lock (pin)", "--sdk-version", ...
    file: str = ""  # the dependency file that declares the range (absolute), for a finding on its line; "" for pins
    line: int = 0

    def describe(self, package: str = "anthropic") -> str:
        return f"{package}{self.specifier or ' (any version)'} ({self.origin})"


def specifier_set(text: str) -> SpecifierSet | None:
    """The specifier set of ``text``; a bare version such as ``1.2.0`` means ``==1.2.0``; None when invalid."""
    text = text.strip()
    try:
        return SpecifierSet(f"=={text}" if text and text[0].isdigit() else text)
    except InvalidSpecifier:
        return None


def _candidates(*sets: SpecifierSet) -> list[Version]:
    """Version 0 and the versions at and just past every bound: where two ranges overlap, the overlap starts at one
    of them, so it holds one (no list of releases needed)."""
    found = {Version("0")}
    for spec in (s for spec_set in sets for s in spec_set):
        try:
            bound = Version(spec.version.rstrip(".*"))
        except InvalidVersion:
            continue
        release = bound.release + (0,) * (3 - len(bound.release))
        found.add(bound)
        for index in range(len(release)):
            bumped = (*release[:index], release[index] + 1, *(0,) * (len(release) - index - 1))
            found.add(Version(".".join(map(str, bumped))))
    return sorted(found)


def allows(requirement: str, wanted: str) -> bool:
    """Whether some version that ``requirement`` allows lies in ``wanted`` (both specifier texts)."""
    have, want = specifier_set(requirement), specifier_set(wanted)
    if have is None or want is None:
        return False
    return any(version in have and version in want for version in _candidates(have, want))


def straddles(requirement: str, break_at: str) -> bool:
    """Whether ``requirement`` allows versions on both sides of the break ``break_at`` (e.g. ``>=1.0``)."""
    return allows(requirement, break_at) and allows(requirement, f"<{break_at.lstrip('>=')}")
