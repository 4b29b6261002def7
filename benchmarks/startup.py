"""Start-up cost for pre-commit: `portlint --version` and a check of one small file.

Prints median wall times (beside a bare `python -c pass`), the number of modules each
imports, the heaviest imports (`python -X importtime`, cumulative), and whether modules a
run does not need were imported (yaml/jsonschema/engine for --version; jsonschema without
a config file; crossplane without an nginx file; tomllib without a TOML file).

    python benchmarks/startup.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UNWANTED = {
    "version": ("yaml", "jsonschema", "portlint.engine", "crossplane"),
    "one-file": ("jsonschema", "crossplane", "tomllib", "importlib.metadata"),
}


# Child processes may write bytecode caches: a user's installed portlint has them (pip
# compiles at install), and an environment with PYTHONDONTWRITEBYTECODE set would otherwise
# time compiling portlint's sources on every run (~100 ms).
BENCH_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str], cwd: Path, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False, env=BENCH_ENV)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def imports(command: list[str], cwd: Path) -> dict[str, tuple[int, int]]:
    """module -> (self us, cumulative us), from -X importtime."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=BENCH_ENV,
    )
    found = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        found[name.strip()] = (int(own), int(cumulative))
    return found


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        (work / "compose.yaml").write_text("services:\n  web:\n    ports: ['8080:80']\n")
        cases = {
            "version": ["-m", "portlint", "--version"],
            "one-file": ["-m", "portlint", "check", "compose.yaml"],
        }
        bare = wall([sys.executable, "-c", "pass"], work)
        print(f"python -c pass: {bare * 1000:.0f} ms")
        for label, args in cases.items():
            seconds = wall([sys.executable, *args], work)
            found = imports(args, work)
            total = sum(own for own, _ in found.values())
            print(
                f"\n{label}: {seconds * 1000:.0f} ms wall, {len(found)} modules imported, "
                f"{total / 1000:.0f} ms importing"
            )
            heavy = sorted(found.items(), key=lambda item: -item[1][1])[:12]
            for name, (_own, cumulative) in heavy:
                print(f"  {cumulative / 1000:6.1f} ms  {name}")
            unwanted = [name for name in UNWANTED[label] if name in found]
            print(f"  not needed but imported: {', '.join(unwanted) or 'none'}")


if __name__ == "__main__":
    main()
