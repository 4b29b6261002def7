"""Options shared by the commands that read files (check, ports)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portlint.config import build_options, find_config, load_config
from portlint.configfiles import repository_root
from portlint.errors import ConfigError, UsageError
from portlint.options import Options
from portlint.source import Roots


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories; - for stdin")
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with -: read stdin as if it were the file PATH (its format, configuration, "
        "positions and suppressions; findings name PATH)",
    )
    parser.add_argument("--config", metavar="FILE", help="configuration file to use")
    parser.add_argument("--policy", metavar="NAME|FILE", help="policy preset or file")
    parser.add_argument(
        "--env-from-shell",
        action="store_true",
        help="resolve ${VAR} in ports from the environment too (default: .env files only)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="processes that parse files (default: one per CPU, only for large trees; 1: never)",
    )


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes (1 or more)")
    return int(text)


def options_from_args(args: argparse.Namespace, **overrides) -> Options:
    config_path: Path | None
    roots: Roots | None = None  # --config: the user's own choice
    if args.config:
        config_path = Path(args.config)
        if not config_path.is_file():
            raise ConfigError(f"--config {args.config}: no such file")
    else:
        stdin_name = getattr(args, "stdin_filename", None)
        first = next((p for p in args.paths if p != "-"), stdin_name or ".")
        config_path = find_config(Path(first))
        if config_path is not None:  # committed: must not lead out of its repository
            roots = Roots([repository_root(config_path.parent)], name="the repository")
    data = load_config(config_path, roots) if config_path else {}
    options = build_options(
        data,
        config_path,
        policy=args.policy,
        env_from_shell=args.env_from_shell,
        **overrides,
    )
    options.jobs = getattr(args, "jobs", 0)
    return options


def read_stdin_if_needed(paths: list[str], stdin_filename: str | None = None) -> str | None:
    if "-" not in paths:
        if stdin_filename is not None:
            raise UsageError("--stdin-filename needs - among the paths (the text on stdin)")
        return None
    data = sys.stdin.buffer.read()
    from portlint.source import ReadError, decode

    try:
        return decode(data)
    except ReadError as error:
        raise ConfigError(f"stdin: {error}") from None


def check_paths_exist(paths: list[str]) -> None:
    for path in paths:
        if path != "-" and not Path(path).exists():
            raise ConfigError(f"{path}: no such file or directory")


def split_codes(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [code.strip() for value in values for code in value.split(",") if code.strip()]
