"""`claude-migrate models --audit`: the catalogue against the anthropic package's tables (read from files shaped
like 2.16.0's, from a folder or a wheel) and against a recorded Models API answer; no network, no anthropic
package needed."""

from __future__ import annotations

import datetime
import importlib.util
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, REPO, invoke

from claude_migrate.audit.compare import compare
from claude_migrate.audit.models_api import PageFetch, models_api_source
from claude_migrate.audit.sdk_tables import read_sdk, sdk_date
from claude_migrate.audit.sources import AuditError
from claude_migrate.data.catalogue import load_catalogue
from claude_migrate.data.loading import rules_dir
from claude_migrate.run.models import ModelsRequest, run_audit

DATA = Path(__file__).resolve().parent / "data"
SDK = DATA / "anthropic-sdk"
DATE = datetime.date.fromisoformat(AS_OF)
CATALOGUE = rules_dir() / "catalogue" / "models.yaml"


def recorded_pages(pages: list[dict[str, Any]] | None = None, asked: list[str | None] | None = None) -> PageFetch:
    """A fetch that answers from the recorded pages, by the ID it continues after, and notes what it was asked."""
    pages = pages or [json.loads((DATA / "models-api" / name).read_text()) for name in ("page-1.json", "page-2.json")]
    by_after = {None: pages[0], **{page["last_id"]: following for page, following in zip(pages, pages[1:])}}

    def fetch(after_id: str | None) -> dict[str, Any]:
        if asked is not None:
            asked.append(after_id)
        return by_after[after_id]

    return fetch


def sdk_copy(tmp_path: Path, model_py: str = "", deprecated_py: str = "") -> Path:
    """The test tables in a folder of their own, with a line removed or a text replaced (``old=>new``)."""
    folder = tmp_path / "sdk"
    shutil.copytree(SDK, folder)
    for name, edit in (("types/model.py", model_py), ("_data/deprecated_models.py", deprecated_py)):
        if edit:
            path = folder / "anthropic" / name
            old, new = edit.split("=>")
            assert old in path.read_text()
            path.write_text(path.read_text().replace(old, new))
    return folder


def kinds(found: list[Any]) -> list[tuple[str, str]]:
    return [(d.kind, d.model_id) for d in found]


def test_the_2_16_tables_agree_with_the_catalogue_through_the_cli() -> None:
    result = invoke("models", "--audit", "--anthropic-package", SDK, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    name = f"anthropic 2.16.0 ({SDK / 'anthropic'})"
    assert result.stdout.splitlines() == [f"Catalogue vs {name}, as of {AS_OF}:",
                                          f"The catalogue and {name} agree."]


def test_a_catalogue_with_one_model_removed_and_one_date_changed_reports_each(tmp_path: Path) -> None:
    text = CATALOGUE.read_text()
    start = text.index("\n  claude-opus-4-7:\n")
    text = text[:start] + text[text.index("\n  claude-opus-4-8:\n"):]
    text = text.replace("retires: 2027-01-22, replacement: claude-opus-5-5", "retires: 2027-02-22, replacement: "
                        "claude-opus-5-5")
    edited = tmp_path / "models.yaml"
    edited.write_text(text)
    found = compare(load_catalogue(edited), read_sdk(SDK), DATE)
    assert kinds(found) == [("unknown-model", "claude-opus-4-7"), ("retirement-date", "claude-opus-4-5")]
    assert found[1].message == (
        f"Claude Opus 4.5: anthropic 2.16.0 ({SDK / 'anthropic'}) marks claude-opus-4-5 deprecated, end of life "
        "January 22nd, 2027; the catalogue says 2027-02-22")
    assert not any(d.note for d in found)


def test_a_model_the_sdk_no_longer_lists_and_a_new_deprecation_fail_the_audit(tmp_path: Path) -> None:
    folder = sdk_copy(tmp_path, model_py='        "claude-sonnet-5",\n=>',
                      deprecated_py='}=>    "claude-opus-4-6": "March 3rd, 2027",\n}')
    result = invoke("models", "--audit", "--anthropic-package", folder, "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 1, result.stderr
    (source,) = json.loads(result.stdout)["sources"]
    assert [(d["kind"], d["id"]) for d in source["disagreements"]] == [
        ("retirement-date", "claude-opus-4-6"), ("not-listed", "claude-sonnet-5")]
    assert source["disagreements"][0]["message"].endswith(
        "marks claude-opus-4-6 deprecated, end of life March 3rd, 2027; the catalogue records no retirement date "
        "and calls it legacy")
    assert source["disagreements"][1]["message"].startswith(
        "Claude Sonnet 5: the catalogue calls claude-sonnet-5 legacy on the Anthropic API; anthropic 2.16.0 (")
    assert source["notes"] == [] and "claude-mythos-5" in source["listed"]


def test_a_wheel_is_read_like_the_unpacked_package(tmp_path: Path) -> None:
    wheel = tmp_path / "anthropic-2.16.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path in (SDK / "anthropic").rglob("*.py"):
            archive.write(path, path.relative_to(SDK).as_posix())
    from_wheel, from_folder = read_sdk(wheel), read_sdk(SDK)
    assert from_wheel.name == f"anthropic 2.16.0 ({wheel})"
    assert (from_wheel.listed, from_wheel.retirements) == (from_folder.listed, from_folder.retirements)
    assert from_folder.retirements["claude-opus-4-5"] == datetime.date(2027, 1, 22)


@pytest.mark.parametrize(("text", "day"), [("January 22nd, 2027", datetime.date(2027, 1, 22)),
                                           ("June 30th, 2026", datetime.date(2026, 6, 30)),
                                           ("March 1st, 2027", datetime.date(2027, 3, 1)),
                                           ("sometime in 2027", None), ("February 30th, 2027", None)])
def test_sdk_dates(text: str, day: datetime.date | None) -> None:
    assert sdk_date(text) == day


def test_the_recorded_models_api_answer_agrees_and_every_page_is_read() -> None:
    asked: list[str | None] = []
    source = models_api_source(recorded_pages(asked=asked))
    assert asked == [None, "claude-fable-5"]
    assert len(source.listed) == 15 and source.retirements == {
        "claude-opus-4-5-20251101": datetime.date(2027, 1, 22), "claude-sonnet-4-5-20250929": datetime.date(2026, 11, 30)}
    assert compare(load_catalogue(CATALOGUE), source, DATE) == []


def test_the_models_api_still_serving_a_retired_model_is_a_disagreement() -> None:
    found = compare(load_catalogue(CATALOGUE), models_api_source(recorded_pages()), datetime.date(2026, 12, 3))
    assert kinds(found) == [("still-listed", "claude-sonnet-4-5-20250929")]
    assert found[0].message == ("Claude Sonnet 4.5: the Models API still serves claude-sonnet-4-5-20250929; the "
                                "catalogue calls it retired since 2026-11-30")


def test_models_api_differences(tmp_path: Path) -> None:
    first, second = (json.loads((DATA / "models-api" / name).read_text()) for name in ("page-1.json", "page-2.json"))
    first["data"] = [m for m in first["data"] if m["id"] != "claude-haiku-5-5"]
    first["data"].append({"type": "model", "id": "claude-sonnet-6", "display_name": "Claude Sonnet 6",
                          "created_at": "2026-11-20T00:00:00Z", "lifecycle": "active"})
    first["last_id"] = "claude-sonnet-6"
    for model in second["data"]:
        if model["id"] == "claude-opus-4-6":
            model.update(lifecycle="deprecated", deprecated_at="2026-11-20T00:00:00Z", retires_at=None)
    request = ModelsRequest(as_of=DATE, audit=True, anthropic_package=SDK, anthropic_live=True)
    view = run_audit(request, lambda: recorded_pages([first, second]))
    assert view.exit_code == 1
    (sdk, sdk_found), (api, api_found) = view.results
    assert sdk.name.startswith("anthropic 2.16.0") and sdk_found == [] and api.name == "the Models API"
    assert kinds(api_found) == [("unknown-model", "claude-sonnet-6"), ("retirement-date", "claude-opus-4-6"),
                                ("not-listed", "claude-haiku-5-5")]
    assert api_found[1].message == (
        "Claude Opus 4.6: the Models API marks claude-opus-4-6 deprecated, end of life no date given; the catalogue "
        "records no retirement date and calls it legacy")


@pytest.mark.parametrize(("page", "message"), [
    ({"error": {"type": "x"}}, "the Models API answered a page without a `data` list of models"),
    ({"data": [{"id": "claude-x", "lifecycle": "deprecated", "retires_at": "soon"}], "has_more": False},
     "the Models API answered a date that is not RFC 3339: soon"),
    ({"data": [], "has_more": True}, "the Models API said it has more models but gave no new `last_id` to continue "
                                     "from"),
    ({"data": [{"id": "claude-x"}], "has_more": True, "last_id": "claude-x"},
     "the Models API said it has more models but gave no new `last_id` to continue from"),
])
def test_a_malformed_models_api_answer_is_one_line(page: dict[str, Any], message: str) -> None:
    with pytest.raises(AuditError) as raised:
        models_api_source(lambda after: page)
    assert str(raised.value) == message


def _error_line(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2 and len(lines) == 1, result.stdout + result.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["--anthropic-live"], "--anthropic-live applies only with --audit"),
    (["--anthropic-package", "x"], "--anthropic-package applies only with --audit"),
    (["--audit", "--bedrock"], "--audit compares with Anthropic's sources, --bedrock and --bedrock-snapshot with "
                               "AWS's answer: give one of them"),
    (["--audit", "--anthropic-package", "nowhere"], "nowhere: no anthropic/types/model.py (not the anthropic package, "
                                                    "or one older than the Model type)"),
])
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    assert _error_line(invoke("models", *args)) == f"claude-migrate: error: {message}"


def test_a_package_file_that_is_not_python_is_named(tmp_path: Path) -> None:
    folder = sdk_copy(tmp_path, deprecated_py='}=>')
    line = _error_line(invoke("models", "--audit", "--anthropic-package", folder))
    assert re.fullmatch(r"claude-migrate: error: .*/_data/deprecated_models\.py: not valid Python \(.*\)", line), line


def test_live_without_an_api_key_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    line = _error_line(invoke("models", "--audit", "--anthropic-live", "--anthropic-package", SDK))
    assert line == "claude-migrate: error: --anthropic-live needs an API key in ANTHROPIC_API_KEY"


@pytest.mark.skipif(importlib.util.find_spec("anthropic") is not None, reason="the anthropic package is installed")
def test_without_the_anthropic_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    line = _error_line(invoke("models", "--audit", "--anthropic-live"))
    assert line == ("claude-migrate: error: --anthropic-live needs the anthropic package: pip install "
                    "'claude-migrate[live]'")
    line = _error_line(invoke("models", "--audit"))
    assert line == ("claude-migrate: error: nothing to audit against: the anthropic package is not installed here "
                    "(install it, give --anthropic-package DIR_OR_WHEEL, or ask the Models API with --anthropic-live)")


def test_the_live_extra_names_the_anthropic_package() -> None:
    assert re.search(r'^live = \["anthropic>=[\d.]+"\]$', (REPO / "pyproject.toml").read_text(), re.MULTILINE)
