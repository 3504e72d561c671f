"""The composite GitHub Action's own scripts, run with bash as a runner would (the install step only parsed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import AS_OF, REPO

INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def _step_env(step: dict[str, object], inputs: dict[str, str]) -> dict[str, str]:
    env = step.get("env") or {}
    assert isinstance(env, dict)
    return {key: INPUT.sub(lambda m: inputs[m.group(1)], str(value)) for key, value in env.items()}


def run_step(spec: dict[str, object], inputs: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """One step's script with bash, as a runner runs it, with this test environment's claude-migrate on PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, **_step_env(spec, inputs)}
    return subprocess.run(["bash", "-e", "-c", str(spec["run"])], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120)


def test_action_writes_sarif_and_annotates(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    install, sarif, annotate = action["runs"]["steps"]
    assert subprocess.run(["bash", "-n", "-c", install["run"]]).returncode == 0
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs["args"] = f"--as-of {AS_OF}"
    (tmp_path / "app.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n')
    written = run_step(sarif, inputs, tmp_path)
    assert written.returncode == 0, written.stderr
    log = json.loads((tmp_path / "claude-migrate.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CM101"]
    annotated = run_step(annotate, inputs, tmp_path)
    assert annotated.returncode == 1
    assert annotated.stdout.startswith("::error file=app.py,line=1,col=9,endLine=1,endColumn=37,title=CM101::")


def test_a_file_that_does_not_parse_still_gets_every_annotation_and_the_configured_exit(tmp_path: Path) -> None:
    """One syntax error used to stop the SARIF step, and the pull request got no annotation at all."""
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    _, sarif, annotate = action["runs"]["steps"]
    (tmp_path / "app.py").write_text('MODEL = "claude-3-5-sonnet-20241022"\n')
    (tmp_path / "broken.py").write_text('def broken(:\n    "claude-3-opus-20240229"\n')
    for fail, expected in (("true", 1), ("false", 0)):
        inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
        inputs.update({"args": f"--as-of {AS_OF}", "fail-on-findings": fail})
        written = run_step(sarif, inputs, tmp_path)
        assert written.returncode == 0, written.stderr
        log = json.loads((tmp_path / "claude-migrate.sarif").read_text(encoding="utf-8"))
        assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["CM101", "CM000"]
        annotated = run_step(annotate, inputs, tmp_path)
        assert annotated.returncode == expected, annotated.stderr
        titles = re.findall(r"title=(CM\d+)::", annotated.stdout)
        assert titles == ["CM101", "CM000"], annotated.stdout
