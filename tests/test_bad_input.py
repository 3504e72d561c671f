"""Odd and broken files through the real CLI: one line naming the file and the reason, the run goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import AS_OF, run_cli

OLD = 'M = "claude-3-opus-20240229"\n'
NEW = 'M = "claude-opus-4-6"\n'


def error_lines(stderr: str) -> dict[str, str]:
    """``path: error: reason`` lines by path; a second line for one path fails the test."""
    lines: dict[str, str] = {}
    for line in stderr.splitlines():
        path, marker, reason = line.partition(": error: ")
        if marker:
            assert path not in lines, f"two error lines for {path}"
            lines[path] = reason
    return lines


def test_fifo_and_device_named_py_are_refused_without_reading(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "good.py").write_text(OLD)
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = error_lines(result.stderr)
    for name in ("fifo.py", "zero.py"):
        assert errors[str(tmp_path / name)] == "is not a regular file (a FIFO, socket or device)"
    assert (tmp_path / "good.py").read_text() == NEW


def test_nesting_too_deep_for_any_parser_is_reported_not_a_crash(tmp_path: Path) -> None:
    """libcst's native parser died with a segfault (ending the whole run) or ran for minutes on these."""
    deep = {
        "parentheses.py": "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "and_chain.py": "X = a" + " and a" * 20_000 + "\n",
        "not_chain.py": "X = " + "not " * 20_000 + "a\n",
        "lists.py": "X = " + "[" * 190 + "]" * 190 + "\n",
    }
    for name, text in deep.items():
        (tmp_path / name).write_text(OLD + text)
    (tmp_path / "good.py").write_text(OLD)
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = error_lines(result.stderr)
    assert {Path(path).name for path in errors} == set(deep)
    assert all(reason.startswith("nesting too deep to ") for reason in errors.values())
    assert all((tmp_path / name).read_text() == OLD + text for name, text in deep.items())
    assert (tmp_path / "good.py").read_text() == NEW


def test_a_20_mb_file_is_refused_when_it_could_hold_a_finding(tmp_path: Path) -> None:
    filler = "VALUE = 1\n" * 2_000_000
    (tmp_path / "huge_candidate.py").write_text(OLD + filler)
    (tmp_path / "huge_unrelated.py").write_text(filler)
    (tmp_path / "good.py").write_text(OLD)
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == {
        str(tmp_path / "huge_candidate.py"): "too large to analyse (20,000,029 characters; the limit is 4,000,000)"}
    assert (tmp_path / "huge_candidate.py").read_text() == OLD + filler
    assert (tmp_path / "good.py").read_text() == NEW


def test_undecodable_files_and_codecs_that_do_not_round_trip_are_named_and_left_alone(tmp_path: Path) -> None:
    files = {
        "undecodable.py": (b'A = 1\n' + OLD.encode() + b'B = "\xff\xfe"\n',
                           "cannot be decoded as utf-8 (line 3, byte 40: invalid start byte)"),
        "undecodable_first_line.py": (b'M = "claude-3-opus-20240229"  # \xe9\n',
                                      "cannot be decoded as utf-8 (line 1, byte 32: invalid continuation byte)"),
        "rot13.py": (b"# coding: rot13\n" + OLD.encode(),
                     "bad encoding declaration: rot13: 'rot13' is not a text encoding; "
                     "use codecs.decode() to handle arbitrary codecs"),
        "unknown.py": (b"# coding: klingon\n" + OLD.encode(), "bad encoding declaration: unknown encoding: klingon"),
        "utf7.py": (b"# coding: utf-7\n" + OLD.encode() + b"A = 1  # +AGE-\n",
                    "utf-7 does not map this file's text back to the same bytes; it was not changed"),
    }
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "utf7_exact.py").write_bytes(b"# coding: utf-7\n" + OLD.encode())
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == {str(tmp_path / name): reason for name, (_, reason) in files.items()}
    assert all((tmp_path / name).read_bytes() == data for name, (data, _) in files.items())
    assert (tmp_path / "utf7_exact.py").read_bytes() == b"# coding: utf-7\n" + NEW.encode()


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


def test_newlines_are_kept_and_a_file_libcst_cannot_reproduce_is_refused(tmp_path: Path) -> None:
    kept = {
        "crlf.py": (b"A = 1\r\n" + OLD.encode().replace(b"\n", b"\r\n"),
                    b"A = 1\r\n" + NEW.encode().replace(b"\n", b"\r\n")),
        "mixed.py": (b"A = 1\r\n" + OLD.encode() + b"B = (1,\r2)\n", b"A = 1\r\n" + NEW.encode() + b"B = (1,\r2)\n"),
        "cr_inside.py": (b"A = 1\rM = 'claude-3-opus-20240229'\rB = 2\n", b"A = 1\rM = 'claude-opus-4-6'\rB = 2\n"),
        "no_final_newline.py": (OLD.encode().rstrip(b"\n"), NEW.encode().rstrip(b"\n")),
    }
    refused = {"cr_last.py": b"A = 1\rM = 'claude-3-opus-20240229'\rB = 2\r"}
    for name, (before, _) in kept.items():
        (tmp_path / name).write_bytes(before)
    for name, before in refused.items():
        (tmp_path / name).write_bytes(before)
    result = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == {
        str(tmp_path / name): "libcst would not write this file back byte for byte; it was not changed"
        for name in refused}
    assert {name: (tmp_path / name).read_bytes() for name in kept} == {name: after for name, (_, after) in kept.items()}
    assert all((tmp_path / name).read_bytes() == before for name, before in refused.items())
