"""systemd `.service` units: listen ports their `ExecStart=` command line sets
(`ExecStart=/usr/bin/prometheus --web.listen-address=:9091`), read by `portlint.flags`,
and the ports a `docker run -p` / `podman run -p` there publishes.

The process runs on the host, so each port is a host listener owned by the unit
(`systemd:<path>`), named after the unit (`prometheus` for `prometheus.service`).
Continuation lines (a trailing backslash) are joined, keeping each character's place.
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import HostBindings, Listener
from portlint.source import SourceFile

_EXEC = re.compile(r"^[ \t]*ExecStart[ \t]*=[ \t]*", re.MULTILINE)


class SystemdServiceParser:
    format = "systemd"

    def matches(self, path: Path) -> bool:
        return path.suffix == ".service"

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        from portlint.flags.sources import exec_line_reading
        from portlint.flags.words import Word

        identity = source.path.name.rsplit(".", 1)[0].rstrip("@")
        out = HostBindings(source, ctx, "systemd", identity, f"systemd:{source.display}")
        text = source.text
        section = ""
        for match in re.finditer(r"^[ \t]*\[([^\]\n]*)\][ \t]*$|" + _EXEC.pattern, text, re.M):
            if match.group(1) is not None:
                section = match.group(1)
                continue
            if section != "Service":
                continue
            chars: list[str] = []
            offsets: list[int] = []
            at = match.end()
            while at < len(text):
                end = text.find("\n", at)
                end = len(text) if end == -1 else end
                line = text[at:end].rstrip("\r")
                continued = line.endswith("\\")
                body = line[:-1] if continued else line
                chars.extend(body)
                offsets.extend(range(at, at + len(body)))
                if not continued:
                    break
                chars.append(" ")
                offsets.append(end)
                at = end + 1
            if not chars:
                continue
            fallback = source.location(match.end(), offsets[-1] + 1)
            word = Word("".join(chars), source, tuple(offsets), fallback)
            reading = exec_line_reading(word)
            for port in reading.ports:
                made = out.add(Listener(port.port, port.location, port.protocol, port.address))
                made.source = port.source_text()
            for problem in reading.problems:
                out.diagnostic("PL002", problem.message, problem.location, key=problem.key)
            if "run" in word.text:  # `ExecStart=/usr/bin/docker run -p 80:80 nginx`
                from portlint.flags.words import split_commands
                from portlint.parsers.runscripts import add_publishes

                for command in split_commands(word):
                    add_publishes(out.result, source, command)
        return out.result


PARSERS = [SystemdServiceParser()]
