"""portlint positions <-> LSP positions.

portlint's `Location` is 1-based with columns counted in characters (code points), the end
exclusive; LSP is 0-based with columns counted in the negotiated encoding's code units,
UTF-16 unless the client offered another. A character outside the Basic Multilingual
Plane (an emoji in a comment) is one character but two UTF-16 units.
"""

from __future__ import annotations

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """How many code units of `encoding` the text is."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def to_client(line_text: str, column: int, encoding: str = UTF16) -> int:
    """The LSP character offset of a 1-based character column on that line."""
    return units(line_text[: max(column - 1, 0)], encoding)


def from_client(line_text: str, character: int, encoding: str = UTF16) -> int:
    """The 1-based character column of an LSP character offset on that line (an offset
    inside a character, or past the end, moves to the next character boundary)."""
    if encoding == UTF32 or line_text.isascii():
        return min(character, len(line_text)) + 1
    counted = 0
    for index, char in enumerate(line_text):
        if counted >= character:
            return index + 1
        counted += units(char, encoding)
    return len(line_text) + 1
