#!/usr/bin/env python3
"""Rewrite the generated tables of docs/sources.md from the flag grammar
(`portlint.flags.grammar`). Usage: scripts/gen_sources_doc.py"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from portlint.flags.table import BEGIN, END, markdown  # noqa: E402


def main() -> int:
    page = ROOT / "docs" / "sources.md"
    text = page.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    page.write_text(text[:start] + markdown() + text[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
