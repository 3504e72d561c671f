"""Benchmark claude-migrate on a 10,000-file tree against the `grep -rlE` floor, in one run on one machine.

    python benchmarks/run.py              # build a tree from the installed site-packages, measure, delete it
    python benchmarks/run.py --keep DIR   # build the tree in DIR (or reuse it) and keep it

The tree holds copies of the Python files of the installed site-packages (the venv's, then the base
interpreter's, then the standard library, until --files are found). The script first measures the
tree as it is, then appends --plant known call sites to parseable files and adds planted notebooks
and YAML files, and measures again. It prints seconds and ratios: the grep floor, `check` cold and
warm, `check --no-cache` with 1 and with N jobs, `fix` on the planted sites, the start-up of `check`
on one small file next to `python -c pass`, and peak memory.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import resource
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.run.discovery import SKIPPED_DIRS  # copies of such folders are renamed: tool and grep see the same files

TRIGGERS = r"anthropic\.claude|claude"  # the trigger tokens of the bundled rules (rules/*.yaml)
OLD_ID, NEW_ID = "claude-3-5-sonnet-20240620", "claude-sonnet-4-6"
PLANTED_PY = f'''

def _planted_call_site():  # planted by benchmarks/run.py
    import anthropic

    return anthropic.Anthropic().messages.create(model="{OLD_ID}", max_tokens=8, messages=[])
'''
NOTEBOOK = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
                       "source": ["!pip install anthropic\n", f'MODEL = "{OLD_ID}"']}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def source_dirs() -> list[Path]:
    paths = [sysconfig.get_paths()["purelib"],
             sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"],
             sysconfig.get_paths()["stdlib"]]
    return [Path(p) for p in dict.fromkeys(paths) if Path(p).is_dir()]


def copy_tree(tree: Path, count: int) -> list[str]:
    """Copy the first ``count`` Python files of the source folders into ``tree``; their relative paths."""
    copied: list[str] = []
    folders = source_dirs()
    for index, folder in enumerate(folders):
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder)
            if index and "site-packages" in relative.parts:
                continue  # the standard library folder holds site-packages, copied already
            parts = [f"_{part}" if part in SKIPPED_DIRS or part.endswith(".egg-info") else part for part in relative.parts]
            target = tree.joinpath(f"src{index}", *parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target.relative_to(tree).as_posix())
            if len(copied) == count:
                return copied
    return copied


@dataclass
class Plan:
    """Which files get a planted call site, and the extra notebooks and YAML files."""

    python: list[str]
    extra: int

    @property
    def sites(self) -> int:
        return len(self.python) + 2 * self.extra


def original(text: str) -> str:
    """A file's text without a planted call site (fixed or not)."""
    return text.split(PLANTED_PY)[0].split(PLANTED_PY.replace(OLD_ID, NEW_ID))[0]


def choose(tree: Path, files: list[str], count: int) -> Plan:
    step = max(1, len(files) // count)
    chosen: list[str] = []
    for relative in files[::step] + files:
        if len(chosen) == count:
            break
        text = original((tree / relative).read_text(encoding="utf-8", errors="replace"))
        if relative in chosen or "claude" in text:
            continue
        try:
            ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        chosen.append(relative)
    return Plan(chosen, max(1, count // 20))


def plant(tree: Path, plan: Plan, planted: bool) -> None:
    """Add (or remove) the planted call sites."""
    for relative in plan.python:
        path = tree / relative
        base = original(path.read_text(encoding="utf-8"))
        path.write_text(base + PLANTED_PY if planted else base, encoding="utf-8")
    for index in range(plan.extra):
        notebook, config = tree / f"notebook{index}.ipynb", tree / f"config{index}.yaml"
        if planted:
            notebook.write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
            config.write_text(f"llm:\n  model: {OLD_ID}\n")
        else:
            notebook.unlink(missing_ok=True)
            config.unlink(missing_ok=True)


def sample_tree_rss(pid: int, peak: list[int], stop: threading.Event) -> None:
    """Sum the RSS of a process and its descendants every 20 ms (Linux /proc); keep the largest sum, in KB."""
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
        family = {pid}
        for process in sorted(parents):  # a child's pid is larger than its parent's (no pid wrap-around here)
            if parents[process] in family:
                family.add(process)
        peak[0] = max(peak[0], sum(rss.get(process, 0) for process in family))
        stop.wait(0.02)


@dataclass
class Timing:
    seconds: float  # median wall time
    best: float  # fastest run
    cpu: float  # user + system seconds of the median run's process tree
    result: subprocess.CompletedProcess[str]
    memory_kb: int = 0


class Runner:
    def __init__(self, workdir: Path, repeat: int) -> None:
        self.workdir = workdir
        self.repeat = repeat
        script = Path(sys.executable).with_name("claude-migrate")
        self.command = [str(script)] if script.exists() else [sys.executable, "-m", "claude_migrate"]
        self.env = {**os.environ, "NO_COLOR": "1"}
        self.env.pop("CI", None)
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: imports use cached bytecode

    def tool(self, *args: str) -> list[str]:
        return [*self.command, *args]

    def once(self, args: list[str], memory: bool = False) -> Timing:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=self.workdir, env=self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        peak, stop = [0], threading.Event()
        sampler = threading.Thread(target=sample_tree_rss, args=(process.pid, peak, stop), daemon=True)
        if memory and Path("/proc").is_dir():
            sampler.start()
        stdout, stderr = process.communicate()
        elapsed = time.perf_counter() - started
        stop.set()
        if sampler.is_alive():
            sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return Timing(elapsed, elapsed, cpu, subprocess.CompletedProcess(args, process.returncode, stdout, stderr),
                      peak[0])

    def median(self, args: list[str], before: list[str] | None = None, repeat: int | None = None) -> Timing:
        runs = []
        for _ in range(repeat or self.repeat):
            if before is not None:
                subprocess.run(before, cwd=self.workdir, env=self.env, capture_output=True, check=False)
            runs.append(self.once(args))
        runs.sort(key=lambda run: run.seconds)
        middle = runs[len(runs) // 2]
        return Timing(middle.seconds, runs[0].seconds, middle.cpu, middle.result)


def listed(timing: Timing) -> str:
    count = len(timing.result.stdout.split())
    return f"grep lists {count} file{'' if count == 1 else 's'}"


def summary(timing: Timing) -> str:
    return next((line for line in timing.result.stderr.splitlines() if line.startswith("Scanned ")), "")


class Table:
    def __init__(self, floor: float) -> None:
        self.floor = floor
        self.rows: list[tuple[str, ...]] = []

    def add(self, name: str, timing: Timing | None, ratio: str = "", target: str = "", met: bool | None = None,
            note: str = "") -> None:
        seconds = f"{timing.seconds:.2f} s" if timing else ""
        cpu = f"{timing.cpu:.2f} s" if timing else ""
        verdict = f"{target}: {'met' if met else 'MISSED'}" if target else ""
        self.rows.append((name, seconds, cpu, ratio, verdict, note))

    def floor_ratio(self, timing: Timing) -> str:
        return f"{timing.seconds / self.floor:.2f}x floor"

    def print(self) -> None:
        header = ("measurement", "wall", "cpu", "ratio", "target", "what the tool reported")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(5)]
        for row in [header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[5])


def one_line_change(runner: Runner, tree: Path, plan: Plan, clean: list[str]) -> Timing:
    """``check --diff-base HEAD`` after one line is added to one planted file of the tree, made a git repository."""
    git = ["git", "-C", str(tree), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    edited = tree / plan.python[0]
    before = edited.read_text(encoding="utf-8")
    edited.write_text(before + f'\nEDITED = "{OLD_ID}"\n', encoding="utf-8")
    try:
        return runner.median(runner.tool("check", "--diff-base", "HEAD", str(tree)), before=clean)
    finally:
        edited.write_text(before, encoding="utf-8")
        shutil.rmtree(tree / ".git")


def measure(runner: Runner, tree: Path, plan: Plan, jobs: int) -> Table:
    grep = ["grep", "-rlE", TRIGGERS, str(tree)]
    check = runner.tool("check", str(tree))
    clean = runner.tool("clean")

    plant(tree, plan, planted=False)
    floor = runner.median(grep)
    table = Table(floor.seconds)
    table.add("grep -rlE floor, tree as copied", floor, "1.00x floor", note=listed(floor))
    bare = runner.median(check, before=clean)
    table.add("check, cold cache, tree as copied", bare, table.floor_ratio(bare), "<= 2x floor",
              bare.seconds <= 2 * floor.seconds, summary(bare))

    plant(tree, plan, planted=True)
    floor = runner.median(grep)
    table.floor = floor.seconds
    table.add(f"grep -rlE floor, {plan.sites} sites planted", floor, "1.00x floor", note=listed(floor))
    cold = runner.median(check, before=clean)
    table.add("check, cold cache", cold, table.floor_ratio(cold), "<= 2x floor", cold.seconds <= 2 * floor.seconds,
              summary(cold))
    time.sleep(2.1)  # planted files age past the stat index's racy-write window, as any tree not just written
    runner.once(check)
    warm = runner.median(check)
    table.add("check, warm cache", warm, table.floor_ratio(warm), "<= 1x floor", warm.seconds <= floor.seconds,
              summary(warm))

    pull_request = one_line_change(runner, tree, plan, clean)
    table.add("check --diff-base, one changed line", pull_request,
              f"{cold.seconds / pull_request.seconds:.1f}x faster than the full check",
              note=f"a pull request's check reads only the files it changes; {summary(pull_request)}")

    spin = [sys.executable, "-c", "sum(range(2 * 10**7))"]
    alone = runner.median(spin)
    both = runner.median(["sh", "-c", f"{shlex.join(spin)} & {shlex.join(spin)}; wait"])
    table.add("machine: one busy loop vs two at once", both, f"{2 * alone.seconds / both.seconds:.2f}x throughput",
              note=f"one alone {alone.seconds:.2f} s; 2.00x means two idle cores, 1.00x means one core's worth is free")
    one = runner.median(runner.tool("check", "--no-cache", "--jobs", "1", str(tree)))
    table.add("check --no-cache --jobs 1", one, table.floor_ratio(one), note=summary(one))
    many = runner.median(runner.tool("check", "--no-cache", "--jobs", str(jobs), str(tree)))
    table.add(f"check --no-cache --jobs {jobs}", many, f"{one.seconds / many.seconds:.2f}x faster than 1 job",
              ">= 1.6x faster", one.seconds / many.seconds >= 1.6, summary(many))

    runner.once(clean)
    fixed = runner.once(runner.tool("fix", str(tree)), memory=True)
    rewritten = sum(NEW_ID in (tree / relative).read_text(encoding="utf-8") for relative in plan.python)
    rewritten += sum(NEW_ID in path.read_text() for path in [*tree.glob("notebook*.ipynb"), *tree.glob("config*.yaml")])
    table.add("fix, cold cache", fixed, table.floor_ratio(fixed),
              note=f"{rewritten}/{plan.sites} planted sites rewritten; {summary(fixed)}")
    again = runner.once(runner.tool("fix", str(tree)))
    table.add("fix again", again, table.floor_ratio(again),
              note=next((line for line in again.result.stdout.splitlines() if line.startswith("Fixed ")), ""))

    small = {name: tree / f"small_{name}.py" for name in ("plain", "current", "outdated")}
    small["plain"].write_text("import os\n\nprint(os.getcwd())\n")
    small["current"].write_text(f'import anthropic\n\nMODEL = "{NEW_ID}"\n')
    small["outdated"].write_text(f'import anthropic\n\nMODEL = "{OLD_ID}"\n')
    python = runner.median([sys.executable, "-c", "pass"], repeat=10)
    table.add("python -c pass", python, note="start-up rows: median of 10 runs, cache cleared before each")
    for name, key, note in (("check one small file", "plain", "no trigger token: libcst is never imported"),
                            ("... with a current model ID", "current", "no ID a rule reports: not parsed"),
                            ("... with an outdated model ID", "outdated", "imports libcst, parses, reports")):
        start = runner.median(runner.tool("check", str(small[key])), before=clean, repeat=10)
        table.add(name, start, f"{start.seconds / python.seconds:.1f}x python -c pass", "<= 0.3 s",
                  start.seconds <= 0.3, f"{note}; fastest {start.best:.3f} s")
    for path in small.values():
        path.unlink()

    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summed = fixed.memory_kb / 1024
    table.rows.append(("peak memory", f"{max(summed, largest):.0f} MB", "", "", "< 500 MB: "
                       + ("met" if max(summed, largest) < 500 else "MISSED"),
                       f"{summed:.0f} MB summed over the processes of the cold fix; largest process {largest:.0f} MB"))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="build the tree in this folder (or reuse it) and keep it")
    parser.add_argument("--files", type=int, default=10_000, help="Python files to copy (default 10,000)")
    parser.add_argument("--plant", type=int, default=100, help="Python call sites to plant (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is printed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N for the --jobs N run")
    options = parser.parse_args()
    load = os.getloadavg()

    workdir = options.keep or Path(tempfile.mkdtemp(prefix="claude-migrate-bench-"))
    tree = workdir / "tree"
    manifest = workdir / "files.json"
    started = time.perf_counter()
    if manifest.is_file():
        files = json.loads(manifest.read_text())
    else:
        files = copy_tree(tree, options.files)
        manifest.write_text(json.dumps(files))
    plan = choose(tree, files, options.plant)
    built = time.perf_counter() - started
    size = sum((tree / relative).stat().st_size for relative in files)
    try:
        table = measure(Runner(workdir, options.repeat), tree, plan, options.jobs)
    finally:
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"claude-migrate benchmark: {len(files):,} Python files ({size / 1e6:.0f} MB) copied from site-packages "
          f"in {built:.1f} s; planted: {len(plan.python)} call sites in Python files, {plan.extra} notebooks and "
          f"{plan.extra} YAML files")
    print(f"machine: {os.cpu_count()} CPUs ({platform.machine()}), {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; load average before the run: "
          f"{' '.join(f'{value:.1f}' for value in load)}; wall = median of {options.repeat} runs, "
          f"cpu = user+system seconds of that run\n")
    table.print()


if __name__ == "__main__":
    main()
