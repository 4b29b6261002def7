"""Helpers for the service-config parser tests: bindings and diagnostics as tuples."""

from __future__ import annotations

from pathlib import Path

from helpers import run


def bindings(*paths: str) -> list[tuple[str, int, int, str, str]]:
    """(file name, line, column, socket text, owner kind) for each binding, in order."""
    report = run(*paths)
    return [
        (Path(b.location.path).name, b.location.line, b.location.column, b.socket_text(), b.format)
        for b in report.model.bindings
    ]


def diagnostics(*paths: str) -> list[tuple[str, str, int, int]]:
    report = run(*paths)
    return [
        (d.rule, Path(d.location.path).name, d.location.line, d.location.column)
        for d in report.model.diagnostics
    ]


def binding_list(*paths: str):
    return run(*paths).model.bindings
