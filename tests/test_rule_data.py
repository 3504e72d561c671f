"""Rule data checks: what a fix can write is a documented ID, prefixes exist, tool types keep their names, and the
catalogue agrees with the ID tables of the facts file (read when it exists, as in this repository's workspace)."""

from __future__ import annotations

import ast
import datetime
import re
from collections.abc import Iterator
from itertools import product
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, FIXTURES, REPO

from claude_migrate.data.catalogue import Model, Platform
from claude_migrate.analysis.options import RunOptions
from claude_migrate.engine.analyzer import Analyzer
from claude_migrate.data.loading import rules_dir
from claude_migrate.run.rulecache import load as load_rule_set

FACTS = REPO.parent / "shared" / "reference" / "claude-4-facts.md"
DATA = load_rule_set().data
PROFILE_PREFIXES = DATA.catalogue.profile_prefixes
CATALOGUE = DATA.catalogue
MODELS = list(CATALOGUE.models.values())
FOUNDATION_ARN = "arn:aws:bedrock:us-east-1::foundation-model/"
# A Region for every list of prefixes in bedrock-regions.yaml, and one no entry matches (cn-north-1).
REGIONS = ("us-gov-west-1", "us-east-1", "eu-west-1", "ap-northeast-1", "ap-southeast-2", "ap-southeast-4",
           "ap-south-1", "sa-east-1", "cn-north-1")


def valid_ids(platform: Platform) -> dict[str, Model]:
    """Every spelling the catalogue documents for a platform, with its model."""
    spellings: dict[str, Model] = {}
    for model in MODELS:
        if platform is Platform.FIRST_PARTY:
            texts = [model.first_party_id, *model.first_party_aliases]
        elif platform is Platform.BEDROCK:
            texts = [model.bedrock_id, *model.bedrock_other_ids]
        else:
            texts = [model.vertex_id]
        spellings.update((text, model) for text in texts if text)
    return spellings


def sites() -> list[tuple[str, Platform]]:
    """Every ID the catalogue knows (valid and known-invalid) in every form a call site spells it."""
    spellings = [(known.text, known.platform) for known in CATALOGUE.ids.values()]
    spellings += [(invalid.text, invalid.platform) for invalid in CATALOGUE.invalid_ids.values()]
    forms = []
    for text, platform in spellings:
        forms.append((text, platform))
        if platform is Platform.BEDROCK:
            forms += [(f"{prefix}.{text}", platform) for prefix in PROFILE_PREFIXES]
            forms += [(f"{FOUNDATION_ARN}{text}", platform), (f"bedrock/{text}", platform),
                      (f"bedrock/us.{text}", platform)]
    return forms


FORMS = sites()
SOURCE = "".join(f"S{index} = {text!r}\n" for index, (text, _) in enumerate(FORMS))
# Every target in every Region of bedrock-regions.yaml, in none, and with the one prefix no Region maps to.
CONTEXTS = [(target, region, None) for target, region in product(DATA.targets.by_name, (None, *REGIONS))]
CONTEXTS += [(target, None, "global") for target in DATA.targets.by_name]


def analyzer(target: str, region: str | None, prefix: str | None, as_of: str = AS_OF) -> Analyzer:
    options = RunOptions(target=DATA.targets.get(target), as_of=datetime.date.fromisoformat(as_of),
                         bedrock_region=region, bedrock_profile_prefix=prefix)
    return Analyzer(DATA, list(load_rule_set().rules), options)


def written(engine: Analyzer, safeties: frozenset[str]) -> Iterator[tuple[str, Platform, str]]:
    """(site, platform, text after fix) for every site whose text the fix changed."""
    fixed = engine.fix("sites.py", SOURCE, safeties).text
    for (before, platform), node in zip(FORMS, ast.parse(fixed).body):
        after = node.value.value  # type: ignore[attr-defined]
        if after != before:
            yield before, platform, after


@pytest.mark.parametrize(("target", "region", "prefix"), CONTEXTS,
                         ids=[f"{t}-{r or p or 'no-region'}" for t, r, p in CONTEXTS])
def test_every_id_a_fix_writes_is_documented_and_has_its_profile(target: str, region: str | None,
                                                                 prefix: str | None) -> None:
    engine = analyzer(target, region, prefix)
    lines = SOURCE.splitlines()
    for finding in engine.check("sites.py", SOURCE):
        for edit in finding.fix.edits if finding.fix else ():
            old = lines[edit.start.line - 1][edit.start.column:edit.end.column]
            assert edit.content != old, f"{finding.code} offers a fix that writes {old} back: no fix at all"
    for safeties in (frozenset({"safe"}), frozenset({"safe", "unsafe"})):
        for before, platform, after in written(engine, safeties):
            wrapper = next((w for w in (FOUNDATION_ARN, "bedrock/") if before.startswith(w)), "")
            if wrapper == FOUNDATION_ARN and not after.startswith(wrapper):
                wrapper = ""  # an ARN of a profile-only model becomes its inference profile ID (checked below)
            assert after.startswith(wrapper), f"{before} -> {after}: the wrapper was lost"
            text = after[len(wrapper):]
            head, _, rest = text.partition(".")
            profile = head if head in PROFILE_PREFIXES and rest else None
            bare = rest if profile else text
            documented = valid_ids(platform)
            assert bare in documented, f"{before} -> {after}: not a documented {platform.value} ID"
            if wrapper == FOUNDATION_ARN:
                assert not documented[bare].needs_profile, f"{before} -> {after}: an ARN of a profile-only model"
            if profile is None:
                continue
            model = documented[bare]
            assert platform is Platform.BEDROCK and wrapper != FOUNDATION_ARN, f"{before} -> {after}"
            allowed = model.profiles if safeties == {"safe"} else (*model.profiles, *model.profiles_unconfirmed)
            assert profile in allowed, f"{before} -> {after}: {model.name} has no {profile}. profile"


def editor_pairs_in_python(source: str) -> Iterator[tuple[str, str]]:
    """(type, name) of text editor tool definitions: dict literals and calls with ``type=``/``name=``."""
    for node in ast.walk(ast.parse(source)):
        fields: dict[str, object] = {}
        if isinstance(node, ast.Dict):
            fields = {k.value: v.value for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
        elif isinstance(node, ast.Call):
            fields = {k.arg: k.value.value for k in node.keywords if k.arg and isinstance(k.value, ast.Constant)}
        kind, name = fields.get("type"), fields.get("name")
        if isinstance(kind, str) and kind.startswith("text_editor_") and isinstance(name, str):
            yield kind, name


def editor_pairs_in_yaml(value: object) -> Iterator[tuple[str, str]]:
    """(type, name) wherever rule data gives a text editor type a name: ``{type: ..., name: ...}`` or
    ``text_editor_YYYYMMDD: {name: ...}``."""
    if isinstance(value, dict):
        kind = value.get("type")
        if isinstance(kind, str) and kind.startswith("text_editor_") and isinstance(value.get("name"), str):
            yield kind, value["name"]
        for key, item in value.items():
            if str(key).startswith("text_editor_") and isinstance(item, dict) and isinstance(item.get("name"), str):
                yield str(key), item["name"]
            yield from editor_pairs_in_yaml(item)
    elif isinstance(value, list):
        for item in value:
            yield from editor_pairs_in_yaml(item)


# ---------------------------------------------------------------- the facts file

def facts_section(number: str) -> str:
    if not FACTS.is_file():
        pytest.skip(f"{FACTS} is not here (a user's clone): nothing to compare with")
    text = FACTS.read_text(encoding="utf-8")
    start = re.search(rf"^#+ {re.escape(number)}\. .*$", text, re.M)
    assert start, f"section {number} not found in {FACTS}"
    end = re.compile(r"^#{2,3} ", re.M).search(text, start.end())
    return text[start.end():end.start() if end else len(text)]


def table_lines(section: str) -> list[str]:
    """The lines of a section's first markdown table."""
    lines = section.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith("|"))
    end = next((index for index in range(start, len(lines)) if not lines[index].startswith("|")), len(lines))
    return lines[start:end]


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def table_rows(section: str) -> list[list[str]]:
    """The cells of a section's first markdown table, without header and separator rows."""
    return [cells(line) for line in table_lines(section)[2:]]


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def model_named(name: str) -> Model:
    """The catalogue model a facts row names ("Claude 3.5 Sonnet (June)" is the catalogue's "Claude 3.5 Sonnet")."""
    plain = re.sub(r"\s*\(.*?\)", "", name).strip()
    (model,) = [m for m in MODELS if m.name == plain]
    return model


def test_text_editor_types_keep_their_names() -> None:
    required = {ticked(row[0])[0]: ticked(row[1])[0] for row in table_rows(facts_section("3a"))}
    assert required, "no text editor types in the facts file"
    for model in MODELS:
        unknown = set(model.text_editor or ()) - set(required)
        assert not unknown, f"{model.name} lists undocumented text editor types {unknown}"
    pairs = []
    for path in sorted(rules_dir().rglob("*.yaml")):
        pairs += [(f"{path.name}", pair) for pair in editor_pairs_in_yaml(yaml.safe_load(path.read_text()))]
    for rule in load_rule_set().rules:
        pairs += [(f"{rule.code} example", pair) for example in rule.examples
                  for pair in editor_pairs_in_python(example.after)]
    for path in sorted(FIXTURES.rglob("*.out.py")):
        pairs += [(path.name, pair) for pair in editor_pairs_in_python(path.read_text(encoding="utf-8"))]
    wrong = [(where, kind, name) for where, (kind, name) in pairs if required.get(kind) != name]
    assert not wrong, f"text editor types paired with the wrong name: {wrong}"


def test_every_catalogue_id_follows_the_id_grammar() -> None:
    """The grammar is the catalogue's own shape: each valid ID follows a form of its platform, and each listed
    misspelling either follows none or is read by the grammar as a misspelling of a catalogue model."""
    grammar = DATA.matcher.grammar
    assert grammar is not None
    astray = [text for text in CATALOGUE.ids if not grammar.follows(text)]
    assert not astray, f"catalogue IDs that follow no form of rules/catalogue/id-grammar.yaml: {astray}"
    well_formed = [text for text in CATALOGUE.invalid_ids if grammar.follows(text) and grammar.invalid(text) is None]
    assert not well_formed, f"listed invalid IDs the grammar takes for valid ones: {well_formed}"


def test_first_party_ids_agree_with_the_facts() -> None:
    documented = valid_ids(Platform.FIRST_PARTY)
    listed: set[str] = set()
    for model_cell, dated, aliases, notes, *_ in table_rows(facts_section("1a")):
        ids = [token for token in ticked(dated) + ticked(aliases) if token.startswith("claude-")]
        listed.update(ids)
        if "Do not emit" in notes:
            assert set(ids) <= set(CATALOGUE.invalid_ids), f"{ids} must be known-invalid IDs"
            continue
        missing = [token for token in ids if token not in documented]
        assert not missing, f"{model_cell}: {missing} not in the catalogue's first-party IDs"
        dated_ids = [token for token in ticked(dated) if token.startswith("claude-")]
        if len(dated_ids) == 1:
            assert {documented[token].key for token in ids} == {documented[dated_ids[0]].key}, \
                f"{model_cell}: an alias of another model"
    for model_cell, api_ids, *_ in generation_rows():
        listed.update(api_ids)
        missing = [token for token in api_ids if token not in documented]
        assert not missing, f"{model_cell}: {missing} not in the catalogue's first-party IDs"
    # The facts file writes the Claude 1.x IDs as a range "claude-1.0 … claude-1.3"; the catalogue spells it out.
    spelled_out_range = {"claude-1.1", "claude-1.2"}
    assert set(documented) - listed == spelled_out_range


def generation_rows() -> list[tuple[str, list[str], str, str]]:
    """(model, Claude API IDs, Bedrock cell, Google Cloud cell) of the facts' Claude 5 / 5.5 ID table (10a), without
    the rows of models the catalogue lists only as later IDs (invitation-only Mythos)."""
    rows = []
    for model_cell, api, bedrock, google, *_ in table_rows(facts_section("10a")):
        api_ids = [token for token in ticked(api) if token.startswith("claude-")]
        if api_ids and not set(api_ids) <= CATALOGUE.later_ids:
            rows.append((model_cell, api_ids, bedrock, google))
    return rows


def by_id_rule(cell: str, api_ids: list[str], prefix: str) -> list[str]:
    """The IDs a facts cell gives by Anthropic's ID rule ("rule", "same as API"): the API IDs, with ``prefix``."""
    return [f"{prefix}{api_id}" for api_id in api_ids] if "rule" in cell or "same as API" in cell else []


def test_bedrock_base_ids_agree_with_the_facts() -> None:
    documented = valid_ids(Platform.BEDROCK)
    listed: set[str] = set()
    for model_cell, cell, *_ in table_rows(facts_section("1b")):
        ids = [token for token in ticked(cell) if token.startswith("anthropic.")]
        suffixes = [token for token in ticked(cell) if token.startswith(":")]
        listed.update(ids)
        listed.update(f"{base}{suffix}" for base in ids for suffix in suffixes)
        missing = [token for token in ids if token not in documented]
        assert not missing, f"{model_cell}: {missing} not in the catalogue's Bedrock IDs"
    for model_cell, api_ids, cell, _ in generation_rows():
        ids = [token for token in ticked(cell) if token.startswith("anthropic.")]
        listed.update(ids + by_id_rule(cell, api_ids, "anthropic."))
        missing = [token for token in ids if token not in documented]
        assert not missing, f"{model_cell}: {missing} not in the catalogue's Bedrock IDs"
    assert set(documented) <= listed, f"Bedrock IDs without a facts row: {set(documented) - listed}"


def test_vertex_ids_agree_with_the_facts() -> None:
    documented = valid_ids(Platform.VERTEX)
    listed = {token for model_cell, cell, *_ in table_rows(facts_section("1e")) if model_cell.startswith("Claude")
              for token in ticked(cell) if token.startswith("claude-")}
    for _, api_ids, _, cell in generation_rows():
        listed.update(token for token in ticked(cell) if token.startswith("claude-"))
        listed.update(by_id_rule(cell, api_ids, ""))
    assert listed == set(documented)


def test_every_prefix_list_of_the_region_table_is_tried() -> None:
    tried = {DATA.regions.for_region(region) for region in REGIONS}
    assert {prefixes for _, prefixes in DATA.regions.entries} <= tried and () in tried


def test_sydney_is_offered_au_and_global() -> None:
    assert DATA.regions.for_region("ap-southeast-2")[0] == "au" and "global" in DATA.regions.for_region("ap-southeast-2")


def test_one_model_has_one_id_on_every_platform() -> None:
    """The Bedrock and Vertex IDs of a Claude 3+ model carry its first-party ID (no row mixed up)."""
    def core(text: str) -> str:
        return re.sub(r"(-v\d+)?@", "-", re.sub(r"-v\d+(:\d+)?$", "", text.removeprefix("anthropic.")))

    for model in MODELS:
        if model.generation >= (3,):
            for other in filter(None, (model.bedrock_id, model.vertex_id)):
                assert core(other) == model.first_party_id, f"{model.name}: {other} vs {model.first_party_id}"


def test_cross_region_profiles_agree_with_the_facts() -> None:
    rows = table_rows(facts_section("1c"))
    header = cells(table_lines(facts_section("1c"))[0])
    columns = {index: name for index, name in enumerate(header) if name in PROFILE_PREFIXES}
    assert set(columns.values()) == set(PROFILE_PREFIXES)
    seen = set()
    for row in rows:
        model, source = model_named(row[0]), row[-1]
        seen.add(model.key)
        for index, prefix in columns.items():
            cell = row[index]
            yes = cell.startswith("yes")
            third_party = "3P" in cell or source.startswith("3P") or f"{prefix} from 3P" in source
            where = f"{model.name} {prefix}. ({cell!r})"
            assert (prefix in model.profiles) == (yes and not third_party), where
            if prefix in model.profiles_unconfirmed:
                assert (yes or "3P" in cell) and third_party, where
            if yes:
                assert prefix in (*model.profiles, *model.profiles_unconfirmed), where
    seen_later = generation_profiles()
    for model in MODELS:
        if model.key not in seen:
            assert not model.profiles, f"{model.name}: confirmed profiles without a facts table row"
            assert set(model.profiles_unconfirmed) == seen_later.get(model.key, set()), \
                f"{model.name}: profiles other than those the facts' 5.x paragraph names"


def generation_profiles() -> dict[str, set[str]]:
    """Model key -> the profile prefixes the facts' Claude 5 / 5.5 Bedrock paragraph names for it (all third-party):
    ticked profile IDs, and "LITELLM lists `global. us. ...` forms for Sonnet/Opus/Haiku 5.5"."""
    paragraph = next(line for line in facts_section("10a").splitlines() if line.startswith("- Profiles:"))
    assert "UNCONFIRMED" in paragraph, "the facts no longer call the 5.x prefixes unconfirmed: make them confirmed"
    by_bedrock_id = {model.bedrock_id: model.key for model in MODELS}
    found: dict[str, set[str]] = {}
    for token in ticked(paragraph):
        prefix, _, base = token.partition(".")
        if prefix in PROFILE_PREFIXES and base in by_bedrock_id:
            found.setdefault(by_bedrock_id[base], set()).add(prefix)
    for prefixes, tiers, version in re.findall(r"lists `([^`]+)` forms for ([\w/]+) (\d+(?:\.\d+)?)", paragraph):
        for tier in tiers.split("/"):
            key = model_named(f"Claude {tier} {version}").key
            found.setdefault(key, set()).update(p.rstrip(".") for p in prefixes.split())
    return found


def sdk_literal_ids() -> set[str]:
    """The IDs of the SDK 2.16.0 ``Model`` literal as the facts list them; ``a(-b)`` stands for ``a`` and ``a-b``."""
    paragraph = next(line for line in facts_section("1a").splitlines() if "literal in 2.16.0 has exactly" in line)
    literal = paragraph[:paragraph.index(" — ")]
    ids = set()
    for token in ticked(literal):
        if (optional := re.fullmatch(r"(.*)\((.*)\)", token)) is not None:
            ids.update({optional.group(1), optional.group(1) + optional.group(2)})
        elif token.startswith("claude-"):
            ids.add(token)
    return ids


def test_later_ids_agree_with_the_facts() -> None:
    """Every ID of the current SDK literal is a catalogue model's or a later ID (known, not modelled)."""
    literal = sdk_literal_ids()
    assert len(literal) > 15, literal
    assert literal - set(valid_ids(Platform.FIRST_PARTY)) == set(CATALOGUE.later_ids)
    mythos = {token for model_cell, api, *_ in table_rows(facts_section("10a")) if "Mythos" in model_cell
              for token in ticked(api) if token.startswith("claude-")}
    assert mythos == set(CATALOGUE.later_ids)



def test_every_request_surface_says_whose_model_ids_it_takes() -> None:
    """Surfaces whose model takes IDs (not provider strings) name the platform; the SDK's client decides for it."""
    surfaces = DATA.surfaces.by_name
    unknown = sorted(name for name, surface in surfaces.items() if surface.platform is None
                     and not surface.client_platforms)
    # provider strings ("anthropic:claude-..."), and wrappers that take any of the SDK's clients
    assert unknown == ["instructor-anthropic", "instructor-provider", "llamaindex-anthropic", "pydantic-ai-agent",
                       "pydantic-ai-anthropic"]
    sdk = surfaces["anthropic"]
    assert sdk.platform_of("anthropic.AnthropicBedrock") is Platform.BEDROCK
    assert sdk.platform_of("anthropic.AsyncAnthropicVertex") is Platform.VERTEX
    assert sdk.platform_of("anthropic.Anthropic") is Platform.FIRST_PARTY
    assert sdk.platform_of(None) is None  # a client the code does not show
    assert surfaces["converse"].platform_of(None) is Platform.BEDROCK


def test_a_client_platform_of_a_client_the_surface_lacks_is_a_data_error(tmp_path: Path) -> None:
    from claude_migrate.data.errors import DataError
    from claude_migrate.data.surfaces import load_surfaces

    text = (rules_dir() / "catalogue" / "surfaces.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "surfaces.yaml"
    bad.write_text(text.replace("client_platforms: {anthropic.Anthropic:", "client_platforms: {anthropic.Antropic:"),
                   encoding="utf-8")
    with pytest.raises(DataError, match="unknown key in client_platforms of surface anthropic"):
        load_surfaces(bad)
