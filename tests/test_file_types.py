"""Notebooks and config files: only the changed ID text is rewritten, every other byte stays; which types
are scanned is a setting."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, FIXTURES, run_cli

OLD, NEW = "claude-3-opus-20240229", "claude-opus-4-6"


def test_notebook_fixture_differs_only_in_the_rewritten_source_lines() -> None:
    before = (FIXTURES / "notebooks" / "magics_outputs.in.ipynb").read_bytes()
    after = (FIXTURES / "notebooks" / "magics_outputs.out.ipynb").read_bytes()
    old_lines, new_lines = before.split(b"\n"), after.split(b"\n")
    assert len(old_lines) == len(new_lines) and after.endswith(b"}\n")
    changed = [index for index, (old, new) in enumerate(zip(old_lines, new_lines)) if old != new]
    assert len(changed) == 3
    old_doc, new_doc = json.loads(before), json.loads(after)
    touched = []
    for number, (old_cell, new_cell) in enumerate(zip(old_doc["cells"], new_doc["cells"]), start=1):
        if old_cell != new_cell:
            touched.append(number)
            assert {k: v for k, v in old_cell.items() if k != "source"} == \
                   {k: v for k, v in new_cell.items() if k != "source"}
    assert touched == [2, 4, 5]  # markdown (1), %%bash (3) and the cell without IDs (6) are untouched
    assert {k: v for k, v in old_doc.items() if k != "cells"} == {k: v for k, v in new_doc.items() if k != "cells"}


def test_notebook_in_another_layout_keeps_it(tmp_path: Path) -> None:
    notebook = {
        "nbformat": 4, "nbformat_minor": 2, "metadata": {"title": "Résumé"},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "Was `claude-3-opus-20240229`, “retired”."},
            {"cell_type": "code", "metadata": {}, "execution_count": 7, "outputs": [],
             "source": f"%matplotlib inline\nimport anthropic\nMODEL = '{OLD}'  # café\n!ls"},
        ],
    }
    raw = json.dumps(notebook, indent=2, ensure_ascii=True).replace("\n", "\r\n")  # no trailing newline
    path = tmp_path / "layout.ipynb"
    path.write_bytes(raw.encode())
    result = run_cli("fix", "--as-of", AS_OF, path)
    assert result.returncode == 0, result.stdout + result.stderr
    markdown, code = raw.split("%matplotlib", 1)  # the ID in the markdown cell stays
    assert path.read_bytes() == (markdown + "%matplotlib" + code.replace(OLD, NEW)).encode()


def test_invalid_notebook_is_one_error_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "M = \'claude-3-opus-20240229\'"\n')
    (tmp_path / "r.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": f"m <- '{OLD}'"}],
                                                  "metadata": {"language_info": {"name": "R"}}}))
    (tmp_path / "app.py").write_text(f'M = "{OLD}"\n')
    result = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "broken.ipynb: error: invalid JSON at line 2, column 1: " in result.stderr
    assert "r.ipynb: error: a notebook whose language is R, not Python, is not read; skipped" in result.stderr
    assert "Traceback" not in result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "CM101" in line] == ["app.py"]


def test_file_types_setting_chooses_what_a_walk_scans(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nfile-types = ["python", "notebook"]\n')
    (tmp_path / "app.py").write_text(f'M = "{OLD}"\n')
    (tmp_path / ".env").write_text(f"MODEL={OLD}\n")
    walked = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in walked.stdout.splitlines() if "CM101" in line] == ["app.py"]
    named = run_cli("check", "--as-of", AS_OF, ".env", cwd=tmp_path)
    assert ".env:1:7: CM101 [*]" in named.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nfile-types = ["python", "xml"]\n')
    bad = run_cli("check", ".", cwd=tmp_path)
    assert bad.returncode == 2
    assert "pyproject.toml:2: key 'file-types': 'xml' is not one of: python, notebook, env" in bad.stderr


def test_json_output_names_the_notebook_cell() -> None:
    result = run_cli("check", "--output-format", "json", "--no-cache", "--as-of", AS_OF,
                     FIXTURES / "notebooks" / "magics_outputs.in.ipynb")
    assert [(f["cell"], f["line"], f["column"]) for f in json.loads(result.stdout)] == [(2, 6, 9), (4, 2, 41), (5, 4, 34)]
