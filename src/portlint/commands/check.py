"""`portlint check`: run the rules and report findings."""

from __future__ import annotations

import argparse
import sys

from portlint.commands.common import (
    add_input_arguments,
    check_paths_exist,
    options_from_args,
    read_stdin_if_needed,
    split_codes,
)
from portlint.report import FORMATS, render


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--sarif-file",
        metavar="FILE",
        help="also write SARIF to FILE (one run feeds both a CI log and code scanning)",
    )
    parser.add_argument("--select", action="append", metavar="CODES", help="rules to run")
    parser.add_argument("--extend-select", action="append", metavar="CODES", help="add rules")
    parser.add_argument("--ignore", action="append", metavar="CODES", help="rules to skip")
    parser.add_argument(
        "--fail-on", choices=("error", "warning", "info"), help="lowest severity that fails"
    )
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the parse cache ($PORTLINT_CACHE_DIR, else the user cache)",
    )
    parser.add_argument(  # rendered sources (portlint.render)
        "--values",
        action="append",
        metavar="FILE",
        help="a Helm values file to render charts with (after values.yaml; repeatable)",
    )
    parser.add_argument("--baseline", metavar="FILE", help="report only findings not in FILE")
    parser.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE")
    parser.add_argument(
        "--report-unused-suppressions",
        action="store_true",
        help="report suppression comments that suppress nothing",
    )
    parser.add_argument(
        "--changed-files",
        action="store_true",
        help="PATHS are changed files: read the whole project around them and report only "
        "findings that touch them (the pre-commit hook's mode)",
    )
    parser.add_argument(
        "--against-host",
        nargs="?",
        const="",
        default=None,
        metavar="SNAPSHOT",
        help="compare the host ports with the sockets listening on this machine now, or in "
        "SNAPSHOT (saved `ss -tulpn`, `ss -Htulpn`, `netstat -tulpn` or `netstat -ano`)",
    )


def run(args: argparse.Namespace) -> int:
    from portlint.engine import check

    check_paths_exist(args.paths)
    options = options_from_args(
        args,
        select=split_codes(args.select),
        extend_select=split_codes(args.extend_select),
        ignore=split_codes(args.ignore),
        fail_on=args.fail_on,
        helm_values=args.values,
    )
    if args.against_host is not None:
        from portlint.hostsockets.command import against_host

        args.paths = against_host(args.against_host, args.paths, options)
    stdin_text = read_stdin_if_needed(args.paths)
    paths, touched = args.paths, None
    if args.changed_files:
        from portlint import project

        paths, touched = project.scope(args.paths, options)
    report = check(
        paths, options, stdin_text=stdin_text, debug=args.debug, use_cache=not args.no_cache
    )
    if touched is not None:
        report = project.only_touching(report, touched)
    report = _postprocess(report, args, options)
    from portlint.suppress import unknown_rule_notices

    for notice in unknown_rule_notices(report.suppressions):
        print(f"portlint: warning: {notice.text()}", file=sys.stderr)
    color = not args.no_color and sys.stdout.isatty() and "NO_COLOR" not in __import__("os").environ
    text = render(args.format, report, options, color=color and not args.output)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        sys.stdout.write(render("summary", report, options, color=color))
    else:
        sys.stdout.write(text)
    if args.sarif_file:
        with open(args.sarif_file, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(render("sarif", report, options))
    for error in report.internal_errors:
        print(f"portlint: internal error: {error} (run with --debug)", file=sys.stderr)
    if report.internal_errors:
        return 2
    failing = [f for f in report.findings if f.severity and f.severity.rank >= options.fail_on.rank]
    return 1 if failing else 0


def _postprocess(report, args, options):
    """Baseline and unused-suppression handling (portlint.baseline, portlint.suppress)."""
    import importlib.util

    if importlib.util.find_spec("portlint.baseline") is None:
        return report
    from portlint import baseline

    return baseline.postprocess(report, args, options)
