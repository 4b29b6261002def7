"""Reporters: one module per output format, each with render(report, options, color) -> str.

Only the CLI writes what they return.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options

FORMATS = ("text", "json", "sarif", "github", "gitlab")
_MODULES = {name: name for name in FORMATS} | {"summary": "text"}


def render(
    name: str,
    report: Report,
    options: Options,
    color: bool = False,
    concise: bool = False,
    fixed: int = 0,
) -> str:
    """The report in format `name`; `concise` (no code frames) and `fixed` (fixes applied
    by `--fix`, for the summary) concern the text format only."""
    module = importlib.import_module(f"portlint.report.{_MODULES[name]}")
    if name == "summary":
        return module.summary(report, color=color, fixed=fixed)
    if name == "text":
        return module.render(report, options, color=color, concise=concise, fixed=fixed)
    return module.render(report, options, color=color)


def stream(name: str, report: Report, options: Options, write: Callable[[str], object]) -> None:
    """`render(name, report, options)` passed to `write` as it is made, by a reporter
    with `pieces()` (json), else at once."""
    module = importlib.import_module(f"portlint.report.{_MODULES[name]}")
    pieces = getattr(module, "pieces", None)
    if pieces is None:
        write(render(name, report, options))
        return
    for piece in pieces(report, options):
        write(piece)
