"""portlint's 1-based character columns <-> LSP's 0-based code units per encoding."""

from __future__ import annotations

from portlint.lsp.positions import UTF8, UTF16, UTF32, from_client, to_client, units

LINE = 'x: "é🚀", p: 8080'  # é: 1 UTF-16 unit, 2 UTF-8 bytes; 🚀: 2 units, 4 bytes
PORT_COLUMN = LINE.index("8080") + 1  # 1-based, in characters


def test_units_per_encoding():
    assert [units("é🚀", e) for e in (UTF16, UTF8, UTF32)] == [3, 6, 2]
    assert units("plain", UTF16) == 5


def test_a_column_after_non_ascii_text():
    assert PORT_COLUMN == 13
    assert to_client(LINE, PORT_COLUMN, UTF16) == 13
    assert to_client(LINE, PORT_COLUMN, UTF8) == 16
    assert to_client(LINE, PORT_COLUMN, UTF32) == 12


def test_client_offsets_back_to_columns():
    for encoding in (UTF16, UTF8, UTF32):
        assert from_client(LINE, to_client(LINE, PORT_COLUMN, encoding), encoding) == PORT_COLUMN
    # Inside the surrogate pair of 🚀 (UTF-16 offsets 5-6): the next character boundary.
    assert from_client(LINE, 6, UTF16) == 7
    assert from_client(LINE, 999, UTF16) == len(LINE) + 1
