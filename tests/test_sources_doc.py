"""docs/sources.md shows the flag grammar as it is in the code."""

from __future__ import annotations

from pathlib import Path

from portlint.flags.environment import VARIABLES
from portlint.flags.grammar import PROGRAMS
from portlint.flags.table import BEGIN, END, markdown

PAGE = Path(__file__).resolve().parents[1] / "docs" / "sources.md"


def test_the_page_holds_the_generated_tables() -> None:
    text = PAGE.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == markdown(), "run scripts/gen_sources_doc.py"


def test_every_program_has_a_row() -> None:
    table = markdown().split("Other programs", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(PROGRAMS)
    variables = markdown().split("| variable |", 1)[1]
    assert len([line for line in variables.splitlines() if line.startswith("| `")]) == len(
        VARIABLES
    )
    assert any("`--web.listen-address`: web UI and API (default `0.0.0.0:9090`)" in r for r in rows)
