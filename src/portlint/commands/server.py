"""`portlint server`: the Language Server over stdio (needs the `lsp` extra: pygls)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stdio", action="store_true", help="talk LSP over stdin/stdout (the default and only way)"
    )


def run(args: argparse.Namespace) -> int:
    from portlint.config import ConfigError

    try:
        from portlint.lsp.server import serve
    except ImportError as error:
        raise ConfigError(
            f"the language server needs pygls ({error.name} is missing): "
            "pip install 'portlint[lsp]'"
        ) from None
    # `portlint` pauses the cycle collector for a one-shot run (portlint.cli.entry); a
    # server runs for hours and checks again on every edit, so its cycles must be freed.
    import gc

    gc.enable()
    serve(debug=args.debug)
    return 0
