"""Command words with the place each character is written, so a flag's value is reported
at its own columns: words of an exec-form list (a YAML sequence, a Dockerfile JSON array)
and words split from a shell string (`sh -c "..."`, Compose's string `command:`, shell-form
`CMD`, systemd `ExecStart=`).

The shell split is deliberately small (quotes, backslashes, `;` `&&` `||` `|` `&` and
newlines between commands): enough to find `program --flag value` in the commands people
write, never an interpreter. Anything it cannot follow stays one word and is not read.
"""

from __future__ import annotations

from portlint.records import Record
from portlint.source import Location, SourceFile


class Word(Record):
    """One argument: its text and, per character, its offset in `source.text` (None: not
    written verbatim, e.g. a folded YAML scalar; `fallback` is then the whole value)."""

    text: str
    source: SourceFile
    offsets: tuple[int, ...] | None
    fallback: Location

    def span(self, start: int, end: int) -> Location:
        """Where text[start:end] is written (the whole word's place when unknown)."""
        offsets = self.offsets
        if offsets is None or not 0 <= start < end <= len(offsets):
            return self.fallback
        first, last = offsets[start], offsets[end - 1] + 1
        location = self.source.location(first, last)
        return location if location.line == location.end_line else self.fallback


def verbatim(text: str, source: SourceFile, start: int | None, fallback: Location) -> Word:
    """A word written as-is from offset `start` (None: its characters' places are unknown)."""
    offsets = None if start is None else tuple(range(start, start + len(text)))
    return Word(text, source, offsets, fallback)


_OPERATORS = ("&&", "||", ";", "|", "&", "\n")


def split_commands(word: Word) -> list[list[Word]]:
    """A shell string cut into simple commands of words (quotes removed, each character
    keeping its offset)."""
    text, offsets = word.text, word.offsets
    commands: list[list[Word]] = [[]]
    chars: list[str] = []
    places: list[int] = []
    started = False
    quote = ""
    i = 0

    def flush() -> None:
        nonlocal chars, places, started
        if started:
            kept = tuple(places) if offsets is not None else None
            commands[-1].append(Word("".join(chars), word.source, kept, word.fallback))
        chars, places, started = [], [], False

    def keep(index: int) -> None:
        chars.append(text[index])
        places.append(offsets[index] if offsets is not None else 0)

    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and i + 1 < len(text) and text[i + 1] in '"\\$`':
                i += 1
                keep(i)
            else:
                keep(i)
            i += 1
            continue
        if char in "'\"":
            quote, started = char, True
            i += 1
            continue
        if char == "\\" and i + 1 < len(text):
            if text[i + 1] == "\n":  # a line continuation
                i += 2
                continue
            keep(i + 1)
            started = True
            i += 2
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            flush()
            if commands[-1]:
                commands.append([])
            i += len(operator)
            continue
        if char in " \t\r":
            flush()
            i += 1
            continue
        if char == "#" and not started:
            end = text.find("\n", i)
            i = len(text) if end == -1 else end
            continue
        keep(i)
        started = True
        i += 1
    flush()
    return [command for command in commands if command]
