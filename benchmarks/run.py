"""Benchmark portlint's whole check against its floor and against dclint and checkov.

For each tree (a synthetic one from gen_tree.py, and ../shared/corpus) it prints medians
of whole-process wall times and each process's peak RSS:

- portlint:  `portlint check --format json TREE` (start-up, discovery, parsing, rules,
             output), cold (`--no-cache`) with `--jobs 1` and with the default jobs, and
             warm (the result cache filled by a run before, in a directory of its own)
- floor:     the same Python composing the same YAML bytes with libyaml
             (`yaml.compose_all(text, Loader=yaml.CSafeLoader)` over every .yaml/.yml/.json
             file portlint would read), also as a whole process: what no YAML linter in
             this Python can beat
  all of them run in turn (A B C A B C ...) and each ratio is the median of the rounds'
  ratios to that round's floor: on a shared machine whose speed drifts, rounds keep it
  meaningful
- dclint:    `dclint -r TREE/compose` (npm) beside portlint on the same Compose part
- checkov:   `checkov -d TREE/k8s --framework kubernetes` (PyPI) beside portlint on the same
             Kubernetes part
  each with the floor on that part too: the peer's time over the floor's is the ceiling
  of its ratio to portlint (no check that composes the part with PyYAML runs faster)

    python benchmarks/run.py                       # synthetic 1,000 + 1,000, the corpus, 10x
    python benchmarks/run.py --linearity           # also 100x the files (~1.6 GB of disk)
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
sys.path.insert(0, str(HERE))
from gen_tree import generate  # noqa: E402

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


def timed(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall seconds of `runs` executions."""
    return statistics.median(_run_once(command, env)[0] for _ in range(runs))


def _run_once(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in KB) of one execution (an exit other than 0 or 1 is
    reported). The RSS is the child's own (wait4), not the largest child so far."""
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env or BENCH_ENV,
    )
    assert child.stderr is not None
    stderr = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        tail = stderr.decode(errors="replace").strip().splitlines()[-1:]
        print(f"    ! {command[0]} exited {child.returncode}: {' '.join(tail)}", file=sys.stderr)
    return elapsed, usage.ru_maxrss


def interleaved(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict:
    """Each command once per round, round after round (A B C A B C ...): on a shared
    machine whose speed drifts, the commands of a round see the same machine.
    {name: (times, peak RSS KB of each run)}."""
    figures: dict[str, tuple[list[float], list[int]]] = {name: ([], []) for name in commands}
    for _ in range(runs):
        for name, (command, env) in commands.items():
            seconds, rss = _run_once(command, env)
            figures[name][0].append(seconds)
            figures[name][1].append(rss)
    return figures


def ratio_text(times: list[float], floors: list[float]) -> str:
    """Median, min and max of the round-by-round ratios to the floor."""
    ratios = sorted(a / b for a, b in zip(times, floors, strict=True))
    return (
        f"median {statistics.median(ratios):.2f}x"
        f" (min {ratios[0]:.2f}x, max {ratios[-1]:.2f}x, {len(ratios)} rounds)"
    )


def portlint_command(path: Path, *extra: str) -> list[str]:
    script = Path(sys.executable).with_name("portlint")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "portlint"]
    return [*base, "check", "--format", "json", "--no-color", *extra, str(path)]


def cache_env(directory: Path) -> dict[str, str]:
    """The benchmark environment with portlint's cache in `directory` (never the user's)."""
    return {**BENCH_ENV, "PORTLINT_CACHE_DIR": str(directory)}


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
    warm_cache = args.work / "cache" / label.replace(" ", "-")
    shutil.rmtree(warm_cache, ignore_errors=True)
    past_doubt(root)
    _run_once(portlint_command(root), cache_env(warm_cache))  # fills the cache
    commands = {
        "floor": (floor_command(root), BENCH_ENV),
        "cold --jobs 1": (portlint_command(root, "--no-cache", "--jobs", "1"), BENCH_ENV),
        "cold default jobs": (portlint_command(root, "--no-cache"), BENCH_ENV),
        "warm --jobs 1": (portlint_command(root, "--jobs", "1"), cache_env(warm_cache)),
        "warm default jobs": (portlint_command(root), cache_env(warm_cache)),
    }
    measured = interleaved(commands, args.runs)
    floors = measured["floor"][0]
    figures: dict[str, float] = {}
    for name, (times, rss) in measured.items():
        figures[name] = statistics.median(times)
        figures[f"{name} rss"] = max(rss)
        ratio = "" if name == "floor" else "   / floor: " + ratio_text(times, floors)
        print(
            f"  {name:<18} {statistics.median(times):7.3f} s  peak RSS {max(rss) / 1024:6.0f} MB"
            + ratio
        )
    for part_label, name, tool, part, command in (
        ("compose", "dclint", args.dclint, compose, dclint_command),
        ("kubernetes", "checkov", args.checkov, k8s, checkov_command),
    ):
        if not tool:
            print(f"  {name}: not found (--{name} PATH)")
            continue
        mine = timed(portlint_command(part, "--no-cache"), args.runs)
        floor = timed(floor_command(part), args.runs)
        theirs = timed(command(tool, part), args.tool_runs)
        print(
            f"  {part_label} part: portlint {mine:.3f} s, {name} {theirs:.3f} s"
            f"   {name} / portlint = {theirs / mine:.1f}x"
        )
        # The most any tool that composes this YAML with PyYAML can reach: the floor.
        print(
            f"  {part_label} part: floor {floor:.3f} s"
            f"   {name} / floor = {theirs / floor:.1f}x (the ceiling of that ratio)"
        )
        figures[f"{name}_ratio"] = theirs / mine
        figures[f"{name}_ceiling"] = theirs / floor
    return figures


def past_doubt(tree: Path) -> None:
    """Wait until the tree's newest file is older than the cache's doubt window
    (portlint.unitcache.DOUBT_NS, 2 s): a file recorded sooner after its last change is
    read on every run, which a tree just generated would be, and the unchanged files of a
    repository a hook checks are not."""
    newest = 0.0
    for directory, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            info = os.stat(os.path.join(directory, name))
            newest = max(newest, info.st_mtime, info.st_ctime)
    time.sleep(max(0.0, newest + 2.1 - time.time()))


def settle(tree: Path) -> None:
    """Let a tree just written settle before it is timed: its dirty pages written back
    (`sync`), then every file read once, so the first timed run neither competes with
    the disk's writeback nor is the only one reading from the disk. (Without this, the
    100x tree's single round measured portlint at 11.2x the 10x step, where a run in one
    process on a settled tree took 10.7x.)"""
    if hasattr(os, "sync"):
        os.sync()
    for directory, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d not in SKIPPED]
        for name in names:
            with open(os.path.join(directory, name), "rb") as handle:
                handle.read()


def linearity(args, small: dict[str, float], factor: float) -> dict[str, float]:
    """Cold `--jobs 1` on `factor` times the files: time and peak RSS, beside the floor."""
    scale = args.scale * factor
    tree = args.work / f"tree{scale:g}"
    generate(tree, scale)
    settle(tree)
    runs = max(1, args.runs // 3)
    commands = {
        "floor": (floor_command(tree), BENCH_ENV),
        "cold --jobs 1": (portlint_command(tree, "--no-cache", "--jobs", "1"), BENCH_ENV),
    }
    measured = interleaved(commands, runs)
    big = {name: statistics.median(times) for name, (times, _) in measured.items()}
    rss = max(measured["cold --jobs 1"][1])
    print(
        f"\n== linearity x{scale:g} ({runs} rounds): cold --jobs 1 {big['cold --jobs 1']:.3f} s"
        f" ({big['cold --jobs 1'] / small['cold --jobs 1']:.1f}x the time of the step before),"
        f" floor {big['floor']:.3f} s ({big['floor'] / small['floor']:.1f}x);"
        f" portlint / floor {ratio_text(measured['cold --jobs 1'][0], measured['floor'][0])};"
        f" peak RSS {rss / 1024:.0f} MB"
    )
    return big


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
    parser.add_argument(
        "--linearity", action="store_true", help="also run 100x the files (10x always runs)"
    )
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args()
    if args.no_tools:
        args.dclint = args.checkov = None
    else:
        args.dclint = find_tool(args.dclint, "dclint", ["/tmp/dclint/node_modules/.bin/dclint"])
        args.checkov = find_tool(args.checkov, "checkov", ["/tmp/checkov-venv/bin/checkov"])
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")

    tree = args.work / "tree"
    generate(tree, args.scale)
    settle(tree)
    small = bench_tree(f"synthetic x{args.scale:g}", tree, tree / "compose", tree / "k8s", args)
    if not args.no_corpus and CORPUS.is_dir():
        bench_tree("corpus", CORPUS, CORPUS / "compose", CORPUS / "kubernetes", args)
    ten = linearity(args, small, 10)
    if args.linearity:
        linearity(args, ten, 100)


if __name__ == "__main__":
    main()
