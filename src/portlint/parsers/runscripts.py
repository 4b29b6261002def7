"""Shell scripts and Makefiles: the ports `docker run -p` / `podman run --publish`
commands publish on the host (`portlint.flags.docker_run`).

Each command's container is one owner, `script:<path>/<name>` (its `--name`, else its
image, else its line), publishing on the host like a Compose port. A script often
offers several ways to start the same service; their owners differ, so two scripts that
publish one port are reported as a collision only if they run on one host.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.source import SourceFile

if TYPE_CHECKING:
    from portlint.flags.words import Word

FORMAT = "script"


class RunScriptParser:
    format = FORMAT

    def matches(self, path: Path) -> bool:
        name = path.name
        return path.suffix in (".sh", ".bash", ".mk") or name in (
            "Makefile",
            "makefile",
            "GNUmakefile",
        )

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        if "run" not in source.text or (
            "docker" not in source.text and "podman" not in source.text
        ):
            return result
        from portlint.flags.words import Word, split_commands

        for offsets, line in _logical_lines(source):
            fallback = source.location(offsets[0], offsets[0] + 1)
            for command in split_commands(Word(line, source, offsets, fallback)):
                add_publishes(result, source, command)
        return result


def _logical_lines(source: SourceFile) -> Iterator[tuple[tuple[int, ...], str]]:
    """Lines holding `docker`/`podman` (backslash continuations joined), with each
    character's offset in the file."""
    text = source.text
    at = 0
    while at < len(text) and at != -1:
        chars: list[str] = []
        offsets: list[int] = []
        while True:
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            body = text[at:end].rstrip("\r")
            continued = body.endswith("\\")
            body = body[:-1] if continued else body
            chars.extend(body)
            offsets.extend(range(at, at + len(body)))
            at = end + 1
            if not continued or at >= len(text):
                break
            chars.append(" ")
            offsets.append(end)
        line = "".join(chars)
        if line and ("docker" in line or "podman" in line):
            yield tuple(offsets), line


def add_publishes(result: ParseResult, source: SourceFile, command: list[Word]) -> None:
    """Bindings (or PL002s) for the `-p` mappings of one simple command."""
    from portlint.flags.docker_run import publishes
    from portlint.parsers.hostconf import is_templated
    from portlint.parsers.publish import add_host_publish

    for publish in publishes(command):
        value = publish.value
        if not value or is_templated(value):
            continue
        subject = publish.name or publish.image.rsplit("/", 1)[-1].split(":", 1)[0] or "?"
        add_host_publish(
            result,
            value,
            publish.word.span,
            publish.at,
            "docker run -p",
            image=publish.image or None,
            name=publish.name or None,
            owner=f"script:{source.display}/{subject}",
            format=FORMAT,
            label=f"container {subject!r} (docker run)",
            source="docker run -p",
        )


PARSERS = [RunScriptParser()]
