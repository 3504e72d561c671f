"""The model catalogue: every Claude model, its IDs per platform, limits and lifecycle, read from YAML."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import Enum
from collections.abc import Sequence
from pathlib import Path

from claude_migrate.data.errors import DataError
from claude_migrate.data.yamlio import Fields, YamlMap, load_layered

TEMPERATURE_WITH_TOP_P = ("allowed", "rejected")  # whether a model accepts both in one request


class Platform(str, Enum):
    FIRST_PARTY = "first_party"
    BEDROCK = "bedrock"
    VERTEX = "vertex"

    @property
    def label(self) -> str:
        return {"first_party": "the Anthropic API", "bedrock": "Amazon Bedrock", "vertex": "Vertex AI"}[self.value]


ACCEPTANCE = ("accepted", "rejected", "unknown")
THINKING_WHEN_OMITTED = ("off", "adaptive", "unknown")  # what a request without a ``thinking`` field gets
STATES = ("active", "legacy", "deprecated", "retired")  # each later state includes the earlier ones' risks


@dataclass(frozen=True)
class Lifecycle:
    """What a platform announced for a model: dates, a state it declared without a date (Anthropic's "Legacy",
    Bedrock's "Retired" column), the earliest retirement ("not sooner than"), and the replacement it names.
    ``confirmed`` is false when only third parties report it."""

    deprecated: datetime.date | None = None
    retired: datetime.date | None = None  # the retirement date, past ("retired") or announced ("retires")
    not_before: datetime.date | None = None
    declared: str = "active"
    seen: datetime.date | None = None  # the declared state holds from this date (the source's date) on
    replacement: str | None = None  # a catalogue model key
    note: str = ""
    confirmed: bool = True
    notice_days: int | None = None  # the platform's minimum notice before it retires a model

    def state(self, as_of: datetime.date) -> str:
        """The state on ``as_of``: a past retirement date retires; an announced one deprecates."""
        if self.retired and self.retired <= as_of:
            return "retired"
        announced = self.deprecated or self.seen  # a retirement date counts from its announcement, when known
        deprecated = (self.deprecated is not None and self.deprecated <= as_of) or (
            self.retired is not None and (announced is None or announced <= as_of))
        dated = "deprecated" if deprecated else "active"
        declared = self.declared if self.seen is None or self.seen <= as_of else "active"
        if declared == "retired" and self.retired:
            declared = "deprecated"  # a retirement date still ahead decides
        return max(dated, declared, key=STATES.index)

    def describe(self, as_of: datetime.date, where: str) -> str:
        """The state on ``as_of`` in words, with its date: "retired on Amazon Bedrock since 2026-10-14"."""
        state = self.state(as_of)
        unconfirmed = "" if self.confirmed else " (unconfirmed)"
        if state == "retired":
            return f"retired on {where}" + (f" since {self.retired}" if self.retired else "") + unconfirmed
        if state == "deprecated":
            when = f", retiring {self.retired}" if self.retired else (
                f" since {self.deprecated}" if self.deprecated else "")
            return f"deprecated on {where}{when}{unconfirmed}"
        ends = self.ends(as_of)
        runway = f", retiring no sooner than {ends[0]}" if ends else ""
        return f"{'Legacy' if state == 'legacy' else state} on {where}{runway}{unconfirmed}"

    def ends(self, as_of: datetime.date) -> tuple[datetime.date, bool] | None:
        """When the model may stop working, and whether that is a date announced (True) or only the earliest
        possible one (False): the retirement date, else the later of "not sooner than" and the notice period."""
        if self.retired:
            return self.retired, True
        if self.declared == "retired":
            return None
        earliest = [d for d in (self.not_before,) if d]
        if self.notice_days is not None and (earliest or self.declared != "active"):
            earliest.append(as_of + datetime.timedelta(days=self.notice_days))
        return (max(earliest), False) if earliest else None


@dataclass(frozen=True)
class Model:
    key: str
    name: str
    tier: str
    generation: tuple[int, ...]
    legacy: bool
    first_party_id: str | None
    first_party_aliases: tuple[str, ...]
    bedrock_id: str | None
    bedrock_other_ids: tuple[str, ...]
    profiles: tuple[str, ...]
    profiles_unconfirmed: tuple[str, ...]
    needs_profile: bool
    vertex_id: str | None
    max_output_tokens: int | None
    context_window: int | None
    thinking: str
    temperature_with_top_p: str
    text_editor: tuple[str, ...] | None  # None: which versions the model accepts is not known (``unknown``)
    prefill: bool
    unconfirmed: tuple[str, ...]
    sources: tuple[str, ...]
    lifecycles: dict[Platform, Lifecycle] = field(default_factory=dict)
    # what the request shape accepts beyond the fields above: "accepted", "rejected" (400) or "unknown"
    sampling_parameters: str = "accepted"  # any non-default temperature / top_p / top_k
    thinking_disabled: str = "accepted"  # thinking: {"type": "disabled"}
    forced_tool_choice: str = "accepted"  # tool_choice any / tool
    thinking_when_omitted: str = "off"  # one of THINKING_WHEN_OMITTED

    @property
    def generation_label(self) -> str:
        return ".".join(str(part) for part in self.generation)

    def id_for(self, platform: Platform, variant: str = "dated") -> str | None:
        """The ID to write on a platform; ``alias`` prefers the moving alias where one exists."""
        if platform is Platform.FIRST_PARTY:
            if variant == "alias" and self.first_party_aliases:
                return self.first_party_aliases[0]
            return self.first_party_id
        if platform is Platform.BEDROCK:
            return self.bedrock_id
        return self.vertex_id

    def lifecycle(self, platform: Platform) -> Lifecycle:
        return self.lifecycles.get(platform, Lifecycle())


@dataclass(frozen=True)
class KnownId:
    """One spelling of a model ID: which model, on which platform, and whether it is the dated ID."""

    text: str
    model: Model
    platform: Platform
    variant: str  # "dated", "alias" or "other"


@dataclass(frozen=True)
class InvalidId:
    """An ID no platform serves and the model it means: listed in the catalogue, or read by the ID grammar (then
    ``nearest`` is the valid ID it is closest to; not ``sure`` when it may mean another one too, the ``others``)."""

    text: str
    means: Model
    platform: Platform
    why: str
    sources: tuple[str, ...]
    nearest: str | None = None
    sure: bool = True  # the ID means one model and one ID: only then is it rewritten
    others: tuple[str, ...] = ()
    # A Claude API spelling such as claude-sonnet-4.5 is also the name people, CLIs and other services (llm aliases,
    # leaderboards, IDE model pickers) use for the model: it is an error only where a request sends it.
    name_like: bool = False
    # Well formed but neither an ID nor an alias of the models it names (claude-3-opus, claude-sonnet-4): it may name
    # a snapshot newer than the catalogue, so it is an error only while every model it may mean is retired.
    unlisted: bool = False
    meanings: tuple[Model, ...] = ()  # every model it may mean, ``means`` first (one model unless not ``sure``)

    def all_retired(self, as_of: datetime.date) -> bool:
        """Whether every model it may mean is retired on its platform on ``as_of``: then no spelling of it works."""
        return all(model.lifecycle(self.platform).state(as_of) == "retired" for model in self.meanings or (self.means,))

    def migrates_from(self, as_of: datetime.date) -> Model | None:
        """The model a fix migrates from: the one it means, or, where it may mean several (of one tier and version,
        so they move to the same model) that are all retired, the first; None while it may mean a live model it
        does not name for sure, or (unlisted) a snapshot newer than the catalogue."""
        if self.unlisted and not self.all_retired(as_of):
            return None
        if self.sure or (len(self.meanings) > 1 and self.all_retired(as_of)):
            return self.means
        return None


@dataclass
class Catalogue:
    path: Path
    models: dict[str, Model]
    ids: dict[str, KnownId]
    invalid_ids: dict[str, InvalidId]
    later_ids: frozenset[str]
    sources: dict[str, str]
    tiers: tuple[str, ...] = ()
    profile_prefixes: tuple[str, ...] = ()  # every cross-Region profile prefix, in the order a fix prefers them
    thinking_modes: tuple[str, ...] = ()
    checked: datetime.date | None = None  # when the facts were last checked against their sources
    overlay_models: frozenset[str] = frozenset()  # keys of the models a user's overlay file adds

    def source_urls(self, keys: tuple[str, ...]) -> list[str]:
        return [self.sources[key] for key in keys]


def parse_generation(text: str, fields: Fields, key: str = "generation") -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        raise fields.error(key, f"'{text}' is not a version like \"3.5\"") from None


def _lifecycle(block: YamlMap | None, where: str, notice_days: int | None) -> Lifecycle | None:
    if block is None:
        return None
    fields = Fields(block, where, allowed={"state", "seen", "deprecated", "retired", "retires", "not_before",
                                           "replacement", "note", "confirmed"})
    retired, retires = fields.date("retired"), fields.date("retires")
    if retired and retires:
        raise fields.error("retires", "give one retirement date: 'retired' (past) or 'retires' (announced)")
    return Lifecycle(
        deprecated=fields.date("deprecated"),
        retired=retired or retires,
        not_before=fields.date("not_before"),
        declared=fields.str("state", default="active", choices=STATES),
        seen=fields.date("seen"),
        replacement=fields.str("replacement"),
        note=fields.str("note", default=""),
        confirmed=fields.bool("confirmed", default=True),
        notice_days=notice_days,
    )


def _text_editor(fields: Fields) -> tuple[str, ...] | None:
    """The text editor versions a model accepts: a list, or ``unknown`` where no first-party source says."""
    if fields.any("text_editor") == "unknown":
        return None
    return tuple(fields.str_list("text_editor"))


def _check_sources(fields: Fields, keys: list[str], sources: dict[str, str]) -> tuple[str, ...]:
    for key in keys:
        if key not in sources:
            raise fields.error("sources", f"unknown source key '{key}' (define it under the top-level 'sources')")
    return tuple(keys)


@dataclass(frozen=True)
class Vocabulary:
    """The closed lists a model entry's values come from, read from the top of the catalogue file."""

    tiers: tuple[str, ...]
    profile_prefixes: tuple[str, ...]
    thinking_modes: tuple[str, ...]


def _model(key: str, raw: YamlMap, sources: dict[str, str], vocabulary: Vocabulary,
           notice: dict[str, int]) -> Model:
    fields = Fields(raw, f"model {key}", allowed={
        "name", "tier", "generation", "legacy", "first_party", "bedrock", "vertex", "max_output_tokens",
        "context_window", "thinking", "temperature_with_top_p", "text_editor", "prefill", "unconfirmed", "sources",
        "sampling_parameters", "thinking_disabled", "forced_tool_choice", "thinking_when_omitted",
    })
    lifecycles: dict[Platform, Lifecycle] = {}
    first_party_id: str | None = None
    aliases: tuple[str, ...] = ()
    if (block := fields.mapping("first_party")) is not None:
        fp = Fields(block, f"model {key} first_party", allowed={"id", "aliases", "lifecycle"})
        first_party_id, aliases = fp.str("id", required=True), tuple(fp.str_list("aliases"))
        if (life := _lifecycle(fp.mapping("lifecycle"), f"model {key} first_party lifecycle",
                               notice.get("first_party"))) is not None:
            lifecycles[Platform.FIRST_PARTY] = life
    bedrock_id: str | None = None
    other_ids: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    unconfirmed_profiles: tuple[str, ...] = ()
    needs_profile = False
    if (block := fields.mapping("bedrock")) is not None:
        br = Fields(block, f"model {key} bedrock", allowed={
            "id", "other_ids", "profiles", "profiles_unconfirmed", "needs_profile", "lifecycle"})
        bedrock_id = br.str("id", required=True)
        other_ids = tuple(br.str_list("other_ids"))
        profiles = tuple(br.str_list("profiles", choices=vocabulary.profile_prefixes))
        unconfirmed_profiles = tuple(br.str_list("profiles_unconfirmed", choices=vocabulary.profile_prefixes))
        needs_profile = br.bool("needs_profile", default=False)
        if (life := _lifecycle(br.mapping("lifecycle"), f"model {key} bedrock lifecycle",
                               notice.get("bedrock"))) is not None:
            lifecycles[Platform.BEDROCK] = life
    vertex_id = None
    if (block := fields.mapping("vertex")) is not None:
        vx = Fields(block, f"model {key} vertex", allowed={"id", "lifecycle"})
        vertex_id = vx.str("id", required=True)
        if (life := _lifecycle(vx.mapping("lifecycle"), f"model {key} vertex lifecycle",
                               notice.get("vertex"))) is not None:
            lifecycles[Platform.VERTEX] = life
    return Model(
        key=key,
        name=fields.str("name", required=True),
        tier=fields.str("tier", required=True, choices=vocabulary.tiers),
        generation=parse_generation(fields.str("generation", required=True), fields),
        legacy=fields.bool("legacy", default=False),
        first_party_id=first_party_id,
        first_party_aliases=aliases,
        bedrock_id=bedrock_id,
        bedrock_other_ids=other_ids,
        profiles=profiles,
        profiles_unconfirmed=unconfirmed_profiles,
        needs_profile=needs_profile,
        vertex_id=vertex_id,
        max_output_tokens=fields.int("max_output_tokens"),
        context_window=fields.int("context_window"),
        thinking=fields.str("thinking", default="none", choices=vocabulary.thinking_modes),
        temperature_with_top_p=fields.str("temperature_with_top_p", default="allowed",
                                          choices=TEMPERATURE_WITH_TOP_P),
        text_editor=_text_editor(fields),
        prefill=fields.bool("prefill", default=True),
        unconfirmed=tuple(fields.str_list("unconfirmed")),
        sources=_check_sources(fields, fields.str_list("sources", required=True), sources),
        lifecycles=lifecycles,
        thinking_when_omitted=fields.str("thinking_when_omitted", default="off", choices=THINKING_WHEN_OMITTED),
        **{name: fields.str(name, default="accepted", choices=ACCEPTANCE)
           for name in ("sampling_parameters", "thinking_disabled", "forced_tool_choice")},
    )


def _add_id(ids: dict[str, KnownId], block: YamlMap, key: str, known: KnownId) -> None:
    """Register one spelling; ``block[key]`` is where the YAML lists it, for the error."""
    if known.text in ids:
        other = ids[known.text].model.key
        if other == known.model.key:
            return  # 4.6+ models use one string on several platforms; the first-party reading serves all
        raise block.error(key, f"ID '{known.text}' of model {known.model.key} is already listed for model {other}")
    ids[known.text] = known


def load_catalogue(path: Path, overlays: Sequence[Path] = ()) -> Catalogue:
    raw = load_layered(path, overlays)
    top = Fields.data_file(raw, "catalogue", path=path,
                           allowed={"schema", "tiers", "profile_prefixes", "thinking_modes", "notice_days", "sources",
                                    "models", "invalid_ids", "later_ids", "checked"})
    sources_map = top.mapping("sources", required=True)
    sources = {str(k): v for k, v in sources_map.items()}
    for key, value in sources.items():
        if not isinstance(value, str):
            raise sources_map.error(key, "a source must be a string (URL or reference)")
    # A new model family, profile area or thinking mode is a YAML edit, not a code change.
    vocabulary = Vocabulary(tuple(top.str_list("tiers", required=True)),
                            tuple(top.str_list("profile_prefixes", required=True)),
                            tuple(top.str_list("thinking_modes", required=True)))
    notice_map = top.mapping("notice_days")
    notice: dict[str, int] = {}
    for platform_name in notice_map or {}:
        if platform_name not in {p.value for p in Platform}:
            raise notice_map.error(platform_name, f"unknown platform (platforms: {', '.join(p.value for p in Platform)})")
        notice[platform_name] = Fields(notice_map, "notice_days", allowed=set(notice_map)).int(platform_name)
    models_map = top.mapping("models", required=True)
    models: dict[str, Model] = {}
    ids: dict[str, KnownId] = {}
    for key, entry in models_map.items():
        model = _model(key, entry, sources, vocabulary, notice)
        models[key] = model
        for text, platform, variant, key in [
            (model.first_party_id, Platform.FIRST_PARTY, "dated", "id"),
            *((alias, Platform.FIRST_PARTY, "alias", "aliases") for alias in model.first_party_aliases),
            (model.bedrock_id, Platform.BEDROCK, "dated", "id"),
            *((other, Platform.BEDROCK, "other", "other_ids") for other in model.bedrock_other_ids),
            (model.vertex_id, Platform.VERTEX, "dated", "id"),
        ]:
            if text:
                _add_id(ids, entry[platform.value], key, KnownId(text, model, platform, variant))
    invalid: dict[str, InvalidId] = {}
    for index, item in enumerate(top.any("invalid_ids") or []):
        fields = Fields(item, f"invalid_ids item {index + 1}", path=path,
                        allowed={"id", "means", "platform", "why", "sources"})
        text, means = fields.str("id", required=True), fields.str("means", required=True)
        if means not in models:
            raise fields.error("means", f"unknown model key '{means}'")
        if text in ids:
            raise fields.error("id", f"'{text}' is a valid ID of model {ids[text].model.key}")
        invalid[text] = InvalidId(
            text=text,
            means=models[means],
            platform=Platform(fields.str("platform", required=True, choices=tuple(p.value for p in Platform))),
            why=fields.str("why", required=True),
            sources=_check_sources(fields, fields.str_list("sources", required=True), sources),
        )
    for model in models.values():
        for platform, life in model.lifecycles.items():
            if life.replacement is not None and life.replacement not in models:
                raise DataError(path, models_map[model.key][platform.value].line_of("lifecycle"), "replacement",
                                f"model {model.key}: unknown replacement model '{life.replacement}'")
    later = frozenset(top.str_list("later_ids"))
    if not models:
        raise DataError(path, None, "models", "the catalogue lists no models")
    return Catalogue(path=path, models=models, ids=ids, invalid_ids=invalid, later_ids=later, sources=sources, tiers=vocabulary.tiers,
                     profile_prefixes=vocabulary.profile_prefixes, thinking_modes=vocabulary.thinking_modes,
                     checked=top.date("checked"),
                     overlay_models=frozenset(key for key, entry in models_map.items() if entry.path != path))
