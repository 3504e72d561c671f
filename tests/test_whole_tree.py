"""``fix --unsafe-fixes`` over thousands of real third-party files with planted Claude 3.5 call sites.

Nothing here was written for this tool: the source files of installed packages, copied to a temporary
folder. A few copies get call sites planted between their top-level statements. The run must not crash, must
exit as documented, must leave every file without findings byte-identical, must fix exactly the planted
sites, and a second run must change nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import random
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, run_cli

from claude_migrate.run.rulecache import load as load_rule_set

pytestmark = pytest.mark.slow

PACKAGES = ("libcst", "botocore", "boto3", "yaml", "typer", "click", "rich", "_pytest", "pytest", "pygments",
            "hypothesis", "pydantic", "jsonschema", "urllib3", "pathspec", "s3transfer", "dateutil", "packaging",
            "pluggy", "attr", "markdown_it", "pre_commit", "virtualenv", "filelock", "platformdirs", "jmespath",
            "pip", "setuptools")
PLANTED_FILES = 40
LARGE_PLANTED = 3  # files of 100-250 kB get sites too, so that big parses are exercised

# Call sites as Claude 3.5 code has them, and what ``fix --unsafe-fixes`` must make of them with the default
# target (facts: shared/reference/claude-4-facts.md sections 1a, 1b, 1c, 1e).
PLANTED = '''
import boto3 as _cm_boto3
from anthropic import Anthropic as _CmAnthropic

_CM_BEDROCK = _cm_boto3.client("bedrock-runtime", region_name="eu-west-1")
_CM_MODEL = "claude-3-5-sonnet-20241022"


def _cm_ask(prompt, model=_CM_MODEL):
    _CM_BEDROCK.converse(
        modelId="anthropic.claude-3-5-sonnet-20240620-v1:0",
        messages=[{"role": "user", "content": [{"text": prompt}]}],
    )
    return _CmAnthropic().messages.create(model=model, max_tokens=1024, messages=[])


_CM_VERTEX = {"sonnet": "claude-3-5-sonnet-v2@20241022", "haiku": "claude-3-5-haiku@20241022"}
'''
FIXED = {
    '"anthropic.claude-3-5-sonnet-20240620-v1:0"': '"eu.anthropic.claude-sonnet-4-6"',
    '"claude-3-5-sonnet-20241022"': '"claude-sonnet-4-6"',
    '"claude-3-5-sonnet-v2@20241022"': '"claude-sonnet-4-6"',
    '"claude-3-5-haiku@20241022"': '"claude-haiku-4-5@20251001"',
}


def copy_packages(tree: Path) -> list[Path]:
    copied = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        root = origin.parent if origin.name == "__init__.py" else origin
        sources = sorted(root.rglob("*.py")) if root.is_dir() else [root]
        for source in sources:
            target = tree / name / source.relative_to(root.parent if root.is_dir() else root.parent)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            copied.append(target)
    return copied


def plantable(path: Path) -> bool:
    """Plain UTF-8 Python that this interpreter parses, with LF newlines and no site of its own."""
    data = path.read_bytes()
    if b"\r" in data or b"coding" in data[:200] or b"claude" in data:
        return False
    try:
        ast.parse(data.decode("utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return False
    return True


def plant(path: Path) -> tuple[bytes, bytes]:
    """Insert the sites before a top-level statement in the middle of the module (after any docstring and
    ``__future__`` imports) and at its end; return the planted bytes and the bytes a correct fix gives."""
    text = path.read_text(encoding="utf-8")
    body = ast.parse(text).body
    first = next((index for index, node in enumerate(body) if not (
        isinstance(node, ast.ImportFrom) and node.module == "__future__"
        or isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))), len(body))
    middle = body[(first + len(body)) // 2] if first < len(body) else None
    lines = text.splitlines(keepends=True)
    if middle is not None:
        start = min([middle.lineno, *(d.lineno for d in getattr(middle, "decorator_list", []))])
        lines.insert(start - 1, PLANTED + "\n")
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    planted = "".join(lines) + PLANTED
    fixed = planted
    for old, new in FIXED.items():
        fixed = fixed.replace(old, new)
    return planted.encode(), fixed.encode()


def snapshot(tree: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(tree.rglob("*.py"))}


def test_fix_over_installed_packages(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    copied = copy_packages(tree)
    assert len(copied) > 1000, "too little third-party code installed to make this test mean something"
    candidates = [path for path in copied if path.stat().st_size > 2000 and plantable(path)]
    large = [path for path in candidates if 100_000 < path.stat().st_size < 250_000]
    pick = random.Random(20261123)
    chosen = pick.sample(large, LARGE_PLANTED)
    chosen += pick.sample([path for path in candidates if path not in chosen], PLANTED_FILES - LARGE_PLANTED)
    expected = {}
    for path in chosen:
        planted, fixed = plant(path)
        path.write_bytes(planted)
        expected[path] = fixed
    before = snapshot(tree)

    # Files of the packages themselves that a rule's trigger matches may hold findings of their own.
    triggers = {token.encode() for rule in load_rule_set().rules for token in rule.triggers}
    others = [path for path, data in before.items() if path not in expected and any(t in data for t in triggers)]
    with_findings = set(expected)
    if others:
        checked = run_cli("check", "--output-format", "json", "--as-of", AS_OF, *others)
        assert checked.returncode in (0, 1), checked.stderr
        with_findings |= {Path(finding["path"]) for finding in json.loads(checked.stdout)}

    fixed = run_cli("fix", "--unsafe-fixes", "--output-format", "json", "--as-of", AS_OF, tree)
    assert "Traceback" not in fixed.stderr
    remaining = json.loads(fixed.stdout)
    errors = [line for line in fixed.stderr.splitlines() if ": error: " in line]
    assert fixed.returncode == (1 if remaining or errors else 0), "exit code not as the README documents"
    assert not {finding["path"] for finding in remaining} & {str(path) for path in expected}

    after = snapshot(tree)
    assert after.keys() == before.keys()
    changed = {path for path in before if after[path] != before[path]}
    assert not changed - with_findings, "a file without findings was written"
    for path in changed:
        ast.parse(after[path].decode("utf-8"))  # every written file still parses
    wrong = [str(path) for path, data in expected.items() if after[path] != data]
    assert not wrong, f"planted sites not fixed exactly as expected in {wrong[:3]}"

    again = run_cli("fix", "--unsafe-fixes", "--as-of", AS_OF, tree)
    assert "Fixed 0 findings in 0 files" in again.stdout
    assert snapshot(tree) == after
