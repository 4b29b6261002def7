"""`portlint explain PL101` (or a rule name): print the rule's documentation page."""

from __future__ import annotations

import argparse

from portlint.errors import UsageError
from portlint.rules.catalogue import lookup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", help="rule ID (PL101) or name (port-collision)")


def run(args: argparse.Namespace) -> int:
    info = lookup(args.rule)
    if info is None:
        from portlint.suggestions import did_you_mean, nearest_rule

        hint = did_you_mean(nearest_rule(args.rule))
        raise UsageError(f"unknown rule {args.rule!r} (see `portlint rules`){hint}")
    from portlint.docs import rule_doc  # importlib.resources: only for this command

    text = rule_doc(info)
    if text is None:
        raise UsageError(f"no documentation page found for {info.id}")
    print(text.rstrip("\n"))
    return 0
