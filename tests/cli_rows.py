"""Helpers for the format tests: what `portlint ports --format json` lists and what
`portlint check --format json` finds, as comparable tuples (the CLI's own output)."""

from __future__ import annotations

import json
from pathlib import Path

from portlint.cli import main


def port_rows(capsys, path: Path) -> list[tuple]:
    """(file name, line, column, address, port, protocol, owner) per listed binding."""
    main(["ports", "--format", "json", str(path)])
    data = json.loads(capsys.readouterr().out)
    rows = [
        (
            Path(b["path"]).name,
            b["line"],
            b["column"],
            b["address"],
            b["port"],
            b["protocol"],
            b["owner"],
        )
        for b in data["bindings"]
    ]
    return sorted(rows, key=lambda row: tuple("" if v is None else v for v in row))


def check_rows(capsys, path: Path) -> tuple[int, list[tuple[str, str, int, int, str]]]:
    """Exit code and (rule, file name, line, column, message) per finding."""
    code = main(["check", "--format", "json", str(path)])
    data = json.loads(capsys.readouterr().out)
    return code, [
        (f["rule"], Path(f["path"]).name, f["line"], f["column"], f["message"])
        for f in data["findings"]
    ]
