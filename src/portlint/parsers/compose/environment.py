"""A Compose project's environment: the `.env` it interpolates from (an included file's
own env files fill in what the including project leaves unset), `${VAR}` resolved in the
values portlint reads, and the PL003 notes for variables that have none.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from portlint.env_examples import Documented
from portlint.model import Diagnostic, ParseResult
from portlint.numbers import parse_int
from portlint.parsers import ParseContext
from portlint.parsers.dotenv import EnvValue, parse_dotenv
from portlint.parsers.interpolation import Interpolated, interpolate
from portlint.source import SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    is_null,
    items,
    location,
)

#: "6060:6060", "8000-8010:80/udp": what is left of a mapping whose address was unset.
_HOST_AND_CONTAINER = re.compile(r"\d+(?:-\d+)?:\d+(?:-\d+)?(?:/[a-z]+)?")


class ProjectEnvironment:
    """The interpolation half of `Project` (portlint.parsers.compose.project)."""

    ctx: ParseContext
    key: str
    directory: Path
    documents: list[YamlDocument]
    result: ParseResult
    env: dict[str, EnvValue]
    env_file: SourceFile | None
    env_values: dict[str, str]
    #: display path of an included file -> the variables it interpolates with
    file_env: dict[str, dict[str, str]]
    _documented: Documented | None

    def env_for(self, source: SourceFile) -> dict[str, str]:
        return self.file_env.get(source.display, self.env_values)

    def _load_env(self) -> tuple[dict[str, EnvValue], SourceFile | None]:
        env: dict[str, EnvValue] = {}
        source = self.ctx.read(self.directory / ".env") if self.ctx.read else None
        if source is not None:
            source.secret = True
            env = parse_dotenv(source.text)
        if self.ctx.options.env_from_shell:
            env.update({k: EnvValue(v, 0) for k, v in os.environ.items()})
        return env, source

    def interpolate(self, source: SourceFile, node: ScalarNode) -> Interpolated | None:
        """The node's value with variables resolved; None (and PL003) when one has none."""
        text = node.value
        if "$" not in text:
            return Interpolated(text)
        env = self.env_for(source)
        result = interpolate(text, env)
        if result.missing or result.errors:
            names = ", ".join(dict.fromkeys(result.missing)) or "a variable"
            assumed = None if result.errors else self._assumed(text, result.missing)
            if assumed is not None:
                values, files = assumed
                self.result.diagnostics.append(
                    Diagnostic(
                        "PL003",
                        f"{names} has no value in .env: the port {text!r} is checked with "
                        f"{values} as {files} documents it",
                        location(source, node),
                        key=f"{self.key}:{text}",
                    )
                )
                return interpolate(text, {**self.documented().defaults(), **env})
            detail = f" ({'; '.join(result.errors)})" if result.errors else ""
            where = f"in {self.env_file.display}" if self.env_file else "in a .env file"
            self.result.diagnostics.append(
                Diagnostic(
                    "PL003",
                    f"{names} has no value{detail}: the port {text!r} cannot be checked; "
                    f"set it {where} or give a default (${{VAR:-8080}})",
                    location(source, node),
                    key=f"{self.key}:{text}",
                    # documented nowhere: a note; a broken `${VAR:?}` or syntax: a warning
                    severity="warning" if result.errors else "",
                )
            )
            return None
        return result

    def without_unset_address(self, source: SourceFile, node: ScalarNode) -> str | None:
        """`"${IP}:6060:6060"` with IP unset and documented nowhere: "6060:6060", the
        mapping without its address (and a PL003 note); None for any other text."""
        text = node.value
        env = self.env_for(source)
        result = interpolate(text, env)
        if not result.missing or result.errors:
            return None
        missing = list(dict.fromkeys(result.missing))
        if self.documented().assumed(missing) is not None:
            return None
        blank = interpolate(text, {**env, **{name: "" for name in missing}})
        rest = blank.value[1:]
        if blank.missing or blank.errors or not blank.value.startswith(":"):
            return None
        if not _HOST_AND_CONTAINER.fullmatch(rest.strip()):
            return None  # a port was unset too: nothing to check
        self.result.diagnostics.append(
            Diagnostic(
                "PL003",
                f"{', '.join(missing)} has no value: the address of {text!r} is unknown, so "
                "its port is checked as published on an unknown address",
                location(source, node),
                key=f"{self.key}:{text}",
            )
        )
        return rest

    def documented(self) -> Documented:
        """Values the repository documents (example env files, `env_file:`), read once."""
        if self._documented is None:
            env_files = [
                name
                for document in self.documents
                for _, _, service in items(get(document.node, "services"))
                for name in _env_file_names(get(service, "env_file"))
            ]
            self._documented = Documented(
                self.directory, env_files, self.ctx.read, self.ctx.inside_roots
            )
        return self._documented

    def _assumed(self, text: str, missing: list[str]) -> tuple[str, str] | None:
        """("API_PORT=8080", ".env.example") when every missing variable is documented."""
        found = self.documented().assumed(list(dict.fromkeys(missing)))
        if not found:
            return None
        values = ", ".join(f"{name}={value}" for name, (value, _) in found.items())
        files = ", ".join(dict.fromkeys(file for _, file in found.values()))
        return values, files

    def scalar_text(self, source: SourceFile, node: Node | None) -> str | None:
        if not isinstance(node, ScalarNode) or is_null(node):
            return None
        if "$" not in node.value:
            return node.value
        resolved = interpolate(node.value, self.env_for(source))
        return None if resolved.missing or resolved.errors else resolved.value

    def _int_value(self, source: SourceFile, node: Node | None) -> int | None:
        text = self.scalar_text(source, node)
        return parse_int(text) if text is not None else None


def _env_file_names(node: Node | None) -> list[str]:
    """`env_file: a.env`, `[a.env, b.env]` or `[{path: a.env}]`."""
    entries = node.value if isinstance(node, SequenceNode) else [node]
    names = []
    for entry in entries:
        if isinstance(entry, MappingNode):
            entry = get(entry, "path")
        if isinstance(entry, ScalarNode) and entry.value and "$" not in entry.value:
            names.append(entry.value)
    return names
