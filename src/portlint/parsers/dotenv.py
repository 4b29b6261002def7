"""The `.env` file Compose reads for interpolation: KEY=VALUE lines, `export`, quotes,
comments. Values are secrets as far as portlint is concerned: it never prints a line of
this file, only the path and line number where a port variable was set."""

from __future__ import annotations

import re

from portlint.records import FrozenRecord

#: The value is stripped after the match: `(.*?)\s*$` backtracks over every run of spaces
#: inside a value, quadratic in a long line.
_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


class EnvValue(FrozenRecord):
    value: str
    line: int


def parse_dotenv(text: str) -> dict[str, EnvValue]:
    values: dict[str, EnvValue] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            continue
        name, raw = match.group(1), match.group(2).rstrip()
        number = index
        if raw[:1] in ("'", '"'):
            quote = raw[0]
            # A quoted value may span lines until its closing quote: each line is looked
            # at once (an unclosed quote before N lines costs N steps, not N squared).
            parts = [raw[1:]]
            while not _closes(parts[-1], quote) and index < len(lines):
                parts.append(lines[index])
                index += 1
            body = "\n".join(parts)
            end = _closing_quote(body, quote)
            value = body[:end] if end >= 0 else body
            if quote == '"':
                value = value.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")
        elif raw.startswith("#") and line[match.start(2) - 1].isspace():
            value = ""  # `PORT= # comment`: the comment follows an empty value
        else:
            value = _INLINE_COMMENT.split(raw, maxsplit=1)[0].strip()
        values[name] = EnvValue(value, number)
    return values


#: `#` after whitespace starts a comment (a lookbehind: `\s+#` is quadratic in a long
#: run of spaces with no `#` after it).
_INLINE_COMMENT = re.compile(r"(?<=\s)#")


def _closes(line: str, quote: str) -> bool:
    """Whether a line of a quoted value holds its (unescaped) closing quote."""
    return quote in line.replace("\\" + quote, "")


def _closing_quote(body: str, quote: str) -> int:
    escaped = False
    for i, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\" and quote == '"':
            escaped = True
        elif char == quote:
            return i
    return -1
