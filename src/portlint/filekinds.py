"""Files that look like configs but are not checked as one: templates of other engines,
files of other tools under familiar names, and unparsable files no parser would claim.

Discovery asks `special_parser` before the parsers' own name matching; the engine asks
`unparsable` what a YAML/JSON file that does not parse is: a template (PL007 info), a
file a parser claims by name or by confident content (PL001), or nothing portlint reads
(not reported, not counted).
"""

from __future__ import annotations

import os
import re
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.model import Diagnostic, ParseResult
from portlint.source import Location, SourceFile

if TYPE_CHECKING:
    from portlint.parsers import ParseContext, Registry

#: Suffixes of template engines portlint does not render, with the engine's name.
TEMPLATE_SUFFIXES = {
    ".j2": "Jinja",
    ".jinja": "Jinja",
    ".jinja2": "Jinja",
    ".tmpl": "Go template",
    ".tpl": "Go template",
}
_DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".toml")
#: fail2ban's filter and action definitions are named after the services they watch
#: (filter.d/nginx-http-auth.conf) but are fail2ban's own INI files.
_FOREIGN_DIRECTORIES = frozenset({"filter.d", "action.d", "jail.d"})
#: A Go template action ({{ env "X" }}, {{ .Env.PORT }}, {{- if }}, {{/* */}}) as
#: Traefik, gomplate and Helm write them.
_GO_ACTION = re.compile(r"\{\{-?\s*(?:\.|\$|/\*|[a-zA-Z_]+\b[^}]*)\}?\}")
#: Top-level keys that make a YAML file one a parser would claim even when it does not
#: parse: Compose, Kubernetes, Envoy and Traefik.
_CONFIDENT = re.compile(r"^(?:services|apiVersion|static_resources|entryPoints)\s*:", re.M)
#: Directories not walked by default (`default-exclude` in the config replaces the list):
#: Go's testdata/ (ignored by the Go tool itself) and test fixture trees, whose files are
#: deliberately broken or unrelated samples. Matched below the scanned root only, so a
#: fixture directory named on the command line is still checked.
DEFAULT_EXCLUDE = (
    "**/testdata/**",
    "**/test/fixtures/**",
    "**/tests/fixtures/**",
    "**/__fixtures__/**",
)
_COMPOSE_NAME = re.compile(r"^(?:docker-)?compose(?:[.-][\w.-]*)?\.ya?ml$", re.I)


class _Skip:
    """Marker: discovery skips the file."""


SKIP = _Skip()


class TemplateFile:
    """A config template of an engine portlint does not run: one PL007, never PL001."""

    format = "template"

    def matches(self, path: Path) -> bool:
        return template_engine(path) is not None

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        engine = template_engine(source.path) or "template"
        return ParseResult(diagnostics=[template_note(source.display, engine)])


TEMPLATE_FILE = TemplateFile()


def template_note(display: str, engine: str, where: Location | None = None) -> Diagnostic:
    return Diagnostic(
        "PL007",
        f"{engine} file not rendered, so its ports are not checked: render it and check "
        "the output (`... | portlint check -`)",
        where or Location.point(display, 1),
        key=f"template:{display}",
    )


def name_suffix(name: str) -> str:
    """A file name's suffix by pathlib's rule (`.yaml` alone has none), without building
    a path or calling its properties (asked of every discovered file)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def template_engine(path: Path) -> str | None:
    """The engine a file is a template of, by name: `*.j2`, `*.tmpl`, `*.template.yaml`."""
    name = path.name.lower()
    suffix = name_suffix(name)
    if suffix in TEMPLATE_SUFFIXES:
        return TEMPLATE_SUFFIXES[suffix]
    if ".template." in name and name.endswith(_DOCUMENT_SUFFIXES):
        return "template"
    return None


def special_parser(path: Path, registry: Registry) -> TemplateFile | _Skip | None:
    """SKIP, the template note, or None (the parsers decide) for a discovered file."""
    if path.parent.name in _FOREIGN_DIRECTORIES:
        return SKIP
    engine = template_engine(path)
    if engine is None:
        return None
    inner = path.with_suffix("") if path.suffix.lower() in TEMPLATE_SUFFIXES else path
    if ".template." in inner.name.lower() or inner.suffix.lower() in _DOCUMENT_SUFFIXES:
        return TEMPLATE_FILE
    if any(parser.matches(inner) for parser in registry.text):
        return TEMPLATE_FILE
    return SKIP  # a template of something portlint does not read (README.md.tmpl)


def has_go_template(text: str) -> bool:
    return "{{" in text and _GO_ACTION.search(text) is not None


_BLOCK_ACTION = re.compile(r"^[ \t]*\{\{", re.M)


def _breaking_action(source: SourceFile, error: Location) -> Location | None:
    """The template action that makes the file unparsable: one on a line of its own
    (`{{- if }}`, Helm's and gomplate's blocks), or one on the error's line before the
    error (Traefik's `"...{{env "X"}}"`); None when the actions sit harmlessly in
    strings for a tool's own runtime templating (Alertmanager's `'{{ template }}'`)."""
    if not has_go_template(source.text):
        return None
    block = _BLOCK_ACTION.search(source.text)
    if block is not None:
        start = block.end() - 2
        match = _GO_ACTION.match(source.text, start)
        return source.location(start, match.end() if match else start + 2)
    line = source.line_text(error.line)
    for match in _GO_ACTION.finditer(line):
        if match.start() + 1 <= error.column:
            return Location.point(
                source.display, error.line, match.start() + 1, match.end() - match.start()
            )
    return None


def template_instead(source: SourceFile, error: Location) -> Diagnostic | None:
    """The PL007 note for a file that does not parse because it is a Go template (a
    template action breaks it at or before `error`), else None: any config format."""
    action = _breaking_action(source, error)
    return None if action is None else template_note(source.display, "Go template", action)


def unparsable(source: SourceFile, error: Diagnostic) -> Diagnostic | None:
    """What a YAML/JSON file that does not parse is reported as (see module docstring)."""
    note = template_instead(source, error.location)
    if note is not None:
        return note
    if _COMPOSE_NAME.match(source.path.name) or _CONFIDENT.search(source.text):
        return error
    return None


def default_excluded(relative_directory: str, patterns: tuple[str, ...] | list[str]) -> bool:
    """Whether a directory (posix path below the scanned root) matches a default
    exclude: `**/testdata/**` matches `testdata` and `a/b/testdata`."""
    text = f"/{relative_directory.strip('/')}/"
    for pattern in patterns:
        glob = "*/" + pattern.removeprefix("**/").lstrip("/")
        if fnmatchcase(text, glob if glob.endswith("*") else glob + "*"):
            return True
    return False


def is_snapshot_link(link: Path) -> bool:
    """An absolute link into /etc: what a copied /etc tree holds (`sites-enabled/default
    -> /etc/nginx/sites-available/default`). Any other link that leaves the scanned roots
    is a PL001 at the link (portlint.discover), never followed."""
    try:
        return os.readlink(link).startswith("/etc/")
    except (OSError, ValueError):
        return False


def snapshot_target(link: Path, root: Path) -> Path | _Skip | None:
    """Where an absolute symlink inside a copied tree (an /etc snapshot:
    `sites-enabled/default -> /etc/nginx/sites-available/default`) points within the
    copy: the target under the nearest directory at or above the link, up to the
    scanned root, where it exists; SKIP when it exists under none (never the machine's
    own /etc). None for a relative link or not a link: the caller follows it as usual."""
    try:
        target = os.readlink(link)
    except (OSError, ValueError):
        return None
    if not os.path.isabs(target):
        return None
    relative = target.lstrip("/")
    top = os.path.abspath(root)
    directory = os.path.dirname(os.path.abspath(link))
    while True:
        candidate = os.path.join(directory, relative)
        if os.path.isfile(candidate) and not os.path.islink(candidate):
            return Path(candidate)
        if directory == top or len(directory) <= len(top):
            return SKIP
        directory = os.path.dirname(directory)
