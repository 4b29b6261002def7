"""Command-line entry point: argument parsing and exit codes only.

Exit codes: 0 no finding at or above --fail-on; 1 findings; 2 usage, configuration or
internal error (one line on stderr; a traceback only with --debug).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from portlint import __version__
from portlint.errors import ConfigError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

#: Subcommand name -> module in portlint.commands with add_arguments(parser) and run(args).
COMMANDS = {
    "check": ("Check paths for port problems (the default)", "check"),
    "ports": ("List every port binding found (the inventory)", "ports"),
    "port": ("Look a port up: IANA registrations, known software, range", "port"),
    "rules": ("List the rules", "rules"),
    "explain": ("Print a rule's documentation", "explain"),
    "server": ("Run the Language Server over stdio (needs portlint[lsp])", "server"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, exit 2
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portlint",
        description="Find port collisions and port-policy violations across deployment files.",
    )
    parser.add_argument("--version", action="version", version=f"portlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_text, module) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--debug", action="store_true", help="show tracebacks")
        _command_module(module).add_arguments(command)
    return parser


def build_command_parser(name: str) -> argparse.ArgumentParser:
    """One subcommand's parser on its own: options may then sit between paths
    (`check deploy/shop --select PL1 deploy/edge`), which argparse's intermixed parsing
    cannot do below a subparsers action."""
    help_text, module = COMMANDS[name]
    command = _Parser(prog=f"portlint {name}", description=help_text)
    command.add_argument("--debug", action="store_true", help="show tracebacks")
    _command_module(module).add_arguments(command)
    return command


def parse(args_list: list[str]) -> argparse.Namespace:
    """The namespace for `args_list` (its first item a command, -h or --help)."""
    if args_list[0] not in COMMANDS:
        return build_parser().parse_args(args_list)
    args = build_command_parser(args_list[0]).parse_intermixed_args(args_list[1:])
    args.command = args_list[0]
    return args


def _command_module(name: str):
    return importlib.import_module(f"portlint.commands.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (
        args_list[0] not in COMMANDS and args_list[0] not in ("-h", "--help", "--version")
    ):
        args_list.insert(0, "check")  # `portlint ./deploy` means `portlint check ./deploy`
    # --version must not import the commands (pre-commit start-up time).
    if args_list[0] == "--version":
        print(f"portlint {__version__}")
        return EXIT_OK
    debug = "--debug" in args_list
    try:
        args = parse(args_list)
        return int(_command_module(COMMANDS[args.command][1]).run(args))
    except UsageError as error:
        print(f"portlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except ConfigError as error:
        print(f"portlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:
        if debug:
            raise
        print(
            f"portlint: internal error: {type(error).__name__}: {error} (run with --debug)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def entry() -> NoReturn:
    """The `portlint` command: main(), then exit without tearing the heap down.

    A large check ends with millions of YAML nodes and bindings alive; freeing them one by
    one, and the interpreter's final collection, took a fifth of a 1 s run for nothing
    (mypy exits the same way).

    This is the one place the cycle collector is paused, for the whole process: every
    composed YAML node stays alive until its parser has run, so each collection rescans a
    growing heap of objects that cannot be garbage (measured, that was 40% of a
    3,000-file check). Nodes and bindings form no cycles, and reference counting still
    frees what the run drops."""
    gc.disable()
    try:
        code = main()
    except SystemExit as stop:  # --help, and argparse's own exits
        code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`)
            stream.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
