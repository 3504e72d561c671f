"""The anthropic version of the checked code, read from its dependency files, and the SDK rules built on it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from claude_migrate.data.sdk_versions import allows, straddles
from claude_migrate.run import dependencies

FORMATS = {
    "requirements": ({"requirements.txt": "-r requirements/base.txt\n",
                      "requirements/base.txt": "boto3\nanthropic[bedrock]>=0.40,<1  # pinned below 1\n"},
                     "<1,>=0.40", "requirements/base.txt:2"),
    "pep621": ({"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "boto3",\n  "anthropic>=1.2",\n]\n'},
               ">=1.2", "pyproject.toml:5"),
    "poetry": ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nanthropic = "^0.75"\n'},
               ">=0.75,<0.76", "pyproject.toml:3"),
    "setup-cfg": ({"setup.cfg": "[options]\ninstall_requires =\n    langchain-anthropic\n    anthropic==2.16.0\n"},
                  "==2.16.0", "setup.cfg:4"),
    "pipfile": ({"Pipfile": '[packages]\nanthropic = {version = ">=2", extras = ["bedrock"]}\n'}, ">=2", "Pipfile:2"),
    "uv-lock": ({"pyproject.toml": '[project]\nname = "x"\ndependencies = ["anthropic>=0.40"]\n',
                 "uv.lock": '[[package]]\nname = "anthropic"\nversion = "1.17.0"\n'}, "==1.17.0", "uv.lock (pin)"),
    "poetry-lock": ({"poetry.lock": '[[package]]\nname = "anthropic"\nversion = "0.125.0"\n'}, "==0.125.0",
                    "poetry.lock (pin)"),
    "pipfile-lock": ({"Pipfile.lock": '{"default": {"anthropic": {"version": "==2.0.0"}}}'}, "==2.0.0",
                     "Pipfile.lock (pin)"),
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize("name", FORMATS)
def test_the_nearest_dependency_file_gives_the_version(name: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    files, specifier, origin = FORMATS[name]
    write(tmp_path, {**files, "src/app/main.py": ""})
    monkeypatch.chdir(tmp_path)
    dependencies.forget()
    found = dependencies.for_file(tmp_path / "src/app/main.py")
    assert found is not None and (found.specifier, found.origin) == (specifier, origin)


def test_a_nearer_folder_wins_and_the_option_is_the_fallback(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "anthropic==0.75.0\n", "svc/requirements-dev.txt": "anthropic>=2\n",
                     "svc/a.py": "", "lib/b.py": ""})
    dependencies.forget()
    assert dependencies.for_file(tmp_path / "svc/a.py").specifier == ">=2"  # type: ignore[union-attr]
    assert dependencies.for_file(tmp_path / "lib/b.py").specifier == "==0.75.0"  # type: ignore[union-attr]
    (tmp_path / "requirements.txt").write_text("boto3\n")
    dependencies.forget()
    fallback = dependencies.for_file(tmp_path / "lib/b.py", "1.0.0")
    assert fallback is not None and (fallback.specifier, fallback.origin) == ("==1.0.0", "--sdk-version")


def test_a_linked_folder_takes_the_dependency_files_above_its_target(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders are resolved from their parents unless they are links; a link's files belong to its target."""
    write(tmp_path, {"project/requirements.txt": "anthropic==0.75.0\n", "project/src/a.py": "",
                     "outside/requirements.txt": "anthropic>=2\n"})
    (tmp_path / "outside/src").symlink_to(tmp_path / "project/src", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    dependencies.forget()
    assert dependencies.for_file(Path("outside/src/a.py")).specifier == "==0.75.0"  # type: ignore[union-attr]
    assert dependencies.for_file(Path("outside/../project/src/a.py")).specifier == "==0.75.0"  # type: ignore[union-attr]
    assert dependencies.for_file(Path("outside/b.py")).specifier == ">=2"  # type: ignore[union-attr]


@pytest.mark.parametrize(("requirement", "wanted", "allowed", "both_sides"), [
    (">=0.40", ">=1.0", True, True), ("<1", ">=1.0", False, False), ("~=0.40", ">=1.0", False, False),
    ("==1.0.0", ">=1.0", True, False), (">1.0", ">=1.0", True, False), (">=0.40,<2", ">=2.0", False, False),
    ("", ">=2.0", True, True), ("==0.125.0", ">=1.0", False, False),
])
def test_ranges(requirement: str, wanted: str, allowed: bool, both_sides: bool) -> None:
    assert allows(requirement, wanted) is allowed
    assert straddles(requirement, wanted) is both_sides


@pytest.mark.parametrize(("requirement", "wanted", "allowed"), [
    ("<0.30", "<0.77.0", True), ("<0.30", "<0.20", True), ("<0.30", ">=0.30", False), ("<=0.2", "<0.3", True),
    ("!=0.20.*,<0.21", "<0.21", True), (">0.40,<0.41", ">=0.40.1", True),
])
def test_ranges_without_a_lower_bound_overlap_below_every_bound(requirement: str, wanted: str, allowed: bool) -> None:
    """Two ranges open below overlap under both of their bounds: version 0 is a candidate, not only the bounds."""
    assert allows(requirement, wanted) is allowed


def test_sdk_version_option_is_the_fallback_and_a_stale_catalogue_warns_once(tmp_path: Path) -> None:
    from conftest import invoke

    (tmp_path / "app.py").write_text("import anthropic\n\nclient = anthropic.Anthropic()\n"
                                     "client.messages.create(model='claude-sonnet-4-6', max_tokens=1, top_k=5,"
                                     " messages=[])\n")
    unknown = invoke("check", "--as-of", "2026-12-10", "--select", "CM501", ".", cwd=tmp_path)
    assert "CM501" not in unknown.stdout and unknown.returncode == 0
    assert unknown.stderr.splitlines() == [
        "warning: the anthropic version is unknown for 1 file (no dependency file names anthropic): 1 call that "
        "fails on some versions is not reported (CM501 1); pin anthropic in the project's dependency files or pass "
        "--sdk-version"]
    given = invoke("check", "--as-of", "2027-03-01", "--select", "CM501", "--sdk-version", "1.0.0", ".", cwd=tmp_path)
    assert "CM501 `top_k`" in given.stdout and "anthropic==1.0.0 (--sdk-version)" in given.stdout
    assert given.stderr.count("last checked on 2026-12-03") == 1 and "models --audit" in given.stderr


SAMPLING_CALL = ("import anthropic\n\nclient = anthropic.Anthropic()\n"
                 "client.messages.create(model='claude-sonnet-4-6', max_tokens=1, temperature=0, messages=[])\n")
PYPROJECT = ('[project]\nname = "svc"\nversion = "0"\ndependencies = [\n    "anthropic>=0.40",  # wide\n]\n\n'
             '[tool.svc]\nmodel = "claude-3-5-sonnet-20241022"\n')


def test_a_range_across_a_break_is_one_finding_on_its_line_in_every_format(tmp_path: Path) -> None:
    import json

    from conftest import invoke

    write(tmp_path, {"pyproject.toml": PYPROJECT, "a.py": SAMPLING_CALL, "pkg/b.py": SAMPLING_CALL * 2})
    found = json.loads(invoke("check", "--as-of", "2026-11-23", "--output-format", "json", ".", cwd=tmp_path).stdout)
    in_pyproject = [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in found
                    if f["path"] == "pyproject.toml"]
    assert in_pyproject == [("CM505", 5, 5, 5, 22), ("CM101", 9, 10, 9, 36)]  # the model-ID finding of the same file
    (message,) = [f["message"] for f in found if f["code"] == "CM505"]
    assert message.startswith('`anthropic>=0.40` allows anthropic versions on both sides of 1.0 (CM501 at a.py line 4; '
                              'pkg/b.py lines 4, 8): ')
    sarif = json.loads(invoke("check", "--as-of", "2026-11-23", "--output-format", "sarif", ".", cwd=tmp_path).stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CM505"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pyproject.toml"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (5, 5)
    text = invoke("check", "--as-of", "2026-11-23", "--select", "CM5", ".", cwd=tmp_path).stdout
    assert 'pyproject.toml:5:5: CM505 ' in text and '5 |     "anthropic>=0.40",  # wide' in text
    assert "CM505" not in invoke("check", "--as-of", "2026-11-23", "--ignore", "CM505", ".", cwd=tmp_path).stdout


@pytest.mark.parametrize(("requirement", "code"), [("anthropic<1\n", ""), ("anthropic>=1\n", ""),
                                                     ("anthropic>=0.40\n", "CM505")])
def test_only_a_range_across_a_break_the_code_hits_is_reported(requirement: str, code: str, tmp_path: Path) -> None:
    from conftest import invoke

    write(tmp_path, {"requirements.txt": requirement, "a.py": SAMPLING_CALL})
    found = invoke("check", "--as-of", "2026-11-23", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert [line.split()[1] for line in found.splitlines() if line.startswith("requirements.txt:")] == (
        [code] if code else [])


def test_an_unknown_version_is_said_once_per_run_not_per_call(tmp_path: Path) -> None:
    from conftest import invoke

    write(tmp_path, {"a.py": SAMPLING_CALL, "pkg/b.py": SAMPLING_CALL * 2,
                     "pkg/c.py": SAMPLING_CALL.replace("temperature=0", "max_tokens=64000")})
    result = invoke("check", "--as-of", "2026-11-23", "--output-format", "concise", ".", cwd=tmp_path)
    assert [line.split()[1] for line in result.stdout.splitlines() if ".py:" in line] == ["CM504"]  # any version
    assert [line for line in result.stderr.splitlines() if "anthropic version is unknown" in line] == [
        "warning: the anthropic version is unknown for 2 files (no dependency file names anthropic): 3 calls that "
        "fail on some versions are not reported (CM501 3); pin anthropic in the project's dependency files or pass "
        "--sdk-version"]
    before = (tmp_path / "a.py").read_text()
    invoke("check", "--as-of", "2026-11-23", "--add-ignore", "--select", "CM501", ".", cwd=tmp_path)
    assert (tmp_path / "a.py").read_text() == before  # nothing reported, so nothing to silence
    known = invoke("check", "--as-of", "2026-11-23", "--sdk-version", "2.16.0", ".", cwd=tmp_path)
    assert "Findings by rule: CM501 3, CM504 1." in known.stderr and "unknown" not in known.stderr


def test_allows_agrees_with_trying_every_version_of_a_grid() -> None:
    """allows() tests a few candidate versions; on random pairs of ranges it says what trying every version says."""
    chooser = random.Random(17)
    # Bounds stay below 2.59.2; the grid reaches past them, so a range open above has grid versions in it.
    grid = [Version(f"{major}.{minor}.{patch}") for major in range(4) for minor in range(62) for patch in range(4)]

    def some_range() -> str:
        return ",".join(f"{chooser.choice(['>=', '>', '<', '<=', '==', '!=', '~='])}{chooser.randrange(3)}."
                        f"{chooser.randrange(60)}{chooser.choice(['', '.0', '.2'])}"
                        for _ in range(chooser.randint(1, 2)))

    for _ in range(400):
        have, want = some_range(), some_range()
        expected = bool(set(SpecifierSet(have).filter(grid)) & set(SpecifierSet(want).filter(grid)))
        assert allows(have, want) is expected, (have, want)
