"""`portlint check`: run the rules and report findings."""

from __future__ import annotations

import argparse
import sys

from portlint.commands import outputs
from portlint.commands.common import (
    add_input_arguments,
    check_paths_exist,
    options_from_args,
    read_stdin_if_needed,
    split_codes,
)
from portlint.report import FORMATS, render, stream


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
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR; FORCE_COLOR too)",
    )
    parser.add_argument("--no-color", action="store_true", help="the same as --color never")
    parser.add_argument(
        "--concise",
        action="store_true",
        help="text output without the code frame under each finding (one line each)",
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print the number of findings per rule"
    )
    parser.add_argument(
        "--show-files", action="store_true", help="list the files read (path TAB parser) and exit"
    )
    parser.add_argument(
        "--show-settings", action="store_true", help="print the resolved settings and exit"
    )
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff: the fixes that change behaviour too (move a port, bind "
        "to loopback)",
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff; write nothing"
    )
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
    outputs.prepare("--output", args.output)
    outputs.prepare("--sarif-file", args.sarif_file)
    options = options_from_args(
        args,
        select=split_codes(args.select),
        extend_select=split_codes(args.extend_select),
        ignore=split_codes(args.ignore),
        fail_on=args.fail_on,
        helm_values=args.values,
    )
    if args.show_settings or args.show_files:
        from portlint.commands import listing

        if args.show_settings:
            sys.stdout.write(listing.show_settings(options, args.paths))
        if args.show_files:
            sys.stdout.write(listing.show_files(args.paths, options))
        return 0
    if args.against_host is not None:
        from portlint.hostsockets.command import against_host

        args.paths = against_host(args.against_host, args.paths, options)
    stdin_text = read_stdin_if_needed(args.paths, args.stdin_filename)
    paths, touched = args.paths, None
    if args.changed_files:
        from portlint import project

        paths, touched = project.scope(args.paths, options)

    def checked():
        report = check(
            paths,
            options,
            stdin_text=stdin_text,
            debug=args.debug,
            stdin_filename=args.stdin_filename,
            use_cache=not args.no_cache,
        )
        if touched is not None:
            report = project.only_touching(report, touched)
        return report

    report = checked()
    stdin_display = None
    if args.stdin_filename and stdin_text is not None:
        from portlint.source import display_path

        stdin_display = display_path(args.stdin_filename)
    if args.diff:
        return _diff(report, args.unsafe_fixes, stdin_display)
    fixed = 0
    if args.fix:
        from portlint.commands.fixing import fix_in_place

        report, fixed = fix_in_place(report, checked, args.unsafe_fixes, stdin_display)
    report = _postprocess(report, args, options)
    from portlint.suppress import unknown_rule_notices

    for notice in unknown_rule_notices(report.suppressions):
        print(f"portlint: warning: {notice.text()}", file=sys.stderr)
    _write_reports(report, args, options, fixed)
    for error in report.internal_errors:
        print(f"portlint: internal error: {error} (run with --debug)", file=sys.stderr)
    if report.internal_errors:
        return 2
    failing = [f for f in report.findings if f.severity and f.severity.rank >= options.fail_on.rank]
    return 1 if failing and not args.exit_zero else 0


def _write_reports(report, args, options, fixed: int) -> None:
    color = outputs.use_color("never" if args.no_color else args.color)
    style = {"concise": args.concise, "fixed": fixed}
    if args.format == "json" and not args.output:  # written as made (memory)
        stream(args.format, report, options, sys.stdout.write)
    else:
        _write_body(report, args, options, color, style)
    if args.statistics:
        from portlint.report import text as text_report

        sys.stdout.write(text_report.statistics(report.findings))
    if args.sarif_file:
        outputs.write("--sarif-file", args.sarif_file, render("sarif", report, options))


def _write_body(report, args, options, color: bool, style: dict) -> None:
    body = render(args.format, report, options, color=color and not args.output, **style)
    recorded = getattr(args, "recorded", None)
    if recorded is not None and args.format == "text":  # not "No problems found"
        body = f"Recorded {_findings(recorded)} in {args.write_baseline}.\n"
    if args.output:
        outputs.write("--output", args.output, body)
        summary = render("summary", report, options, color=color, **style)
        sys.stdout.write(body if recorded is not None and args.format == "text" else summary)
    else:
        sys.stdout.write(body)


def _findings(count: int) -> str:
    return f"{count} finding{'s' if count != 1 else ''}"


def _diff(report, unsafe: bool, stdin: str | None) -> int:
    from portlint.commands.fixing import unified_diff

    diff, count = unified_diff(report, unsafe, stdin)
    sys.stdout.write(diff)
    print(f"Would fix {_findings(count)}.", file=sys.stderr)
    return 1 if count else 0


def _postprocess(report, args, options):
    """Baseline and unused-suppression handling (portlint.baseline, portlint.suppress)."""
    import importlib.util

    if importlib.util.find_spec("portlint.baseline") is None:
        return report
    from portlint import baseline

    return baseline.postprocess(report, args, options)
