"""Growth of the parser-level scale cases of issue 13: each is timed at N and 4N.

Every case is a small hostile input that was quadratic (or worse); linear code takes
about 4x as long at 4N, quadratic code 16x. Run: `python benchmarks/hostile_scale_parsers.py
[N_SCALE]` (N_SCALE multiplies every N; default 1). Prints one line per case and size.

The table has the shape of benchmarks/hostile_scale.py: (name, generator(N) -> files,
command), files as {relative path: text}, the command run in the tree's directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Files = dict[str, str]
CHECK = [sys.executable, "-m", "portlint", "check", "--no-color", "."]


def nginx_listens(n: int) -> Files:
    """One server with N `listen` lines (each line was re-split for each word)."""
    listens = "".join(f"  listen 127.0.0.{1 + i % 250}:{10000 + i % 50000};\n" for i in range(n))
    return {"nginx/nginx.conf": f"http {{\n server {{\n{listens} }}\n}}\n"}


def nginx_include_permutations(n: int) -> Files:
    """N fragments that each `include conf.d/*.conf` (walked in every permutation)."""
    files = {"nginx/nginx.conf": "http {\n include conf.d/*.conf;\n}\n"}
    for i in range(n):
        files[f"nginx/conf.d/f{i:03}.conf"] = (
            f"include conf.d/*.conf;\nserver {{\n listen {8000 + i};\n}}\n"
        )
    return files


def apache_include_permutations(n: int) -> Files:
    """N Apache files that each `Include conf.d/*.conf` and `Listen` once."""
    files = {"apache2/apache2.conf": "Include conf.d/*.conf\n"}
    for i in range(n):
        files[f"apache2/conf.d/f{i:03}.conf"] = f"Include conf.d/*.conf\nListen {8000 + i}\n"
    return files


def disable_next_line(n: int) -> Files:
    """N `# portlint: disable-next-line` comments in a row before one port."""
    comments = "    # portlint: disable-next-line=PL101\n" * n
    return {"app/compose.yaml": f"services:\n  w:\n    ports:\n{comments}      - '8080:80'\n"}


def dotenv_unclosed_quote(n: int) -> Files:
    """A `.env` whose first value opens a quote that never closes, then N lines."""
    lines = "".join(f"V{i}=value{i}\n" for i in range(n))
    return {
        "app/.env": "A='unclosed\n" + lines,
        "app/compose.yaml": "services:\n  w:\n    ports: ['${V1:-8080}:80']\n",
    }


def nested_defaults(n: int) -> Files:
    """`${V:-...}` nested 480 deep around a value of N KB (re-scanned at every level)."""
    depth = 480
    value = "${V:-" * depth + "8" * (n * 1024) + "}" * depth
    return {"app/compose.yaml": f"services:\n  w:\n    ports: ['{value}:80']\n"}


#: (name, generator(N) -> files, command, N)
CASES: list[tuple[str, Callable[[int], Files], list[str], int]] = [
    ("nginx: N listen lines", nginx_listens, CHECK, 10_000),
    ("nginx: N fragments including conf.d/*.conf", nginx_include_permutations, CHECK, 8),
    ("apache: N files including conf.d/*.conf", apache_include_permutations, CHECK, 7),
    ("N disable-next-line comments", disable_next_line, CHECK, 5_000),
    (".env: unclosed quote before N lines", dotenv_unclosed_quote, CHECK, 5_000),
    ("${V:-...} 480 deep around N KB", nested_defaults, CHECK, 256),
]


def materialise(files: Files, root: Path) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def time_case(generator: Callable[[int], Files], command: list[str], n: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        materialise(generator(n), Path(directory))
        env = dict(os.environ)
        src = Path(__file__).resolve().parents[1] / "src"
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
        start = time.perf_counter()
        subprocess.run(command, cwd=directory, env=env, capture_output=True, check=False)
        return time.perf_counter() - start


def main(argv: list[str]) -> int:
    scale = float(argv[1]) if len(argv) > 1 else 1.0
    for name, generator, command, base in CASES:
        n = max(1, int(base * scale))
        small = time_case(generator, command, n)
        large = time_case(generator, command, 4 * n)
        print(f"{name:48} N={n:<7} {small:7.2f} s   4N={4 * n:<7} {large:7.2f} s   x{large / small:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
