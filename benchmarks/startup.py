"""Start-up cost for pre-commit: `portlint --version` and a check of one small file.

Prints median wall times (beside a bare `python -c pass`) of `portlint --version` and of a
check of one small Compose, Kubernetes, nginx and Dockerfile file; for each, the modules it
imports (all, and portlint's own), the heaviest imports (`python -X importtime`,
cumulative), and the modules imported that the run does not need (yaml/jsonschema/engine
for --version; jsonschema without a config file; crossplane without an nginx file;
tomllib without a TOML file; the parsers of the other formats).

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

_ALWAYS = ("jsonschema", "tomllib", "importlib.metadata")
_PARSERS = {
    "compose": "portlint.parsers.compose",
    "kubernetes": "portlint.parsers.kubernetes",
    "nginx": "portlint.parsers.nginx",
    "dockerfile": "portlint.parsers.dockerfile",
    "crossplane": "crossplane",
}


def _others(own: tuple[str, ...]) -> tuple[str, ...]:
    return (*_ALWAYS, *(module for name, module in _PARSERS.items() if name not in own))


FILES = {
    "compose.yaml": "services:\n  web:\n    ports: ['8080:80']\n",
    "deploy.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        "  ports:\n    - port: 80\n      targetPort: 8080\n"
    ),
    "nginx.conf": "events {}\nhttp {\n  server {\n    listen 8080;\n  }\n}\n",
    "Dockerfile": "FROM nginx:1.27\nEXPOSE 8080\n",
}
#: label -> (portlint arguments, modules a run of that kind does not need)
CASES = {
    "version": (["--version"], ("yaml", "jsonschema", "portlint.engine", "crossplane")),
    "one-file": (["check", "compose.yaml"], _others(("compose",))),
    "one-kubernetes-file": (["check", "deploy.yaml"], _others(("kubernetes",))),
    "one-nginx-file": (["check", "nginx.conf"], ("yaml", *_others(("nginx", "crossplane")))),
    "one-dockerfile": (["check", "Dockerfile"], ("yaml", *_others(("dockerfile",)))),
}

#: Runs the CLI as `-m portlint` does, then lists sys.modules (the real entry point ends
#: with os._exit, so nothing after it runs). -X importtime reports only imports made by an
#: import statement, so importlib.import_module (the CLI's commands, a registry's modules)
#: is routed through __import__ here to be timed too.
CHILD = """
import importlib, os, sys
def _import_module(name, package=None):
    if name.startswith("."):
        import importlib.util
        name = importlib.util.resolve_name(name, package)
    __import__(name)
    return sys.modules[name]
importlib.import_module = _import_module
from portlint.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
sys.stderr.write("modules:" + ",".join(sorted(sys.modules)) + "\\n")
sys.stderr.flush()
os._exit(code)
"""

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


def imports(args: list[str], cwd: Path) -> tuple[dict[str, tuple[int, int]], list[str]]:
    """(module -> (self us, cumulative us) from -X importtime, every module in sys.modules)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CHILD, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=BENCH_ENV,
    )
    timed: dict[str, tuple[int, int]] = {}
    loaded: list[str] = []
    for line in done.stderr.splitlines():
        if line.startswith("modules:"):
            loaded = line[len("modules:") :].split(",")
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        timed[name.strip()] = (int(own), int(cumulative))
    return timed, loaded


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        for name, text in FILES.items():
            (work / name).write_text(text)
        bare = wall([sys.executable, "-c", "pass"], work)
        print(f"python -c pass: {bare * 1000:.0f} ms")
        for label, (args, not_needed) in CASES.items():
            seconds = wall([sys.executable, "-m", "portlint", *args], work)
            timed, loaded = imports(args, work)
            total = sum(own for own, _ in timed.values())
            own = [name for name in loaded if name == "portlint" or name.startswith("portlint.")]
            print(
                f"\n{label} (portlint {' '.join(args)}): {seconds * 1000:.0f} ms wall, "
                f"{len(loaded)} modules imported ({len(own)} of portlint), "
                f"{total / 1000:.0f} ms importing"
            )
            heavy = sorted(timed.items(), key=lambda item: -item[1][1])[:12]
            for name, (_own, cumulative) in heavy:
                print(f"  {cumulative / 1000:6.1f} ms  {name}")
            unwanted = [name for name in not_needed if name in loaded]
            print(f"  not needed but imported: {', '.join(unwanted) or 'none'}")


if __name__ == "__main__":
    main()
