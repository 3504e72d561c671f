"""A checked-out repository and other users are hostile input: the tool never deletes, writes or runs
anything outside what it created (issue 18, items 1 and 2)."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from claude_migrate.run import cache
from claude_migrate.run import rulecache
from conftest import AS_OF, invoke

OUTDATED = 'import anthropic\nanthropic.Anthropic().messages.create(model="claude-3-5-sonnet-20240620", max_tokens=9)\n'


def tree_state(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every path under ``root`` with its type bits and (for files) bytes, links not followed."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            mode = os.lstat(path).st_mode
            state[str(path.relative_to(root))] = (stat.S_IFMT(mode), path.read_bytes() if stat.S_ISREG(mode) else b"")
    return state


def outside_folder(root: Path) -> Path:
    """A folder of someone's data beside the repository, with folders named like the tool's own."""
    outside = root / "outside"
    for index in range(12):
        folder = outside / f"{index:024x}"
        folder.mkdir(parents=True)
        (folder / f"{index:032x}.json").write_text("{}")
    (outside / "precious.txt").write_text("keep me")
    return outside


def repository(root: Path) -> Path:
    repo = root / "repo"
    repo.mkdir()
    (repo / "app.py").write_text(OUTDATED)
    return repo


def test_a_committed_layout_link_never_makes_a_run_delete_outside(tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    repo = repository(tmp_path)
    (repo / cache.CACHE_DIR).mkdir()
    (repo / cache.CACHE_DIR / cache.LAYOUT).symlink_to(Path("..", "..", "outside"))
    before = tree_state(outside)
    for action in ("check", "fix"):
        result = invoke(action, "--as-of", AS_OF, ".", cwd=repo)
        assert result.returncode in (0, 1), result.stderr
        assert "symbolic link" in result.stderr
    assert tree_state(outside) == before
    result = invoke("clean", cwd=repo)
    assert result.returncode == 0
    assert not os.path.lexists(repo / cache.CACHE_DIR)
    assert tree_state(outside) == before


def test_a_linked_cache_folder_is_refused_in_one_line_and_clean_removes_only_the_link(tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    repo = repository(tmp_path)
    (repo / cache.CACHE_DIR).symlink_to(outside)
    before = tree_state(outside)
    result = invoke("check", "--as-of", AS_OF, "app.py", cwd=repo)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if "symbolic link" in line] == [
        f"warning: {repo / cache.CACHE_DIR} is a symbolic link or not a folder; running without a cache "
        "(claude-migrate clean removes it)"]
    assert "CM101" in result.stdout
    assert tree_state(outside) == before
    result = invoke("clean", cwd=repo)
    assert result.returncode == 0
    assert "its target was left alone" in result.stdout
    assert not os.path.lexists(repo / cache.CACHE_DIR)
    assert tree_state(outside) == before


def test_pruning_and_clean_delete_only_what_the_tool_created(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    layout = repo / cache.CACHE_DIR / cache.LAYOUT
    planted = layout / f"{0:024x}"
    planted.mkdir(parents=True)
    (planted / "notes.txt").write_text("not a cache entry")  # a folder of the right name with foreign content
    (planted.parent / f"{1:024x}").symlink_to(tmp_path)  # a link of the right name
    for index in range(2, 12):  # more than the kept number of stale result folders
        stale = layout / f"{index:024x}"
        stale.mkdir()
        (stale / f"{index:032x}.json").write_text("{}")
        os.utime(stale, (index, index))
    (repo / cache.CACHE_DIR / "mine.txt").write_text("a user's file")
    invoke("check", "--as-of", AS_OF, ".", cwd=repo)
    assert (planted / "notes.txt").read_text() == "not a cache entry"
    assert (layout / f"{1:024x}").is_symlink()
    assert not (layout / f"{2:024x}").exists()  # the oldest of the tool's own was pruned
    result = invoke("clean", cwd=repo)
    assert result.returncode == 0
    assert "kept 2 that hold files it did not create: mine.txt, v1." in result.stdout
    assert sorted(os.listdir(repo / cache.CACHE_DIR)) == ["mine.txt", "v1"]
    assert sorted(os.listdir(layout)) == [f"{0:024x}", f"{1:024x}"]
    assert tree_state(tmp_path / "repo" / "app.py") == {}  # untouched by clean


class Planted:
    """A pickle that, when loaded, creates ``marker``: what an attacker would plant."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def plant_rule_pickle(folder: Path, marker: Path) -> Path:
    """The malicious pickle under the exact name the next load looks for."""
    bundled = rulecache.data_files() + rulecache.rule_files(())
    key = rulecache._key(bundled, folder)
    path = folder / f"rules-{key}.pickle"
    path.write_bytes(pickle.dumps(Planted(marker)))
    return path


def test_the_rule_pickle_round_trips_through_the_restricted_unpickler(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    written = rulecache.load()
    (stored,) = (tmp_path / "claude-migrate").glob("rules-*.pickle")
    read = rulecache._DataUnpickler(io.BytesIO(stored.read_bytes())).load()
    assert (read.key, read.rules, read.data.catalogue, read.data.targets) == (
        written.key, written.rules, written.data.catalogue, written.data.targets)


def test_a_planted_rule_pickle_in_the_users_own_folder_runs_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = rulecache.private_dir()
    assert folder is not None and stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    marker = tmp_path / "ran"
    plant_rule_pickle(folder, marker)
    loaded = rulecache.load()
    assert not marker.exists()
    assert len(loaded.rules) > 10  # the YAML was read instead


@pytest.mark.parametrize("mode", [0o775, 0o777])
def test_a_cache_folder_others_may_write_is_not_used(tmp_path: Path, monkeypatch, mode: int) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "claude-migrate").mkdir()
    os.chmod(tmp_path / "claude-migrate", mode)
    assert rulecache.private_dir() is None
    rulecache.load()
    assert os.listdir(tmp_path / "claude-migrate") == []


def test_a_writable_pickle_in_a_private_folder_is_not_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = rulecache.private_dir()
    assert folder is not None
    rulecache.load()
    (stored,) = folder.glob("rules-*.pickle")
    os.chmod(stored, 0o666)
    with pytest.raises(OSError, match="another user"):
        rulecache.read_private(stored)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("runuser") is None,
                    reason="needs root and runuser to act as a second user")
def test_a_pickle_planted_by_another_user_never_runs(tmp_path: Path) -> None:
    shared = Path(os.environ.get("TMPDIR", "/tmp")) / f"claude-migrate-shared-{os.getpid()}"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o1777)  # a shared cache home, as /tmp is
    try:
        template = shared / "template"
        template.mkdir()
        marker = shared / "ran"
        env = {**os.environ, "XDG_CACHE_HOME": str(shared)}
        # Our own load first, to learn the key the next run looks for; then hand the folder to `nobody`.
        os.environ["XDG_CACHE_HOME"], saved = str(template), os.environ.get("XDG_CACHE_HOME")
        try:
            folder = rulecache.private_dir()
            assert folder is not None
            planted = plant_rule_pickle(folder, marker)
            (folder / "secret").write_bytes(rulecache.read_private(folder / "secret"))
        finally:
            os.environ.pop("XDG_CACHE_HOME") if saved is None else os.environ.__setitem__("XDG_CACHE_HOME", saved)
        os.chmod(template, 0o755)
        for path in template.rglob("*"):
            os.chmod(path, 0o644 if path.is_file() else 0o755)
        subprocess.run(["runuser", "-u", "nobody", "--", "cp", "-r", str(folder), str(shared / "claude-migrate")],
                       check=True)
        assert os.stat(shared / "claude-migrate" / planted.name).st_uid != 0
        repo = repository(tmp_path)
        from conftest import run_cli

        result = run_cli("check", "--as-of", AS_OF, "app.py", cwd=repo, env=env)
        assert result.returncode == 1, result.stderr
        assert not marker.exists()
    finally:
        shutil.rmtree(shared)


OLD = 'M = "claude-3-opus-20240229"\n'
NEW = 'M = "claude-opus-4-6"\n'


def error_lines(stderr: str) -> dict[str, str]:
    return {path: reason for path, marker, reason in (line.partition(": error: ") for line in stderr.splitlines())
            if marker}


def test_a_link_to_a_file_outside_the_tree_is_reported_and_never_written_through(tmp_path: Path) -> None:
    """A repository that commits ``app.py -> ../../somewhere/file.py`` made fix rewrite that file."""
    outside = tmp_path / "outside.py"
    outside.write_text(OLD)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "app.py").symlink_to(outside)
    (repo / "good.py").write_text(OLD)
    result = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert error_lines(result.stderr) == {"app.py": f"is a symbolic link (to {outside}); files are never written "
                                                    "through a link: fix the file it points to under its own path"}
    assert outside.read_text() == OLD
    assert os.readlink(repo / "app.py") == str(outside)
    assert (repo / "good.py").read_text() == NEW


def test_a_link_inside_the_tree_is_not_written_through_and_its_file_is_fixed_under_its_own_path(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text(OLD)
    (tmp_path / "alias.py").symlink_to("real.py")
    checked = invoke("check", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in checked.stdout.splitlines() if "CM101" in line] == ["real.py"]
    fixed = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert (fixed.returncode, error_lines(fixed.stderr)) == (0, {}), fixed.stdout
    assert (tmp_path / "real.py").read_text() == NEW
    assert os.readlink(tmp_path / "alias.py") == "real.py"


def test_a_hard_linked_file_is_fixed_in_place_and_keeps_its_links(tmp_path: Path) -> None:
    """The rename gave the fixed name a new inode: the file's other links, inside the tree or out, kept the
    old text."""
    (tmp_path / "repo").mkdir()
    app = tmp_path / "repo" / "app.py"
    app.write_text(OLD)
    os.link(app, tmp_path / "repo" / "same.py")
    os.link(app, tmp_path / "elsewhere.py")
    before = app.stat()
    result = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path / "repo")
    assert (result.returncode, error_lines(result.stderr)) == (0, {}), result.stdout
    for path in (app, tmp_path / "repo" / "same.py", tmp_path / "elsewhere.py"):
        assert path.read_text() == NEW
        assert (path.stat().st_ino, path.stat().st_nlink) == (before.st_ino, 3)


def test_extended_attributes_are_kept(tmp_path: Path) -> None:
    """ACLs and SELinux labels are extended attributes; the new file of a rename had none."""
    app = tmp_path / "app.py"
    app.write_text(OLD)
    try:
        os.setxattr(app, "user.test", b"v")
    except (AttributeError, OSError) as exc:
        pytest.skip(f"this platform or file system refuses user extended attributes: {exc}")
    result = invoke("fix", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert (result.returncode, error_lines(result.stderr)) == (0, {}), result.stdout
    assert app.read_text() == NEW
    assert os.getxattr(app, "user.test") == b"v"
