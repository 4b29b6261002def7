"""Hostile scale cases: small inputs that once made portlint do quadratic work. For each
case it writes a tree at N and 4N, times one whole `portlint check` of it, and prints the
growth factor: about 4 is linear, about 16 quadratic. Nothing here asserts a time.

    python benchmarks/hostile_scale.py            # every case at its default N
    python benchmarks/hostile_scale.py --scale 2  # N doubled
    python benchmarks/hostile_scale.py --only compose-range

A case is a (name, generator, command) row in CASES: the generator writes a tree for a
given N into a directory, the command is portlint's arguments with `{tree}` for it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def compose_ranges(n: int, tree: Path) -> None:
    """N Compose services each publishing the same range 20000-20999 on one host."""
    lines = ["services:"]
    for i in range(n):
        lines += [f"  s{i}:", "    image: example/app", '    ports: ["20000-20999:20000-20999"]']
    (tree / "compose.yaml").write_text("\n".join(lines) + "\n")


def k8s_selectors(n: int, tree: Path) -> None:
    """N Kubernetes Services all selecting the same N Deployments (one namespace), each
    with a targetPort the pods do not declare (one PL401 per Service)."""
    docs = []
    for i in range(n):
        docs.append(
            "apiVersion: apps/v1\nkind: Deployment\n"
            f"metadata: {{name: d{i}}}\n"
            "spec:\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n"
            "      containers:\n      - name: app\n        image: example/app\n"
            "        ports: [{containerPort: 8080}]\n"
        )
        docs.append(
            "apiVersion: v1\nkind: Service\n"
            f"metadata: {{name: s{i}}}\n"
            "spec:\n  selector: {app: shop}\n  ports: [{port: 80, targetPort: 9090}]\n"
        )
    (tree / "manifests.yaml").write_text("---\n".join(docs))


Case = tuple[str, Callable[[int, Path], None], list[str], int]

#: (name, generator(N, tree), portlint arguments, default N)
CASES: list[Case] = [
    ("compose-range", compose_ranges, ["check", "--format", "json", "{tree}"], 400),
    ("k8s-selectors", k8s_selectors, ["check", "--format", "json", "{tree}"], 4000),
]


def _time(case: Case, n: int) -> float:
    _name, generate, arguments, _default = case
    with tempfile.TemporaryDirectory(prefix="portlint-hostile-") as directory:
        tree = Path(directory)
        generate(n, tree)
        command = [sys.executable, "-m", "portlint", *(a.format(tree=tree) for a in arguments)]
        start = time.perf_counter()
        subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
            check=False,
        )
        return time.perf_counter() - start


def main(cases: list[Case] | None = None, description: str | None = None) -> int:
    """Print each case's time at N and 4N (the parsers' cases call this too)."""
    cases = CASES if cases is None else cases
    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every N")
    parser.add_argument("--only", action="append", help="run only this case (repeatable)")
    args = parser.parse_args()
    print(f"{'case':<18} {'N':>7} {'time N':>9} {'4N':>7} {'time 4N':>9} {'growth':>7}")
    for case in cases:
        name, _generate, _arguments, default = case
        if args.only and name not in args.only:
            continue
        n = max(1, int(default * args.scale))
        small, large = _time(case, n), _time(case, 4 * n)
        print(f"{name:<18} {n:>7} {small:>8.2f}s {4 * n:>7} {large:>8.2f}s {large / small:>6.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
