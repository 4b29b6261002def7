"""atheris fuzz target: the whole check (discover, read, decode, parse, rules, every
reporter) on arbitrary bytes, written as each kind of file portlint reads.

A finding is fine; an exception escaping `engine.check` (run with debug=True, so parser
and rule crashes surface) or a reporter is a bug. See fuzz/README.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from portlint.config import build_options
    from portlint.engine import check
    from portlint.parsers import load_all as load_parsers
    from portlint.report import FORMATS, render
    from portlint.rules import load_all as load_rules

    load_parsers()  # import (and so instrument) every parser and rule module now:
    load_rules()  # the engine would import them lazily, outside this block
    for _fmt in FORMATS:
        __import__(f"portlint.report.{_fmt}")

#: The first byte of the input picks the file name, so each parser is reached.
NAMES = (
    "compose.yaml",
    "k8s.yaml",
    "Dockerfile",
    "nginx.conf",
    "httpd.conf",
    "haproxy.cfg",
    "app.socket",
    "envoy.yaml",
    "traefik.toml",
    "Caddyfile",
    "redis.conf",
    "postgresql.conf",
    "my.cnf",
    "sshd_config",
    "application.properties",
    "x.json",
)
WORK = Path(tempfile.mkdtemp(prefix="portlint-fuzz-"))
OPTIONS = build_options({"limits": {"max-file-bytes": 1 << 20}}, None)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    for old in WORK.iterdir():
        old.unlink()
    (WORK / name).write_bytes(data[1:])
    if data[0] & 0x80:  # half the time, a .env beside it for ${VAR} interpolation
        (WORK / ".env").write_bytes(b"PORT=8080\nBAD=x\n")
    report = check([str(WORK)], OPTIONS, debug=True)
    for fmt in FORMATS:
        render(fmt, report, OPTIONS)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
