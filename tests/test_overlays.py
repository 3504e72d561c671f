"""A user adds a model and a target in an extra rule folder, without a release: they work in check, fix and
models; an overlay that would redefine a bundled model is an error naming its file, line and key."""

from __future__ import annotations

from pathlib import Path

from conftest import AS_OF, invoke

MODELS = """\
schema: 1
sources:
  acme-notes: "https://example.com/acme/claude-notes (the team's record of the model it was given)"
models:
  claude-sonnet-7:
    name: "Claude Sonnet 7"
    tier: sonnet
    generation: "7"
    legacy: false
    first_party:
      id: claude-sonnet-7
      aliases: []
      lifecycle: {deprecated: null, retired: null, note: "active", confirmed: true}
    max_output_tokens: 128000
    context_window: 1000000
    thinking: adaptive-only
    temperature_with_top_p: rejected
    text_editor: [text_editor_20250728]
    prefill: false
    sources: [acme-notes]
"""

TARGETS = """\
schema: 1
targets:
  claude-7:
    description: The team's early-access Sonnet.
    replace:
      sonnet: {model: claude-sonnet-7}
"""


def project(root: Path, models: str = MODELS) -> Path:
    (root / "ci" / "claude-rules" / "catalogue").mkdir(parents=True)
    (root / "ci" / "claude-rules" / "catalogue" / "models.yaml").write_text(models)
    (root / "ci" / "claude-rules" / "catalogue" / "targets.yaml").write_text(TARGETS)
    (root / "pyproject.toml").write_text('[tool.claude-migrate]\nextra-rule-dirs = ["ci/claude-rules"]\n')
    app = root / "app.py"
    app.write_text('import anthropic\n\nanthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=9)\n')
    return app


def test_a_users_model_and_target_work_in_check_fix_and_models(tmp_path: Path) -> None:
    app = project(tmp_path)
    checked = invoke("check", "--target", "claude-7", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert checked.returncode == 1, checked.stderr
    assert "CM102" in checked.stdout and "claude-sonnet-7" in checked.stdout
    fixed = invoke("fix", "--target", "claude-7", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert 'model="claude-sonnet-7"' in app.read_text()
    listed = invoke("models", "--target", "claude-7", "--as-of", AS_OF, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert any(line.startswith("Claude Sonnet 7 ") for line in listed.stdout.splitlines())
    assert "ci/claude-rules" in invoke("config", cwd=tmp_path).stdout


def test_the_audit_notes_a_users_model_the_sdk_does_not_know(tmp_path: Path) -> None:
    project(tmp_path)
    sdk = Path(__file__).resolve().parent / "data" / "anthropic-sdk"
    audited = invoke("models", "--audit", "--anthropic-package", sdk, "--as-of", AS_OF, cwd=tmp_path)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    name = f"anthropic 2.16.0 ({sdk / 'anthropic'})"
    assert audited.stdout.splitlines()[1:] == [
        f"note: Claude Sonnet 7 (claude-sonnet-7) comes from a catalogue overlay; {name} does not list it",
        f"The catalogue and {name} agree."]


def test_without_the_folder_the_target_is_unknown(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    result = invoke("check", "--target", "claude-7", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown target 'claude-7'" in result.stderr


def test_an_overlay_cannot_redefine_a_bundled_model(tmp_path: Path) -> None:
    project(tmp_path, MODELS.replace("claude-sonnet-7:", "claude-sonnet-4-6:", 1))
    result = invoke("check", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert result.returncode == 2
    overlay = tmp_path / "ci" / "claude-rules" / "catalogue" / "models.yaml"
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith(f"claude-migrate: error: {overlay}:5: key 'claude-sonnet-4-6': 'claude-sonnet-4-6' is "
                           "already defined in "), line


def test_the_users_model_facts_reach_the_request_rules_and_config_files(tmp_path: Path) -> None:
    app = project(tmp_path)
    app.write_text('import anthropic\n\nanthropic.Anthropic().messages.create(model="claude-sonnet-7", max_tokens=9, '
                   'temperature=0.2, top_p=0.5, messages=[])\n')
    (tmp_path / "settings.yaml").write_text("model: claude-3-5-sonnet-20241022  # the assistant's model\n")
    checked = invoke("check", "--target", "claude-7", "--as-of", AS_OF, "--output-format", "concise", ".",
                     cwd=tmp_path)
    assert "app.py:3:95: CM224 `temperature` and `top_p` are both set; Claude Sonnet 7 rejects that" in checked.stdout
    fixed = invoke("fix", "--target", "claude-7", "--as-of", AS_OF, "settings.yaml", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "settings.yaml").read_text() == "model: claude-sonnet-7  # the assistant's model\n"
