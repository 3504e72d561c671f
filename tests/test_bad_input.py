"""Odd and broken files through the real CLI: one line naming the file and the reason, the run goes on."""

from __future__ import annotations

import datetime
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AS_OF, invoke, run_cli

from claude_migrate.analysis.options import RunOptions
from claude_migrate.run.discovery import discover
from claude_migrate.engine.analyzer import Analyzer
from claude_migrate.run.rulecache import load as load_rule_set
from claude_migrate.run.processing import FileProcessor, RunPlan
from claude_migrate.run.results import Mode

OLD = 'M = "claude-3-opus-20240229"\n'
NEW = 'M = "claude-opus-4-6"\n'
HUGE = "VALUE = 1\n" * 2_000_000  # 20 MB


def error_lines(stderr: str) -> dict[str, str]:
    """``path: error: reason`` lines by path; a second line for one path fails the test."""
    lines: dict[str, str] = {}
    for line in stderr.splitlines():
        path, marker, reason = line.partition(": error: ")
        if marker:
            assert path not in lines, f"two error lines for {path}"
            lines[path] = reason
    return lines


def write(data: bytes | str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data.encode() if isinstance(data, str) else data)


def read_only(path: Path) -> None:
    path.write_text(OLD)
    path.chmod(0o444)


def symlink_loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop_b"))
    path.with_name("loop_b").symlink_to(path)


def directory_link(path: Path) -> None:
    (path.parent / "folder").mkdir()
    path.symlink_to(path.parent / "folder")


# name: (how to make it, the start of the one error line it must get)
REFUSED: dict[str, tuple[Callable[[Path], None], str]] = {
    "syntax.py": (write('def broken(:\n    M = "claude-3-opus-20240229"\n'), "syntax error at line 1, column "),
    "nul.py": (write(OLD.encode() + b"X = 1\x00\n"), "contains a NUL byte; not a Python source file"),
    "undecodable.py": (write(b"A = 1\n" + OLD.encode() + b'B = "\xff\xfe"\n'),
                       "cannot be decoded as utf-8 (line 3, byte 40: invalid start byte)"),
    "undecodable_first_line.py": (write(b'M = "claude-3-opus-20240229"  # \xe9\n'),
                                  "cannot be decoded as utf-8 (line 1, byte 32: invalid continuation byte)"),
    "rot13.py": (write("# coding: rot13\n" + OLD), "bad encoding declaration: rot13: 'rot13' is not a text encoding"),
    "unknown_codec.py": (write("# coding: klingon\n" + OLD), "bad encoding declaration: unknown encoding: klingon"),
    "utf7.py": (write("# coding: utf-7\n" + OLD + "A = 1  # +AGE-\n"),
                "utf-7 does not map this file's text back to the same bytes; it was not changed"),
    "parentheses.py": (write(OLD + "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n"), "nesting too deep to parse"),
    "and_chain.py": (write(OLD + "X = a" + " and a" * 20_000 + "\n"), "nesting too deep to analyse"),
    "not_chain.py": (write(OLD + "X = " + "not " * 20_000 + "a\n"), "nesting too deep to parse"),
    "huge.py": (write(OLD + HUGE), "too large to analyse (20,000,029 characters; the limit is 4,000,000)"),
    "read_only.py": (read_only, "the file is read-only; it was not changed"),
    "loop_a.py": (symlink_loop, "Too many levels of symbolic links"),
    "dangling.py": (lambda path: path.symlink_to(path.with_name("nowhere.py")), "No such file or directory"),
    "fifo.py": (lambda path: os.mkfifo(path), "is not a regular file (a FIFO, socket or device)"),
    "zero.py": (lambda path: path.symlink_to("/dev/zero"), "is not a regular file (a FIFO, socket or device)"),
    "folder_link.py": (directory_link, "is a directory"),
    "utf16.py": (write("# -*- coding: utf-16 -*-\n" + OLD), "bad encoding declaration: utf-16 is not ASCII-compatible"),
    "ebcdic.py": (write("# coding: cp500\n" + OLD), "bad encoding declaration: cp500 is not ASCII-compatible"),
    "v3.ipynb": (write('{"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": ["M = \\"'
                       'claude-3-opus-20240229\\""]}]}], "metadata": {}}'), "an nbformat 3 notebook"),
    "broken.ipynb": (write('{"cells": [{"cell_type": "code", "source": ["M = \\"claude-3-opus-20240229\\""]'),
                     "invalid JSON at line 1, column 78: Expecting ',' delimiter"),
}

# name: (bytes before, bytes after the fix)
HANDLED: dict[str, tuple[bytes, bytes]] = {
    "good.py": (OLD.encode(), NEW.encode()),
    # Lone CRs, one ending the file: libcst would drop that CR when writing a module; fixes are exact text edits.
    "cr_last.py": (b"A = 1\rM = 'claude-3-opus-20240229'\rB = 2\r", b"A = 1\rM = 'claude-opus-4-6'\rB = 2\r"),
    "latin1.py": (b'# -*- coding: latin-1 -*-\nN = "caf\xe9"\n' + OLD.encode(),
                  b'# -*- coding: latin-1 -*-\nN = "caf\xe9"\n' + NEW.encode()),
    "bom.py": (b"\xef\xbb\xbf" + OLD.encode() + 'X = "é"\n'.encode(),
               b"\xef\xbb\xbf" + NEW.encode() + 'X = "é"\n'.encode()),
    "crlf.py": (b"A = 1\r\n" + OLD.encode().replace(b"\n", b"\r\n"),
                b"A = 1\r\n" + NEW.encode().replace(b"\n", b"\r\n")),
    "mixed.py": (b"A = 1\r\n" + OLD.encode() + b"B = (1,\r2)\n", b"A = 1\r\n" + NEW.encode() + b"B = (1,\r2)\n"),
    "cr_inside.py": (b"A = 1\rM = 'claude-3-opus-20240229'\rB = 2\n", b"A = 1\rM = 'claude-opus-4-6'\rB = 2\n"),
    "cr_suppressions.py": (b"A = 1  # claude-migrate: ignore[CM101]\rM = 'claude-3-opus-20240229'  # claude-migrate: ignore\rB = 2\n",
                           b"A = 1\rM = 'claude-3-opus-20240229'  # claude-migrate: ignore\rB = 2\n"),  # lines as libcst counts them
    "no_final_newline.py": (OLD.encode().rstrip(b"\n"), NEW.encode().rstrip(b"\n")),
    "utf7_exact.py": (b"# coding: utf-7\n" + OLD.encode(), b"# coding: utf-7\n" + NEW.encode()),
    "empty.py": (b"", b""),
    # Nested just short of the parser's limit: walked and fixed (libcst's own walk ran out of stack at 150 levels).
    "lists.py": ((OLD + "X = " + "[" * 190 + "]" * 190 + "\n").encode(), (NEW + "X = " + "[" * 190 + "]" * 190 + "\n").encode()),
    "huge_unrelated.py": (HUGE.encode(), HUGE.encode()),  # no trigger token: never parsed, nothing to report
    "package.py/inside.py": (OLD.encode(), NEW.encode()),  # a directory named like a file is walked
}


def test_every_bad_file_gets_one_line_and_the_run_goes_on(tmp_path: Path) -> None:
    for name, (make, _) in REFUSED.items():
        make(tmp_path / name)
    for name, (before, _) in HANDLED.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(before)
    originals = {name: (tmp_path / name).read_bytes() for name in REFUSED
                 if os.path.exists(tmp_path / name) and stat.S_ISREG(os.stat(tmp_path / name).st_mode)}

    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = error_lines(result.stderr)
    assert sorted(errors) == sorted(str(tmp_path / name) for name in REFUSED)
    for name, (_, reason) in REFUSED.items():
        assert errors[str(tmp_path / name)].startswith(reason), name
    assert f"{len(REFUSED)} files could not be processed." in result.stdout
    assert {name: (tmp_path / name).read_bytes() for name in originals} == originals
    assert stat.S_IMODE((tmp_path / "read_only.py").stat().st_mode) == 0o444
    assert {name: (tmp_path / name).read_bytes() for name in HANDLED} == {
        name: after for name, (_, after) in HANDLED.items()}

    checked = run_cli("check", "--as-of", AS_OF, tmp_path)
    assert checked.returncode == 1
    assert "Traceback" not in checked.stderr
    refused_by_check = {name for name in REFUSED if name not in ("read_only.py", "utf7.py")}
    assert sorted(error_lines(checked.stderr)) == sorted(str(tmp_path / name) for name in refused_by_check)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    """chmod 000 does not stop root, so as root the test links to a file the kernel refuses to anyone."""
    path = tmp_path / "unreadable.py"
    if os.geteuid() == 0:
        refused_to_root = Path("/proc/sys/vm/drop_caches")
        try:
            refused_to_root.open("rb").close()
            pytest.skip("no file here is unreadable for root")
        except PermissionError:
            path.symlink_to(refused_to_root)
        except OSError:
            pytest.skip("no file here is unreadable for root")
    else:
        path.write_text(OLD)
        path.chmod(0)
    (tmp_path / "good.py").write_text(OLD)
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == {str(path): "Permission denied"}
    assert (tmp_path / "good.py").read_text() == NEW


def _processor() -> FileProcessor:
    """What a worker process of a ``fix`` run uses on each file, for the races a CLI run cannot time."""
    data = load_rule_set().data
    options = RunOptions(target=data.targets.get(None), as_of=datetime.date.fromisoformat(AS_OF))
    return FileProcessor(RunPlan(data, tuple(load_rule_set().rules), options, Mode.FIX, frozenset({"safe"})))


def test_a_file_removed_after_discovery_is_named(tmp_path: Path) -> None:
    (tmp_path / "gone.py").write_text(OLD)
    ((shown, _, file_type),) = discover([tmp_path], [], tmp_path).files
    Path(shown).unlink()
    result, _ = _processor().process(shown, file_type)
    assert result.error == "No such file or directory"


def test_a_file_that_changes_while_it_is_fixed_is_not_overwritten(tmp_path: Path) -> None:
    """An editor saves the file after the tool read it and before it writes: the editor's version stays."""
    path = tmp_path / "app.py"
    path.write_text(OLD)
    edited = OLD + "EDITED = True\n"

    class EditorSavesDuringFix(Analyzer):
        def fix(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            outcome = super().fix(*args, **kwargs)
            path.write_text(edited)
            return outcome

    processor = _processor()
    plain = processor.analyzer
    processor.analyzer = EditorSavesDuringFix(plain.data, plain.rules, plain.options)
    result, _ = processor.process(str(path), "python")
    assert result.error == "the file changed while it was being fixed; it was not overwritten"
    assert path.read_text() == edited


def test_a_path_the_system_rejects_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 5000 + ".py")
    (tmp_path / "good.py").write_text(OLD)
    result = run_cli("fix", "--as-of", AS_OF, too_long, tmp_path / "good.py")
    assert result.returncode == 1
    assert error_lines(result.stderr) == {str(too_long): "no such file or directory"}
    assert (tmp_path / "good.py").read_text() == NEW
    bad_config = run_cli("check", "--config", too_long, tmp_path / "good.py")
    assert bad_config.returncode == 2
    assert bad_config.stderr == f"claude-migrate: error: --config {too_long}: no such file\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can give a file to another user")
def test_a_file_fixed_by_root_keeps_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "theirs.py"
    path.write_text(OLD)
    os.chown(path, 65534, 65534)
    result = run_cli("fix", "--as-of", AS_OF, path)
    assert result.returncode == 0, result.stderr
    assert path.read_text() == NEW
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


DEEP = 100_000  # deeper than any parser's recursion limit
# name: (files to write, extra arguments, the start of the one error line; exit 2)
BAD_SETTINGS: dict[str, tuple[dict[str, bytes], tuple[str, ...], str]] = {
    "a .gitignore line that is a lone backslash": (
        {".git/HEAD": b"", ".gitignore": b"build/\n\\\n"}, (), "{root}/.gitignore:2: invalid pattern '\\\\'"),
    "deeply nested TOML": (
        {"pyproject.toml": b"[tool.claude-migrate]\nx = " + b"[" * DEEP + b"]" * DEEP + b"\n"}, (),
        "{root}/pyproject.toml: invalid TOML: nested too deeply to read"),
    "deeply nested snapshot JSON": (
        {"snapshot.json": b"[" * DEEP + b"]" * DEEP}, ("--bedrock-snapshot", "snapshot.json"),
        "snapshot.json: not a Bedrock snapshot: JSON nested too deeply to read"),
    "an --sdk-version that is no version": (
        {}, ("--sdk-version", "banana"),
        "--sdk-version banana: expected a version such as 1.2.0 or a range such as >=0.40,<1"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=list(BAD_SETTINGS))
def test_bad_settings_input_is_one_line_and_exit_2(tmp_path: Path, case: str) -> None:
    files, arguments, message = BAD_SETTINGS[case]
    for name, data in {**files, "app.py": OLD.encode()}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    result = invoke("check", "--no-cache", *arguments, ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"claude-migrate: error: {message.format(root=tmp_path)}\n"


def test_a_lone_surrogate_in_a_notebook_cell_is_named_not_an_internal_error(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": ['M = "claude-3-opus-20240229"  # \\ud800\n']}
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    (tmp_path / "nb.ipynb").write_text(notebook.replace("\\\\ud800", "\\ud800"))
    result = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == {
        "nb.ipynb": "cell 1: a lone surrogate escape ('\\ud800') is not text; the notebook cannot be analysed"}


def test_sarif_names_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"b\xffd.py")
    (tmp_path / name).write_text(OLD)
    result = invoke("check", "--no-cache", "--as-of", AS_OF, "--output-format", "sarif", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (location,) = [r["locations"][0] for r in json.loads(result.stdout)["runs"][0]["results"]]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "b%FFd.py"
