"""Benchmark claude-migrate against the `grep -rlE` floor and `python -c pass`, every ratio from paired runs.

    python benchmarks/run.py                          # the full size: 11,500 files, about 25 minutes on 2 cores
    python benchmarks/run.py --files 3000 --repeat 2  # a smaller tree: a few minutes
    python benchmarks/run.py --keep DIR               # build the tree in DIR (or reuse it) and keep it

The tree holds copies of the Python files under 1 MB of the installed site-packages (the venv's, then the
base interpreter's, then the standard library), in two halves of the same mix so that growth with size can
be measured. Each ratio comes from paired runs (A B A B ...) on the same tree: the median of the per-pair
ratios, with the machine's 1-minute load average beside it, since other work on a shared machine moves
single timings by a third or more. The floor is `grep -rlE` over the tool's own trigger set, read from the
loaded rules: every token of the prefilter and every module name of its import gates.

Rows: cold `check` on the tree as copied (no findings) and on the parse-heavy tree (the seed Bedrock call
site appended to --plant real modules), warm `check`, `check` on one small file (pre-commit) against the
venv's `python -c pass`, `--jobs N` against `--jobs 1`, growth from half the tree to all of it,
`--diff-base` after a one-line change, peer scanners installed in a throwaway venv when the package index
has them, one cold `fix` with its peak memory; then `python -X importtime` totals of the single-file path.
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
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claude_migrate.run import rulecache
from claude_migrate.run.discovery import SKIPPED_DIRS  # copies of such folders are renamed: tool and grep see the same files
from claude_migrate.run.processing import TokenFilter

OLD_ID, REGION = "anthropic.claude-3-5-sonnet-20240620-v1:0", "us-east-1"
SEED = f'''

def _seeded_call_site():  # appended by benchmarks/run.py
    import boto3

    client = boto3.client("bedrock-runtime", region_name="{REGION}")
    return client.converse(
        modelId="{OLD_ID}",
        messages=[{{"role": "user", "content": [{{"text": "Hello"}}]}}],
        inferenceConfig={{"maxTokens": 256, "temperature": 0.5}},
    )
'''
SMALL_OUTDATED = 'import anthropic\n\nMODEL = "claude-3-5-sonnet-20240620"\n'
NOTEBOOK = {"cells": [{"cell_type": "code", "execution_count": None, "id": "c", "metadata": {}, "outputs": [],
                       "source": ["!pip install anthropic\n", 'MODEL = "claude-3-5-sonnet-20240620"']}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
MAX_BYTES = 1_000_000
# Peer scanners: (PyPI name, command in the venv's bin folder, its arguments before the tree).
PEERS = (("modelbump", "modelbump", ["scan"]), ("readystack", "readystack", ["scan"]),
         ("bydtech-model-retire", "model-retire", []))
WATCHED_IMPORTS = ("typer", "click", "pathspec", "yaml", "libcst", "botocore", "boto3", "packaging")


def trigger_pattern() -> str:
    """An ERE alternation of the prefilter's tokens and import-gate module names, from the loaded rules."""
    tokens = TokenFilter.of(rulecache.load().rules)
    words = {*tokens.plain, *(module for modules, _ in tokens.gated for module in modules)}
    return "|".join(re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", word.decode()) for word in sorted(words))


def source_dirs() -> list[Path]:
    paths = [sysconfig.get_paths()["purelib"],
             sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})["purelib"],
             sysconfig.get_paths()["stdlib"]]
    return [Path(p) for p in dict.fromkeys(paths) if Path(p).is_dir()]


def copy_tree(tree: Path, count: int) -> list[str]:
    """Copy the first ``count`` Python files under 1 MB of the source folders into the two halves of ``tree``,
    alternating; their relative paths."""
    copied: list[str] = []
    for index, folder in enumerate(source_dirs()):
        for path in sorted(folder.rglob("*.py")):
            relative = path.relative_to(folder)
            if index and "site-packages" in relative.parts:
                continue  # the standard library folder holds site-packages, copied already
            try:
                if not path.is_file() or path.stat().st_size >= MAX_BYTES:
                    continue
            except OSError:
                continue
            parts = [f"_{part}" if part in SKIPPED_DIRS or part.endswith(".egg-info") else part for part in relative.parts]
            target = tree.joinpath(f"half{len(copied) % 2}", f"src{index}", *parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            copied.append(target.relative_to(tree).as_posix())
            if len(copied) == count:
                return copied
    return copied


@dataclass
class Plan:
    """Which modules get the seed call site appended, and the extra notebooks and YAML files."""

    python: list[str]
    extra: int

    @property
    def sites(self) -> int:
        return len(self.python) + 2 * self.extra


def original(text: str) -> str:
    """A file's text without the seed (fixed or not)."""
    return text.split("\n\ndef _seeded_call_site():")[0]


def choose(tree: Path, files: list[str], count: int) -> Plan:
    step = max(1, len(files) // max(count, 1))
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
    """Append (or remove) the seed call sites."""
    for relative in plan.python:
        path = tree / relative
        base = original(path.read_text(encoding="utf-8"))
        path.write_text(base + SEED if planted else base, encoding="utf-8")
    for index in range(plan.extra):
        notebook, config = tree / f"half{index % 2}/notebook{index}.ipynb", tree / f"half{index % 2}/config{index}.yaml"
        if planted:
            notebook.write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
            config.write_text("llm:\n  model: claude-3-5-sonnet-20240620\n")
        else:
            notebook.unlink(missing_ok=True)
            config.unlink(missing_ok=True)
    time.sleep(2.1)  # files age past the stat index's racy-write window, as in any tree not just written


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
class Run:
    seconds: float
    result: subprocess.CompletedProcess[str]
    memory_kb: int = 0


@dataclass
class Pair:
    """Paired runs of A and B: the median of the per-pair ratios A/B, the median times, the load meanwhile."""

    a: list[Run]
    b: list[Run]
    loads: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(a.seconds / b.seconds for a, b in zip(self.a, self.b))

    @property
    def spread(self) -> str:
        ratios = sorted(a.seconds / b.seconds for a, b in zip(self.a, self.b))
        return f"{ratios[0]:.2f}-{ratios[-1]:.2f}"

    def median(self, side: str) -> float:
        return statistics.median(run.seconds for run in getattr(self, side))

    @property
    def load(self) -> str:
        return f"{min(self.loads):.1f}-{max(self.loads):.1f}"


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

    def clean(self) -> None:
        subprocess.run(self.tool("clean"), cwd=self.workdir, env=self.env, capture_output=True, check=False)

    def once(self, args: list[str], memory: bool = False, env: dict[str, str] | None = None) -> Run:
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=self.workdir, env=env or self.env, stdout=subprocess.PIPE,
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
        return Run(elapsed, subprocess.CompletedProcess(args, process.returncode, stdout, stderr), peak[0])

    def paired(self, a: list[str], b: list[str], before_a: Callable[[], None] | None = None,
               before_b: Callable[[], None] | None = None, repeat: int | None = None) -> Pair:
        """A B A B ...: each pair close in time, so a change of load moves both sides."""
        pair = Pair([], [], [])
        for _ in range(repeat or self.repeat):
            pair.loads.append(os.getloadavg()[0])
            for args, before, runs in ((a, before_a, pair.a), (b, before_b, pair.b)):
                if before is not None:
                    before()
                runs.append(self.once(args))
        return pair


def summary(run: Run) -> str:
    return next((line for line in run.result.stderr.splitlines() if line.startswith("Scanned ")), "")


@dataclass
class Table:
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def add(self, name: str, pair: Pair, against: str, goal: str = "", met: bool | None = None,
            note: str = "") -> None:
        verdict = f"{goal}: {'met' if met else 'MISSED'}" if goal else ""
        self.rows.append((name, f"{pair.median('a'):.2f} s", f"{pair.median('b'):.2f} s",
                          f"{pair.ratio:.2f}x {against}", pair.spread, verdict, pair.load, note))

    def print(self) -> None:
        header = ("case", "A", "B", "ratio A/B (median)", "range", "goal", "load", "note")
        widths = [max(len(row[i]) for row in [header, *self.rows]) for i in range(7)]
        for row in [header, *self.rows]:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[7])


def one_line_change(runner: Runner, tree: Path, plan: Plan, table: Table, full: list[str]) -> None:
    """``check --diff-base HEAD`` after one line is added to one seeded file of the tree, made a git repository,
    against the full cold check."""
    git = ["git", "-C", str(tree), "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    edited = tree / plan.python[0]
    before = edited.read_text(encoding="utf-8")
    edited.write_text(before + '\nEDITED = "claude-3-5-sonnet-20240620"\n', encoding="utf-8")
    try:
        pair = runner.paired(runner.tool("check", "--diff-base", "HEAD", str(tree)), full,
                             before_a=runner.clean, before_b=runner.clean)
        table.add("check --diff-base HEAD, one changed line", pair, "the full cold check",
                  note=f"reads only the changed files; {pair.a[-1].result.stdout.splitlines()[-1:]}")
    finally:
        edited.write_text(before, encoding="utf-8")
        shutil.rmtree(tree / ".git")


def peers(runner: Runner, workdir: Path, tree: Path, table: Table, check: list[str], pythons: list[str]) -> None:
    """Each peer scanner that installs from the package index into a throwaway venv, against a cold check."""
    for package, command, args in PEERS:
        installed = None
        for python in pythons:
            venv = workdir / f"peer-{package}-{Path(python).name}"
            made = subprocess.run([python, "-m", "venv", str(venv)], capture_output=True, check=False)
            pip = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", package], capture_output=True,
                                 text=True, check=False) if made.returncode == 0 else made
            if pip.returncode == 0 and (venv / "bin" / command).exists():
                installed = venv / "bin" / command
                break
            shutil.rmtree(venv, ignore_errors=True)
        if installed is None:
            print(f"peer {package}: skipped, not installable from the package index with {', '.join(pythons)}")
            continue
        version = subprocess.run([str(venv / "bin" / "pip"), "show", package], capture_output=True, text=True,
                                 check=False).stdout
        pair = runner.paired([str(installed), *args, str(tree)], check, before_b=runner.clean)
        found = len([line for line in pair.a[-1].result.stdout.splitlines() if "claude-3-5-sonnet-20240620" in line])
        table.add(f"peer {package} {re.search(r'Version: (.*)', version).group(1)}, parse-heavy tree", pair,  # type: ignore[union-attr]
                  "cold check", "> 1x (keep the lead)", pair.ratio > 1,
                  f"exit {pair.a[-1].result.returncode}; {found} output lines name the seeds' model")
        shutil.rmtree(venv, ignore_errors=True)


def import_times(runner: Runner, path: Path) -> str:
    """``python -X importtime`` of ``check FILE``: the total, and the modules of note that were imported."""
    runner.clean()
    entry = runner.command[1:] if runner.command[0] == sys.executable else runner.command
    args = [sys.executable, "-X", "importtime", *entry, "check", str(path)]
    stderr = runner.once(args).result.stderr
    rows = [line.split("|") for line in stderr.splitlines() if line.startswith("import time:") and "self" not in line]
    total = sum(int(row[0].split(":")[1]) for row in rows) / 1e6
    named = {row[2].strip(): int(row[1]) / 1e6 for row in rows if row[2].strip() in WATCHED_IMPORTS}
    shown = ", ".join(f"{name} {seconds:.3f} s" for name, seconds in sorted(named.items(), key=lambda kv: -kv[1]))
    return f"{total:.3f} s of imports; of them: {shown or 'none of ' + ', '.join(WATCHED_IMPORTS)}"


def measure(runner: Runner, tree: Path, plan: Plan, jobs: int, files: int, pythons: list[str]) -> Table:
    grep = ["grep", "-rlE", trigger_pattern(), str(tree)]
    check = runner.tool("check", str(tree))
    table = Table()

    plant(tree, plan, planted=False)
    pair = runner.paired(check, grep, before_a=runner.clean)
    table.add("cold check, tree as copied (no seeds)", pair, "grep floor", "<= 1.5x", pair.ratio <= 1.5, summary(pair.a[-1]))
    grown = runner.paired(check, runner.tool("check", str(tree / "half0")), before_a=runner.clean,
                          before_b=runner.clean)
    table.add("growth: cold check, whole tree / half", grown, f"for 2x the files", "<= 2.2x (linear)",
              grown.ratio <= 2.2, f"{files - files // 2} files vs {files}; a fixed start-up cost makes it under 2x")

    plant(tree, plan, planted=True)
    cold = runner.paired(check, grep, before_a=runner.clean)
    table.add("cold check, parse-heavy", cold, "grep floor", "<= 8x", cold.ratio <= 8, summary(cold.a[-1]))
    runner.clean()
    runner.once(check)
    warm = runner.paired(check, grep)
    table.add("warm check (nothing changed)", warm, "grep floor", "<= 0.5x", warm.ratio <= 0.5, summary(warm.a[-1]))

    small = {name: tree / f"small_{name}.py" for name in ("plain", "current", "outdated")}
    small["plain"].write_text("import os\n\nprint(os.getcwd())\n")
    small["current"].write_text('import anthropic\n\nMODEL = "claude-sonnet-4-6"\n')
    small["outdated"].write_text(SMALL_OUTDATED)
    python = [sys.executable, "-c", "pass"]
    for name, key, goal in (("pre-commit check, one small file, outdated ID", "outdated", True),
                            ("... one small file, no trigger token", "plain", False),
                            ("... one small file, current ID", "current", False)):
        start = runner.paired(runner.tool("check", str(small[key])), python, before_a=runner.clean,
                              repeat=max(5, runner.repeat))
        table.add(name, start, "python -c pass", "<= 6x" if goal else "", start.ratio <= 6 if goal else None,
                  f"fastest {min(run.seconds for run in start.a):.3f} s")
    imports = {key: import_times(runner, small[key]) for key in ("outdated", "plain")}
    for path in small.values():
        path.unlink()

    spin = [sys.executable, "-c", "sum(range(2 * 10**7))"]
    machine = runner.paired(spin, ["sh", "-c", f"{shlex.join(spin)} & {shlex.join(spin)}; wait"])
    table.add("machine: one busy loop / two at once", machine, "",
              note="1.00x means two idle cores, 0.50x means one core's worth is free")
    scale = runner.paired(runner.tool("check", "--no-cache", "--jobs", "1", str(tree)),
                          runner.tool("check", "--no-cache", "--jobs", str(jobs), str(tree)))
    table.add(f"--jobs 1 / --jobs {jobs}, parse-heavy, --no-cache", scale, f"faster with {jobs}",
              ">= 1.7x (idle machine)", scale.ratio >= 1.7, summary(scale.b[-1]))

    one_line_change(runner, tree, plan, table, check)
    peers(runner, runner.workdir, tree, table, check, pythons)

    runner.clean()
    fixed = runner.once(runner.tool("fix", str(tree)), memory=True)
    rewritten = sum("us.anthropic.claude-sonnet-4-6" in (tree / relative).read_text(encoding="utf-8")
                    for relative in plan.python)
    print(f"fix, cold cache: {fixed.seconds:.2f} s, {rewritten}/{len(plan.python)} seeded sites rewritten, peak "
          f"memory {fixed.memory_kb / 1024:.0f} MB summed over its processes; {summary(fixed)}")
    for key, line in imports.items():
        print(f"python -X importtime, check one small file ({key}): {line}")
    plant(tree, plan, planted=False)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="build the tree in this folder (or reuse it) and keep it")
    parser.add_argument("--files", type=int, default=11_500, help="Python files to copy (default 11,500)")
    parser.add_argument("--plant", type=int, default=100, help="modules to append the seed to (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="pairs per measurement; the median ratio is printed")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="N for the --jobs N run")
    parser.add_argument("--peer-python", action="append", default=[],
                        help="interpreter for the peers' throwaway venvs (repeatable; default this one)")
    options = parser.parse_args()
    load = os.getloadavg()

    workdir = options.keep or Path(tempfile.mkdtemp(prefix="claude-migrate-bench-"))
    tree = workdir / "tree"
    manifest = workdir / "files.json"
    started = time.perf_counter()
    reused = manifest.is_file()
    if reused:
        files = json.loads(manifest.read_text())
    else:
        files = copy_tree(tree, options.files)
        manifest.write_text(json.dumps(files))
    plan = choose(tree, files, options.plant)
    built = time.perf_counter() - started
    size = sum((tree / relative).stat().st_size for relative in files)
    print(f"claude-migrate benchmark: {len(files):,} Python files ({size / 1e6:.0f} MB) under 1 MB copied from "
          f"site-packages and the standard library{' (reused from --keep)' if reused else f' in {built:.1f} s'}; parse-heavy: the seed Bedrock call site "
          f"appended to {len(plan.python)} modules, plus {plan.extra} notebooks and {plan.extra} YAML files")
    print(f"machine: {os.cpu_count()} CPUs ({platform.machine()}), {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}; load average before the run: "
          f"{' '.join(f'{value:.1f}' for value in load)}; {options.repeat} pairs A B per row (5 for start-up)")
    try:
        table = measure(Runner(workdir, options.repeat), tree, plan, options.jobs, len(files),
                        options.peer_python or [sys.executable])
    finally:
        if options.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    table.print()


if __name__ == "__main__":
    main()
