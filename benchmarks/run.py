"""Benchmark claude-migrate on a 10,000-file tree against the `grep -rlE` floor, in one run on one machine.

    python benchmarks/run.py                 # build a tree from the installed site-packages, measure, clean up
    python benchmarks/run.py --keep DIR      # build (or reuse) the tree in DIR and keep it

The tree holds copies of the Python files of the installed site-packages (the venv's and the base
interpreter's, then the standard library, until --files are found), with --plant known call sites
appended to parseable files, plus planted notebooks and YAML files. Printed: seconds and ratios for
the grep floor, `check` cold and warm, `check --no-cache` with 1 and with N jobs, `fix` on the
planted sites, start-up of `check` on one small file next to `python -c pass`, and peak memory.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

SKIPPED = {".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules", "site-packages",
           ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "build", "dist",
           ".claude_migrate_cache", "__pypackages__", ".ipynb_checkpoints"}
OLD_ID, NEW_ID = "claude-3-5-sonnet-20240620", "claude-sonnet-4-6"
PLANTED_PY = f'''

def _planted_call_site():  # planted by benchmarks/run.py
    import anthropic

    return anthropic.Anthropic().messages.create(model="{OLD_ID}", max_tokens=8, messages=[])
'''
TARGETS = {"cold": 2.0, "warm": 1.0, "startup": 0.3, "speedup": 1.6, "memory_mb": 500}


def source_dirs() -> list[Path]:
    paths = [sysconfig.get_paths()["purelib"],
             sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"],
             sysconfig.get_paths()["stdlib"]]
    return [Path(p) for p in dict.fromkeys(paths) if Path(p).is_dir()]


def python_files(count: int) -> list[tuple[Path, Path]]:
    """(source, relative destination) of the first ``count`` Python files of the source folders."""
    found: list[tuple[Path, Path]] = []
    for index, folder in enumerate(source_dirs()):
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder)
            if "site-packages" in relative.parts and index == len(source_dirs()) - 1:
                continue  # the standard library folder holds site-packages; those files came first
            parts = [f"_{part}" if part in SKIPPED or part.endswith(".egg-info") else part for part in relative.parts]
            found.append((path, Path(f"src{index}", *parts)))
            if len(found) == count:
                return found
    return found


def build_tree(tree: Path, count: int, plant: int) -> dict[str, int]:
    """Copy ``count`` files into ``tree`` and plant ``plant`` Python call sites plus notebooks and YAML files."""
    if (tree / "planted.json").is_file():
        return json.loads((tree / "planted.json").read_text())
    files = python_files(count)
    for source, relative in files:
        target = tree / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    step = max(1, len(files) // plant)
    planted = 0
    for _, relative in files[::step]:
        if planted == plant:
            break
        target = tree / relative
        text = target.read_text(encoding="utf-8", errors="replace")
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        if "claude" in text:
            continue
        target.write_text(text + ("" if text.endswith("\n") else "\n") + PLANTED_PY, encoding="utf-8")
        planted += 1
    extra = max(1, plant // 20)
    for index in range(extra):
        notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
                               "source": ["!pip install anthropic\n", f'MODEL = "{OLD_ID}"']}],
                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tree / f"notebook{index}.ipynb").write_text(json.dumps(notebook, indent=1) + "\n")
        (tree / f"config{index}.yaml").write_text(f"llm:\n  model: {OLD_ID}\n")
    counts = {"python_files": len(files), "python_sites": planted, "notebooks": extra, "yaml_files": extra}
    (tree / "planted.json").write_text(json.dumps(counts))
    return counts


def sample_tree_rss(pid: int, peak: list[int], stop: threading.Event) -> None:
    """Sum the RSS of a process and its descendants every 20 ms (Linux /proc); keep the largest sum."""
    while not stop.is_set():
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                status = Path(f"/proc/{entry}/status").read_text()
            except OSError:
                continue
            ppid = re.search(r"^PPid:\s+(\d+)", status, re.M)
            vmrss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
            if ppid and vmrss:
                parents[int(entry)], rss[int(entry)] = int(ppid.group(1)), int(vmrss.group(1))
        family, total = {pid}, 0
        for process in sorted(parents):  # children have larger pids than their parents, almost always
            if parents[process] in family:
                family.add(process)
        total = sum(rss.get(process, 0) for process in family)
        peak[0] = max(peak[0], total)
        stop.wait(0.02)


class Runner:
    def __init__(self, workdir: Path, repeat: int) -> None:
        self.workdir = workdir
        self.repeat = repeat
        script = Path(sys.executable).with_name("claude-migrate")
        self.command = [str(script)] if script.exists() else [sys.executable, "-m", "claude_migrate"]
        self.env = {**os.environ, "NO_COLOR": "1"}
        self.env.pop("CI", None)

    def once(self, args: list[str], measure_memory: bool = False) -> tuple[float, subprocess.CompletedProcess[str], int]:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=self.workdir, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        peak, stop = [0], threading.Event()
        sampler = None
        if measure_memory and Path("/proc").is_dir():
            sampler = threading.Thread(target=sample_tree_rss, args=(process.pid, peak, stop), daemon=True)
            sampler.start()
        stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - started
        stop.set()
        if sampler is not None:
            sampler.join()
        return elapsed, subprocess.CompletedProcess(args, process.returncode, stdout, stderr), peak[0]

    def median(self, args: list[str], before: list[str] | None = None
               ) -> tuple[float, subprocess.CompletedProcess[str]]:
        times, last = [], None
        for _ in range(self.repeat):
            if before is not None:
                subprocess.run(before, cwd=self.workdir, env=self.env, capture_output=True, check=False)
            elapsed, last, _ = self.once(args)
            times.append(elapsed)
        assert last is not None
        return statistics.median(times), last

    def tool(self, *args: str) -> list[str]:
        return [*self.command, *args]


def summary(result: subprocess.CompletedProcess[str]) -> str:
    return next((line for line in result.stderr.splitlines() if line.startswith("Scanned ")), "").strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="build the tree here (or reuse it) and keep it")
    parser.add_argument("--files", type=int, default=10_000, help="Python files to copy (default 10,000)")
    parser.add_argument("--plant", type=int, default=200, help="Python call sites to plant (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is printed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N for the --jobs N run")
    options = parser.parse_args()

    workdir = options.keep or Path(tempfile.mkdtemp(prefix="claude-migrate-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    tree = workdir / "tree"
    started = time.perf_counter()
    counts = build_tree(tree, options.files, options.plant)
    built = time.perf_counter() - started
    runner = Runner(workdir, options.repeat)
    size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
    try:
        rows = measure(runner, tree, counts, options.jobs)
    finally:
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    cpu = platform.processor() or platform.machine()
    print(f"claude-migrate benchmark: {counts['python_files']:,} Python files ({size / 1e6:.0f} MB) with "
          f"{counts['python_sites']} planted call sites, {counts['notebooks']} notebooks and {counts['yaml_files']} "
          f"YAML files with one ID each (tree built in {built:.1f} s)")
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; median of {options.repeat} runs\n")
    width = max(len(name) for name, *_ in rows)
    for name, seconds, ratio, target, note in rows:
        verdict = ""
        if target:
            verdict = f"target {target[0]}: {'met' if target[1] else 'MISSED'}"
        print(f"{name:<{width}}  {seconds:>8}  {ratio:<22} {verdict:<24} {note}".rstrip())


def measure(runner: Runner, tree: Path, counts: dict[str, int], jobs: int) -> list[tuple]:
    rows: list[tuple] = []
    grep = ["grep", "-rlE", r"anthropic\.claude|claude", str(tree)]
    floor, grep_result = runner.median(grep)
    rows.append(("grep -rlE floor", f"{floor:.2f} s", "1.00x floor", None, f"{len(grep_result.stdout.split())} files"))

    clean = runner.tool("clean")
    check = runner.tool("check", "--exit-zero", str(tree))
    cold, cold_result = runner.median(check, before=clean)
    rows.append(("check, cold cache", f"{cold:.2f} s", f"{cold / floor:.2f}x floor",
                 (f"<= {TARGETS['cold']:.0f}x", cold / floor <= TARGETS["cold"]), summary(cold_result)))
    time.sleep(2.1)  # let the freshly planted files age past the stat index's racy-write window
    runner.once(check)
    warm, warm_result = runner.median(check)
    rows.append(("check, warm cache", f"{warm:.2f} s", f"{warm / floor:.2f}x floor",
                 (f"<= {TARGETS['warm']:.0f}x", warm / floor <= TARGETS["warm"]), summary(warm_result)))

    one, one_result = runner.median(runner.tool("check", "--exit-zero", "--no-cache", "--jobs", "1", str(tree)))
    rows.append(("check --no-cache --jobs 1", f"{one:.2f} s", f"{one / floor:.2f}x floor", None, summary(one_result)))
    many, many_result = runner.median(runner.tool("check", "--exit-zero", "--no-cache", "--jobs", str(jobs), str(tree)))
    rows.append((f"check --no-cache --jobs {jobs}", f"{many:.2f} s", f"{one / many:.2f}x faster than 1 job",
                 (f">= {TARGETS['speedup']}x", one / many >= TARGETS["speedup"]), summary(many_result)))

    planted = counts["python_sites"] + counts["notebooks"] + counts["yaml_files"]
    runner.once(clean)
    elapsed, fixed, memory = runner.once(runner.tool("fix", "--exit-zero", "--no-cache", str(tree)), measure_memory=True)
    done = sum(1 for path in tree.rglob("*") if path.suffix in (".py", ".ipynb", ".yaml")
               and path.is_file() and NEW_ID in path.read_text(encoding="utf-8", errors="replace"))
    rows.append(("fix (planted sites)", f"{elapsed:.2f} s", f"{elapsed / floor:.2f}x floor", None,
                 f"{done}/{planted} planted files rewritten; " + summary(fixed)))
    _, again, _ = runner.once(runner.tool("fix", "--exit-zero", str(tree)))
    rows.append(("fix again (fixed point)", "", "", None, next(
        (line for line in again.stdout.splitlines() if line.startswith("Fixed ")), "")))

    small = tree / "small.py"
    small.write_text("import os\n\nprint(os.getcwd())\n")
    with_id = tree / "small_id.py"
    with_id.write_text(f'import anthropic\n\nMODEL = "{NEW_ID}"\n')
    runner.repeat = max(runner.repeat, 10)
    bare, _ = runner.median([sys.executable, "-c", "pass"])
    start, _ = runner.median(runner.tool("check", str(small)))
    start_id, _ = runner.median(runner.tool("check", str(with_id)))
    rows.append(("python -c pass", f"{bare:.3f} s", "", None, ""))
    rows.append(("check one small file", f"{start:.3f} s", f"{start / bare:.1f}x python -c pass",
                 (f"<= {TARGETS['startup']} s", start <= TARGETS["startup"]), "no trigger token: libcst never imported"))
    rows.append(("check one small file with an ID", f"{start_id:.3f} s", f"{start_id / bare:.1f}x python -c pass",
                 (f"<= {TARGETS['startup']} s", start_id <= TARGETS["startup"]), "parsed: imports libcst"))

    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    total = f"{memory / 1024:.0f} MB summed over all processes of the cold fix; " if memory else ""
    rows.append(("peak memory", f"{max(memory / 1024, largest):.0f} MB", "", (
        f"< {TARGETS['memory_mb']} MB", max(memory / 1024, largest) < TARGETS["memory_mb"]),
        f"{total}largest single process {largest:.0f} MB"))
    return rows


if __name__ == "__main__":
    main()
