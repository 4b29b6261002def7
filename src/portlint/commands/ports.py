"""`portlint ports` (placeholder until implemented)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("args", nargs="*")


def run(args: argparse.Namespace) -> int:
    from portlint.cli import UsageError

    raise UsageError("'ports' is not implemented yet")
