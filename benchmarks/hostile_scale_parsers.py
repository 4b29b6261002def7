"""Hostile scale cases of the parsers: small inputs that once made portlint do quadratic
work (issue 13). For each case it writes a tree at N and 4N, times one whole `portlint
check` of it, and prints the growth factor: about 4 is linear, about 16 quadratic.
Nothing here asserts a time.

    python benchmarks/hostile_scale_parsers.py            # every case at its default N
    python benchmarks/hostile_scale_parsers.py --scale 2  # N doubled
    python benchmarks/hostile_scale_parsers.py --only nginx-listens

Same shape as benchmarks/hostile_scale.py, so the two tables merge: a case is a (name,
generator, command, default N) row in CASES; the generator writes a tree for a given N
into a directory, the command is portlint's arguments with `{tree}` for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import hostile_scale  # the runner, beside this file

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

Files = dict[str, str]


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


def _writer(files: Callable[[int], Files]) -> Callable[[int, Path], None]:
    """A generator(N, tree) writing the files `files(N)` names."""

    def write(n: int, tree: Path) -> None:
        for relative, text in files(n).items():
            path = tree / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    write.__doc__ = files.__doc__
    return write


Case = tuple[str, Callable[[int, Path], None], list[str], int]
CHECK = ["check", "--format", "json", "{tree}"]

#: (name, generator(N, tree), portlint arguments, default N)
CASES: list[Case] = [
    ("nginx-listens", _writer(nginx_listens), CHECK, 10_000),
    ("nginx-includes", _writer(nginx_include_permutations), CHECK, 8),
    ("apache-includes", _writer(apache_include_permutations), CHECK, 7),
    ("disable-next-line", _writer(disable_next_line), CHECK, 5_000),
    ("dotenv-quote", _writer(dotenv_unclosed_quote), CHECK, 5_000),
    ("nested-defaults", _writer(nested_defaults), CHECK, 256),
]


if __name__ == "__main__":
    raise SystemExit(hostile_scale.main(CASES, __doc__.splitlines()[0]))
