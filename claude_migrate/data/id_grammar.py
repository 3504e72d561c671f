"""The model-ID grammar (rules/catalogue/id-grammar.yaml): the forms an ID takes on each platform, and the reading
of a string that looks like an ID but follows none of them, with the catalogue model it is nearest to.

The catalogue lists the IDs that exist; the grammar recognises the ones people misspell (``claude-sonnet-4.5``,
``claude-4-5-sonnet``, ``anthropic.anthropic.claude-...``) without a list of every misspelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from claude_migrate.data.catalogue import Catalogue, InvalidId, Model, Platform
from claude_migrate.data.yamlio import Fields, load_yaml

PROVIDER = "anthropic"
STEM = "claude"
_TOKEN = re.compile(r"([-.@:_]?)([a-z0-9]+)")
_LEAD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_BEFORE = frozenset("@/\\:")  # an ID after these is part of a path, a URL or another provider's name
_REST = re.compile(r"[\w.:@-]*")


def _generation(parts: list[str]) -> tuple[int, ...]:
    """A version as a tuple without trailing zeros: ``4-0`` and ``4`` are the same model."""
    numbers = [int(part) for part in parts]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


@dataclass(frozen=True)
class Form:
    """One ID form of a platform, compiled, with the versions it is used for."""

    platform: Platform
    template: str
    pattern: re.Pattern[str]
    since: tuple[int, ...] | None
    before: tuple[int, ...] | None
    sources: tuple[str, ...]

    def matches(self, text: str) -> bool:
        match = self.pattern.fullmatch(text)
        if match is None:
            return False
        generation = _generation([part for part in (match.group("major"), match.groupdict().get("minor")) if part])
        return (self.since is None or generation >= self.since) and (self.before is None or generation < self.before)


@dataclass(frozen=True)
class Reading:
    """What a string that looks like an ID says, read loosely: the parts it names and the slips it makes."""

    text: str
    profiles: tuple[str, ...]
    providers: int  # how often "anthropic." is written
    family: str
    generation: tuple[int, ...]
    version_first: bool  # claude-3-5-sonnet (True) or claude-sonnet-4-5 (False)
    date: str | None
    platform: Platform
    slips: tuple[str, ...]


def _compile(template: str, pieces: dict[str, str]) -> re.Pattern[str]:
    out, at = [], 0
    while at < len(template):
        char = template[at]
        if char == "{":
            end = template.index("}", at)
            name = template[at + 1:end]
            out.append(f"(?P<{name}>{pieces[name]})")
            at = end + 1
            continue
        out.append("(?:" if char == "[" else ")?" if char == "]" else re.escape(char))
        at += 1
    return re.compile("".join(out))


class IdGrammar:
    """The forms of every platform and the catalogue they are checked against."""

    def __init__(self, forms: list[Form], pieces: dict[str, str], catalogue: Catalogue) -> None:
        self.forms = forms
        self.catalogue = catalogue
        self.families = frozenset(catalogue.tiers)
        # the pieces a loose reading recognises, from the same data as the forms
        self._date = re.compile(pieces["date"])
        self._number = re.compile(pieces["major"])
        self._suffix = re.compile(f"v(?:{pieces['n']})")

    # -- finding the strings that look like IDs
    def candidate_at(self, text: str, at: int) -> tuple[int, int] | None:
        """The span of the ID-like string whose ``claude`` starts at ``at``: the profile and provider parts
        before it, the version parts after it; None when it is part of a longer word, a path or a URL."""
        start = at
        while start > 0 and text[start - 1] in _LEAD_CHARS:
            start -= 1
        lead = text[start:at]
        if lead and not lead.endswith("."):
            return None
        if start > 0 and text[start - 1] in _BEFORE:
            return None
        match = _REST.match(text, at + len(STEM))
        end = match.end() if match else at + len(STEM)
        while end > at + len(STEM) and text[end - 1] in ".:-":
            end -= 1
        return start, end

    def read(self, text: str) -> Reading | None:
        """The loose reading of ``text`` (one candidate span), or None when it is no attempt at an ID: a word
        other than a family, a version or a date (``claude-code``, ``claude-3-5-sonnet.json``), no family, or
        an underscore (an identifier)."""
        at = text.find(STEM)
        lead, rest = text[:at], text[at + len(STEM):]
        parts = lead.split(".")[:-1] if lead else []
        providers = sum(part == PROVIDER for part in parts)
        profiles = tuple(part for part in parts if part != PROVIDER)
        if any(p not in self.catalogue.profile_prefixes for p in profiles) or (
                providers and parts.index(PROVIDER) < len(profiles)):
            return None
        tokens = [(m.group(1), m.group(2)) for m in _TOKEN.finditer(rest)]
        if not rest.startswith("-") or "".join(sep + word for sep, word in tokens) != rest:
            return None
        family: str | None = None
        version: list[str] = []
        version_first = False
        date = None
        dotted = vertex = bedrock_suffix = False
        for index, (sep, word) in enumerate(tokens):
            if sep == "_":
                return None
            if word in self.families and family is None:
                family, version_first = word, bool(version)
            elif self._date.fullmatch(word) and date is None:
                date, vertex = word, vertex or sep == "@"
            elif self._suffix.fullmatch(word) or word == "latest":
                continue
            elif word.isdigit() and sep == ":" and index and self._suffix.fullmatch(tokens[index - 1][1]):
                bedrock_suffix = True
            elif self._number.fullmatch(word) and len(version) < 2 and (family is None or not date):
                dotted = dotted or sep == "."
                version.append(word)
            else:
                return None
        if family is None or not version:
            return None
        platform = (Platform.VERTEX if vertex else
                    Platform.BEDROCK if bedrock_suffix or providers or profiles else Platform.FIRST_PARTY)
        slips = []
        if dotted:
            slips.append(f"the version is written with a dot (`{'.'.join(version)}`); IDs write `{'-'.join(version)}`")
        if providers > 1:
            slips.append(f"`{PROVIDER}.` is written {providers} times")
        if len(profiles) > 1:
            slips.append(f"{len(profiles)} profile prefixes (`{'.'.join(profiles)}.`); a profile ID has one")
        if platform is Platform.BEDROCK and not providers:
            slips.append(f"a Bedrock ID starts with `{PROVIDER}.claude-`")
        return Reading(text, profiles, providers, family, _generation(version), version_first, date, platform,
                       tuple(slips))

    def follows(self, text: str) -> bool:
        return any(form.matches(text) for form in self.forms)

    # -- the verdict
    def invalid(self, text: str) -> InvalidId | None:
        """The InvalidId ``text`` is, when it looks like an ID of a catalogue model but follows no form (or follows
        one with a snapshot date of a model whose ID on that platform is spelled otherwise, ``-v2:0`` for
        ``-v1:0``); None for everything else, including well-formed IDs the catalogue does not know."""
        reading = self.read(text)
        if reading is None:
            return None
        platform = reading.platform
        models = [m for m in self.catalogue.models.values() if m.tier == reading.family
                  and _generation([str(p) for p in m.generation]) == reading.generation and m.id_for(platform)]
        dated = [m for m in models if reading.date and reading.date in (m.id_for(platform) or "") + (
            m.first_party_id or "")]
        bare = text[text.find(f"{PROVIDER}."):] if platform is Platform.BEDROCK and reading.providers else text
        slips = list(reading.slips)
        if self.follows(text):
            if platform is Platform.FIRST_PARTY and models and not dated:
                # no ID or alias of the models it names: undated (claude-3-opus) or dated otherwise
                slips.append(f"no {models[0].name} ID is dated {reading.date}" if reading.date else
                             "no ID or alias is spelled so")
                return replace(self._invalid(text, reading, models, slips, sure=len(models) == 1), unlisted=True)
            # well formed, but the one model it names is spelled otherwise there: a snapshot's Bedrock suffix
            # (-v2:0 for -v1:0), or an undated Bedrock spelling of a dated model
            named = dated if reading.date else models if platform is Platform.BEDROCK else []
            if len(named) != 1 or bare in (named[0].id_for(platform), *named[0].bedrock_other_ids):
                return None
            model = named[0]
            slips.append(f"{model.name} on {platform.label} is `{model.id_for(platform)}`")
            return self._invalid(text, reading, [model], slips, sure=True)
        if not models:
            return None
        if reading.date and not dated:
            slips.append(f"no {models[0].name} ID is dated {reading.date}")
            return self._invalid(text, reading, models, slips, sure=False)
        chosen = dated or models
        if not slips:
            slips.append(self._order_slip(reading, chosen[0]) or f"it follows no ID form of {platform.label}")
        return self._invalid(text, reading, chosen, slips, sure=len(chosen) == 1 and len(set(reading.profiles)) <= 1)

    def _order_slip(self, reading: Reading, model: Model) -> str | None:
        valid = model.id_for(Platform.FIRST_PARTY) or ""
        family_at = valid.find(f"-{model.tier}")
        version_first = 0 <= family_at and any(ch.isdigit() for ch in valid[:family_at])
        if version_first == reading.version_first:
            return None
        order = "version before the family" if version_first else "family before the version"
        return f"{model.name} IDs put the {order}"

    def _invalid(self, text: str, reading: Reading, models: list[Model], slips: list[str], *, sure: bool
                 ) -> InvalidId:
        platform = reading.platform
        ids = [self._nearest_id(model, reading, alone=len(models) == 1) for model in models]
        if len(set(reading.profiles)) > 1:  # which of the prefixes is meant
            ids = [f"{p}.{ids[0]}" for p in dict.fromkeys(reading.profiles)]
        sources = tuple(dict.fromkeys(key for form in self.forms if form.platform is platform for key in form.sources))
        return InvalidId(text, models[0], platform, "; ".join(slips), sources, nearest=ids[0], sure=sure,
                         others=tuple(ids[1:]), name_like=platform is Platform.FIRST_PARTY, meanings=tuple(models))

    @staticmethod
    def _nearest_id(model: Model, reading: Reading, *, alone: bool) -> str:
        """The model's ID on the string's platform. A Claude API string without a date that can mean only this
        model gets its pinned alias (``claude-sonnet-4-5``), not one that moves (``claude-3-7-sonnet-latest``)."""
        dated = model.id_for(reading.platform) or ""
        if reading.platform is not Platform.FIRST_PARTY or reading.date or not alone:
            return dated
        return next((alias for alias in model.first_party_aliases if not alias.endswith("-latest")), dated)


def load_id_grammar(path: Path, catalogue: Catalogue) -> IdGrammar:
    raw = load_yaml(path)
    top = Fields.data_file(raw, "ID grammar", path=path, allowed={"schema", "sources", "pieces", "forms"})
    sources = top.mapping("sources", required=True)
    pieces_map = top.mapping("pieces", required=True)
    pieces = {str(key): str(value) for key, value in pieces_map.items()}
    pieces["family"] = "|".join(re.escape(tier) for tier in catalogue.tiers)
    pieces["profile"] = "|".join(re.escape(p) for p in sorted(catalogue.profile_prefixes, key=len, reverse=True))
    forms_map = top.mapping("forms", required=True)
    forms = []
    for platform_name, items in forms_map.items():
        if platform_name not in {p.value for p in Platform}:
            raise forms_map.error(platform_name, f"unknown platform (platforms: {', '.join(p.value for p in Platform)})")
        for index, item in enumerate(items):
            fields = Fields(item, f"forms {platform_name} item {index + 1}", path=path,
                            allowed={"form", "generations", "sources"})
            template = fields.str("form", required=True)
            try:
                pattern = _compile(template, pieces)
            except (KeyError, ValueError, re.error) as exc:
                raise fields.error("form", f"not a form with known pieces ({exc})") from None
            bounds = fields.mapping("generations")
            limits = Fields(bounds or {}, f"forms {platform_name} item {index + 1} generations", path=path,
                            allowed={"since", "before"})
            keys = fields.str_list("sources", required=True)
            for key in keys:
                if key not in sources:
                    raise fields.error("sources", f"unknown source key '{key}' (define it under the top-level 'sources')")
            since, before = limits.str("since"), limits.str("before")
            forms.append(Form(Platform(platform_name), template, pattern,
                              _generation(since.split(".")) if since else None,
                              _generation(before.split(".")) if before else None, tuple(keys)))
    return IdGrammar(forms, pieces, catalogue)
