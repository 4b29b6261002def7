"""Benchmark portlint's whole check against its floor and against dclint and checkov.

For each tree (a synthetic one from gen_tree.py, and ../shared/corpus) it prints medians
of whole-process wall times:

- portlint:  `portlint check --format json TREE` (start-up, discovery, parsing, rules, output)
- floor:     the same Python composing the same YAML bytes with libyaml
             (`yaml.compose_all(text, Loader=yaml.CSafeLoader)` over every .yaml/.yml/.json
             file portlint would read), also as a whole process: what no YAML linter in
             this Python can beat
  portlint and the floor run in turn (A B A B ...) and the ratio is the median of each
  pair's ratio: on a shared machine whose speed drifts, pairs keep it meaningful
- dclint:    `dclint -r TREE/compose` (npm) beside portlint on the same Compose part
- checkov:   `checkov -d TREE/k8s --framework kubernetes` (PyPI) beside portlint on the same
             Kubernetes part

    python benchmarks/run.py                       # synthetic 1,000 + 1,000 and the corpus
    python benchmarks/run.py --linearity           # also 10x the files: time ratio
    python benchmarks/run.py --dclint PATH --checkov PATH   # tools outside PATH

dclint and checkov are optional (install them outside the repo, e.g.
`npm install --prefix /tmp/dclint dclint`, `python -m venv /tmp/checkov-venv &&
/tmp/checkov-venv/bin/pip install checkov`); a missing tool is reported, not an error.
Nothing here asserts a time: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
SKIPPED = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}

FLOOR = r"""
import os, sys, yaml
skipped = set(sys.argv[2].split(","))
n = 0
for directory, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if d not in skipped)
    for name in sorted(files):
        if name.lower().endswith((".yaml", ".yml", ".json")):
            with open(os.path.join(directory, name), "rb") as handle:
                text = handle.read().decode("utf-8", "replace")
            try:
                for node in yaml.compose_all(text, Loader=yaml.CSafeLoader):
                    n += 1
            except yaml.YAMLError:
                pass
print(n)
"""


# Child processes may write bytecode caches: a user's installed portlint has them (pip
# compiles at install), and an environment with PYTHONDONTWRITEBYTECODE set would otherwise
# time compiling portlint's sources on every run (~100 ms).
BENCH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds of `runs` executions."""
    return statistics.median(_run_once(command) for _ in range(runs))


def _run_once(command: list[str]) -> float:
    """Wall seconds of one execution (an exit other than 0 or 1 is reported)."""
    start = time.perf_counter()
    done = subprocess.run(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
        env=BENCH_ENV,
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        print(f"    ! {command[0]} exited {done.returncode}: {' '.join(tail)}", file=sys.stderr)
    return elapsed


def paired(first: list[str], second: list[str], runs: int) -> tuple[float, float, list[float]]:
    """Medians of `first` and `second` run in turn (A B A B ...), and each pair's ratio
    A/B: on a shared machine whose speed drifts, the pairs keep the ratio honest."""
    a_times, b_times = [], []
    for _ in range(runs):
        a_times.append(_run_once(first))
        b_times.append(_run_once(second))
    ratios = sorted(a / b for a, b in zip(a_times, b_times, strict=True))
    return statistics.median(a_times), statistics.median(b_times), ratios


def portlint_command(path: Path) -> list[str]:
    script = Path(sys.executable).with_name("portlint")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "portlint"]
    return [*base, "check", "--format", "json", "--no-color", str(path)]


def floor_command(path: Path) -> list[str]:
    return [sys.executable, "-c", FLOOR, str(path), ",".join(sorted(SKIPPED))]


def dclint_command(dclint: str, path: Path) -> list[str]:
    return [dclint, "-r", str(path), "-f", "json", "-o", os.devnull, "--color", "false"]


def checkov_command(checkov: str, path: Path) -> list[str]:
    return [
        checkov,
        "-d",
        str(path),
        "--framework",
        "kubernetes",
        "--quiet",
        "--compact",
        "--skip-download",
        "-o",
        "json",
    ]


def count_files(path: Path) -> tuple[int, int]:
    """(YAML files, bytes) under path."""
    files = size = 0
    for directory, dirs, names in os.walk(path):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            if name.lower().endswith((".yaml", ".yml", ".json")):
                files += 1
                size += os.path.getsize(os.path.join(directory, name))
    return files, size


def bench_tree(label: str, root: Path, compose: Path, k8s: Path, args) -> dict[str, float]:
    files, size = count_files(root)
    print(f"\n== {label}: {root} ({files} YAML/JSON files, {size / 1e6:.1f} MB)")
    figures: dict[str, float] = {}
    figures["portlint"], figures["floor"], ratios = paired(
        portlint_command(root), floor_command(root), args.runs
    )
    print(f"  portlint whole check      {figures['portlint']:8.3f} s")
    print(f"  floor (libyaml compose)   {figures['floor']:8.3f} s")
    print(
        f"  portlint / floor, pair by pair: median {statistics.median(ratios):.2f}x"
        f" (min {ratios[0]:.2f}x, max {ratios[-1]:.2f}x, {len(ratios)} pairs)"
    )
    for label, name, tool, part, command in (
        ("compose", "dclint", args.dclint, compose, dclint_command),
        ("kubernetes", "checkov", args.checkov, k8s, checkov_command),
    ):
        if not tool:
            print(f"  {name}: not found (--{name} PATH)")
            continue
        mine = timed(portlint_command(part), args.runs)
        theirs = timed(command(tool, part), args.tool_runs)
        print(
            f"  {label} part: portlint {mine:.3f} s, {name} {theirs:.3f} s"
            f"   {name} / portlint = {theirs / mine:.1f}x"
        )
        figures[f"{name}_ratio"] = theirs / mine
    return figures


def find_tool(given: str | None, name: str, fallbacks: list[str]) -> str | None:
    """The tool to compare with: as given (None when that path is not there, so
    `--dclint none` skips it), else on PATH, else in the usual install places."""
    if given:
        return given if shutil.which(given) else None
    for candidate in [shutil.which(name) or "", *fallbacks]:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/portlint-bench"))
    parser.add_argument(
        "--scale", type=float, default=1.0, help="synthetic tree size (1 = 1,000 + 1,000)"
    )
    parser.add_argument("--runs", type=int, default=9, help="pairs of portlint and floor runs")
    parser.add_argument("--tool-runs", type=int, default=1, help="runs of dclint and checkov")
    parser.add_argument("--dclint")
    parser.add_argument("--checkov")
    parser.add_argument("--no-tools", action="store_true", help="skip dclint and checkov")
    parser.add_argument("--linearity", action="store_true", help="also run 10x the files")
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from gen_tree import generate

    if args.no_tools:
        args.dclint = args.checkov = None
    else:
        args.dclint = find_tool(args.dclint, "dclint", ["/tmp/dclint/node_modules/.bin/dclint"])
        args.checkov = find_tool(args.checkov, "checkov", ["/tmp/checkov-venv/bin/checkov"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")

    tree = args.work / "tree"
    generate(tree, args.scale)
    small = bench_tree(f"synthetic x{args.scale:g}", tree, tree / "compose", tree / "k8s", args)
    if not args.no_corpus and CORPUS.is_dir():
        bench_tree("corpus", CORPUS, CORPUS / "compose", CORPUS / "kubernetes", args)
    if args.linearity:
        big_tree = args.work / "tree10"
        generate(big_tree, args.scale * 10)
        big = timed(portlint_command(big_tree), max(1, args.runs // 2))
        floor = timed(floor_command(big_tree), max(1, args.runs // 2))
        print(
            f"\n== linearity: x{args.scale * 10:g} files: portlint {big:.3f} s "
            f"({big / small['portlint']:.1f}x the time of x{args.scale:g}), "
            f"floor {floor:.3f} s ({floor / small['floor']:.1f}x)"
        )


if __name__ == "__main__":
    main()
