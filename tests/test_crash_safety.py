"""``fix`` killed with SIGKILL at random moments: every file is old or new, never torn; a re-run finishes the job."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import AS_OF, invoke, run_cli, run_process
from fixture_cases import fixture_cases

from claude_migrate.engine.source import TEMP_SUFFIX

FIX_ARGS = ("fix", "--unsafe-fixes", "--as-of", AS_OF)
SMALL_FILES = 60  # one ID each: quick to fix, so that many kills land between and inside writes
KILLS = 6


def snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def leftovers(root: Path) -> list[Path]:
    return sorted(root.rglob(f"*{TEMP_SUFFIX}"))


def build_tree(root: Path) -> None:
    """Every fixture input, and many small files."""
    (root / "fixtures").mkdir(parents=True)
    for case in fixture_cases():
        shutil.copyfile(case.source, root / "fixtures" / f"{case.source.parent.name}_{case.work_name}")
    (root / "small").mkdir()
    for index in range(SMALL_FILES):
        (root / "small" / f"m{index:03d}.py").write_text(f'M{index} = "claude-3-5-sonnet-20241022"  # {index}\n')


def test_sigkill_during_fix_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    tree, reference = tmp_path / "tree", tmp_path / "reference"
    build_tree(tree)
    shutil.copytree(tree, reference)
    old = snapshot(tree)
    started = time.monotonic()
    assert run_cli(*FIX_ARGS, reference).returncode in (0, 1)
    duration = time.monotonic() - started
    new = snapshot(reference)
    assert sum(old[name] != new[name] for name in old) >= len(old) // 2, "too few files change to test anything"

    moments = random.Random(20261123)
    env = {**os.environ, "NO_COLOR": "1"}
    for _ in range(KILLS):
        process = subprocess.Popen([sys.executable, "-m", "claude_migrate", *FIX_ARGS, tree], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(moments.uniform(0.1, 1.0) * duration)
        os.killpg(process.pid, signal.SIGKILL)  # the whole group: no worker may write after the kill
        process.wait()
        now = {name: data for name, data in snapshot(tree).items() if not name.endswith(TEMP_SUFFIX)}
        assert now.keys() == old.keys()
        torn = [name for name, data in now.items() if data not in (old[name], new[name])]
        assert not torn, f"neither old nor new content: {torn[:5]}"

    finish = run_cli(*FIX_ARGS, tree)
    assert finish.returncode in (0, 1), finish.stderr
    assert "error" not in finish.stderr
    assert snapshot(tree) == new, "the re-run left a file unfixed or a killed run's temp file behind"
    again = run_cli(*FIX_ARGS, tree)
    assert "Fixed 0 findings in 0 files" in again.stdout
    assert snapshot(tree) == new


def test_leftover_temp_files_are_never_read_and_the_next_write_removes_them(tmp_path: Path) -> None:
    """What a kill between creating the temp file and the rename leaves behind, made by hand: named by a writer
    that is gone. A live run's temp file (this process's PID) and another file's stay."""
    target = tmp_path / "app.py"
    target.write_text('M = "claude-3-opus-20240229"\n')
    gone = _finished_pid()
    torn = tmp_path / f".app.py.{gone}-0badc0de-3{TEMP_SUFFIX}"
    torn.write_text('M = "claude-3-opus-2024')  # a cut-short write, mentioning an old ID
    live = tmp_path / f".app.py.{os.getpid()}-0badc0de-4{TEMP_SUFFIX}"
    live.write_text('M = "claude-opus-4-6"\n')
    other = tmp_path / f".app.py.extra.py.{gone}-ab12cd34-0{TEMP_SUFFIX}"  # belongs to a file named app.py.extra.py
    other.write_text('M = "claude-3-opus-20240229"\n')
    checked = run_cli("check", "--as-of", AS_OF, tmp_path)
    assert checked.stdout.count("CM101") == 1 and f"{target}:1:5: CM101" in checked.stdout
    fixed = run_cli("fix", "--as-of", AS_OF, tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert target.read_text() == 'M = "claude-opus-4-6"\n'
    assert leftovers(tmp_path) == sorted([live, other])


def _finished_pid() -> int:
    """The PID of a process that has ended (and been reaped), so that no process holds it now."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_two_simultaneous_runs_never_delete_each_others_temp_files(tmp_path: Path, monkeypatch) -> None:
    """Run A (in this process) has flushed its temp file and is about to rename it when run B (another process)
    fixes the same folder: B's clean-up of leftovers used to take A's temp file, and A failed with "cannot
    replace the file"."""
    target = tmp_path / "app.py"
    target.write_text('M = "claude-3-opus-20240229"\n')
    flush = os.fsync
    second: list[subprocess.CompletedProcess[str]] = []

    def flush_then_run_b(handle: int) -> None:
        flush(handle)
        if not second and leftovers(tmp_path):  # A's temp file is there: B runs now, in the middle of A's write
            second.append(run_process("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path))

    monkeypatch.setattr(os, "fsync", flush_then_run_b)
    first = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert second, "run B never ran during run A's write"
    for run in (first, second[0]):  # neither run lost its temp file to the other: no error, only the target note
        errors = [line for line in run.stderr.splitlines() if not line.startswith("warning: target")]
        assert (run.returncode, errors) == (0, []), run.stdout + run.stderr
    assert target.read_text() == 'M = "claude-opus-4-6"\n'
    assert leftovers(tmp_path) == []


def _group_members(group: int) -> list[int]:
    """Live (not zombie) processes in the process group ``group``, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def _children(pid: int) -> list[int]:
    return [member for member in _group_members(pid) if member != pid]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_die_with_the_main_process_and_write_nothing_after(tmp_path: Path) -> None:
    """SIGKILL to the main process alone (not its group): its workers used to write more files, then wait
    forever for a parent that was gone."""
    tree = tmp_path / "tree"
    build_tree(tree)
    for index in range(SMALL_FILES, 6 * SMALL_FILES):
        (tree / "small" / f"m{index:03d}.py").write_text(f'M{index} = "claude-3-5-sonnet-20241022"  # {index}\n')
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "claude_migrate", *FIX_ARGS, "--no-cache", "--jobs", "2", tree],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(_children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(_children(process.pid)) >= 2, "the workers never started"
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)  # the main process only
    process.wait()
    deadline = time.monotonic() + 5
    while _group_members(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _group_members(process.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived the main process"
    at_kill = snapshot(tree)
    time.sleep(1)
    assert snapshot(tree) == at_kill, "a file was written after the kill"


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc to see a zombie")
def test_a_zombie_writer_counts_as_dead_so_its_temp_file_is_a_leftover() -> None:
    """A killed run's worker waits as a zombie where nothing reaps it (PID 1 of a container): its temp file must
    still be removed by the next write, or the tree keeps it forever."""
    from claude_migrate.engine.source import _running

    child = os.fork()
    if child == 0:
        os._exit(0)
    try:
        for _ in range(100):  # until the child has exited and is a zombie
            with open(f"/proc/{child}/stat", "rb") as stat:
                if stat.read().rsplit(b")", 1)[-1].split()[0] == b"Z":
                    break
            time.sleep(0.01)
        assert not _running(child)
        assert _running(os.getpid())
    finally:
        os.waitpid(child, 0)
