"""`portlint rules`: the rule catalogue with default severities."""

from __future__ import annotations

import argparse
import json

from portlint.rules.catalogue import CATALOGUE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "default": r.default.value if r.default else "off",
                "summary": r.summary,
            }
            for r in CATALOGUE
        ]
        print(json.dumps({"version": 1, "rules": rows}, indent=2))
        return 0
    for info in CATALOGUE:
        default = info.default.value if info.default else "off"
        print(f"{info.id}  {info.name:<26} {default:<8} {info.summary}")
    return 0
