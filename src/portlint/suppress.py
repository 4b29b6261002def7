"""Suppressions: spans of lines (or whole files) where named rules are silenced.

Comment forms, in YAML and every service-config format with `#` comments:

    ports: ["8080:80"]  # portlint: disable=PL101,registered-port-clash
    # portlint: disable-next-line=PL101
    # portlint: disable-file=PL301

Rules are named by ID or name, separated by commas; text after them is a free reason.
`disable-next-line` applies to the next line that is not blank or a comment. Parsers add
the suppressions they know structurally (Kubernetes annotations) to
`ParseResult.suppressions`. A name that is no rule is a warning (`unknown_rule_notices`,
printed on stderr and listed in SARIF), never a finding; with
`--report-unused-suppressions` each name that silenced nothing becomes a warning finding
of the rule it names (`unused_findings`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from portlint.findings import Finding, Severity
from portlint.model import Suppression
from portlint.options import Options
from portlint.records import FrozenRecord
from portlint.rules.catalogue import BY_ID, CATALOGUE, lookup
from portlint.source import Location, SourceFile

#: `#` starts a comment at the start of a line or after whitespace (YAML's rule).
_DIRECTIVE = re.compile(
    r"(?:^|(?<=\s))#\s*portlint:\s*(?P<kind>disable-next-line|disable-file|disable)\b"
    r"(?:\s*=\s*(?P<names>[\w-]+(?:\s*,\s*[\w-]+)*))?",
    re.M,
)
_NAME = re.compile(r"[\w-]+")
_NO_COMMENTS = (".json",)


class Notice(FrozenRecord):
    """A problem with a suppression itself, shown as a warning line (not a finding)."""

    location: Location
    message: str

    def text(self) -> str:
        """One line for stderr, control characters of the path escaped (a CI log line)."""
        from portlint.report.text import escape

        loc = self.location
        return escape(f"{loc.path}:{loc.line}:{loc.column}: {self.message}")


def apply(
    findings: list[Finding],
    suppressions: list[Suppression],
    sources: dict[str, SourceFile],
    options: Options,
) -> tuple[list[Finding], list[Suppression]]:
    """Findings not suppressed, and every suppression (one rule name each, `used` set)."""
    every = _split([*suppressions, *comment_suppressions(sources.values())])
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    spans: dict[str, list[Suppression]] = {}
    for suppression in every:
        if suppression.first_line == suppression.last_line:  # a line, or 0: the whole file
            by_line.setdefault((suppression.path, suppression.first_line), []).append(suppression)
        else:  # a span from a parser (a Kubernetes object's annotation)
            spans.setdefault(suppression.path, []).append(suppression)
    kept = []
    for finding in findings:
        path = finding.location.path
        candidates = [
            *by_line.get((path, 0), ()),
            *by_line.get((path, finding.location.line), ()),
            *spans.get(path, ()),
        ]
        if not _suppressed(finding, candidates):
            kept.append(finding)
    return kept, every


def comment_suppressions(sources: Iterable[SourceFile]) -> list[Suppression]:
    """Every `# portlint:` directive in the given files, one Suppression per rule name."""
    found: list[Suppression] = []
    for source in sources:
        if not source.mentions_portlint or source.display.lower().endswith(_NO_COMMENTS):
            continue
        found.extend(_scan(source))
    return found


def _scan(source: SourceFile) -> list[Suppression]:
    found: list[Suppression] = []
    lines = source.text.splitlines()
    next_code: list[int] | None = None
    for match in _DIRECTIVE.finditer(source.text):
        line, _ = source.offset_to_position(match.start())
        kind = match.group("kind")
        if kind == "disable-file":
            first = last = 0
        elif kind == "disable-next-line":
            if next_code is None:
                next_code = _next_code_lines(lines)
            first = last = next_code[line] if line < len(next_code) else line + 1
        else:
            first = last = line
        names = match.group("names")
        if names is None:  # `# portlint: disable` naming no rule silences nothing
            location = source.location(match.start(), match.end())
            found.append(Suppression(source.display, first, last, frozenset(), location))
            continue
        start = match.start("names")
        for name in _NAME.finditer(names):
            location = source.location(start + name.start(), start + name.end())
            found.append(
                Suppression(source.display, first, last, frozenset({name.group()}), location)
            )
    return found


def _next_code_lines(lines: list[str]) -> list[int]:
    """For each 1-based line number, the first later line that is neither blank nor only a
    comment (line + 1 when there is none): one backward pass, so N consecutive
    `disable-next-line` comments cost N steps, not N squared."""
    found = [0] * (len(lines) + 1)
    following = 0
    for number in range(len(lines), 0, -1):
        found[number] = following or number + 1
        stripped = lines[number - 1].strip()
        if stripped and not stripped.startswith("#"):
            following = number
    found[0] = following or 1
    return found


def _split(suppressions: list[Suppression]) -> list[Suppression]:
    """One rule name per suppression, so usage is tracked per name."""
    single: list[Suppression] = []
    for suppression in suppressions:
        if len(suppression.rules) <= 1:
            single.append(suppression)
            continue
        for name in sorted(suppression.rules):
            single.append(suppression.replace(rules=frozenset({name}), used=False))
    return single


def _suppressed(finding: Finding, suppressions: Iterable[Suppression]) -> bool:
    hit = False
    for suppression in suppressions:
        whole_file = suppression.first_line == 0
        if not whole_file and not (
            suppression.first_line <= finding.location.line <= suppression.last_line
        ):
            continue
        if _names_rule(suppression, finding.rule):
            suppression.used = True
            hit = True
    return hit


def _names_rule(suppression: Suppression, rule_id: str) -> bool:
    for name in suppression.rules:
        info = lookup(name)
        if info is not None and info.id == rule_id:
            return True
    return False


def unknown_rule_notices(suppressions: Iterable[Suppression]) -> list[Notice]:
    """A warning for each suppression naming something that is not a rule."""
    notices: list[Notice] = []
    for suppression in suppressions:
        if suppression.location is None:
            continue
        if not suppression.rules:
            notices.append(
                Notice(suppression.location, "suppression names no rule (use disable=PLxxx)")
            )
        for name in sorted(suppression.rules):
            if lookup(name) is None:
                hint = _closest(name)
                message = f"unknown rule {name!r} in suppression"
                notices.append(
                    Notice(
                        suppression.location, message + (f"; did you mean {hint}?" if hint else "")
                    )
                )
    notices.sort(key=lambda n: (n.location, n.message))
    return notices


def _closest(name: str) -> str | None:
    import difflib

    candidates = [info.id for info in CATALOGUE] + [info.name for info in CATALOGUE]
    match = difflib.get_close_matches(
        name.upper() if name[:2].lower() == "pl" else name.lower(), candidates, n=1, cutoff=0.6
    )
    return match[0] if match else None


def unused_findings(suppressions: Iterable[Suppression], options: Options) -> list[Finding]:
    """A warning finding, of the rule it names, for each suppression that silenced nothing.

    Suppressions of rules that are not enabled in this run are not reported: they may
    matter in another configuration.
    """
    produced: list[Finding] = []
    for suppression in suppressions:
        if suppression.used or suppression.location is None or len(suppression.rules) != 1:
            continue
        info = lookup(next(iter(suppression.rules)))
        if info is None or info.id not in options.enabled:
            continue
        scope = _scope_text(suppression)
        produced.append(
            Finding(
                info.id,
                f"unused suppression: no {info.id} ({BY_ID[info.id].name}) finding {scope} "
                "to disable; remove it",
                suppression.location,
                severity=Severity.WARNING,
                key=f"unused-suppression:{suppression.first_line == 0}",
            )
        )
    return produced


def _scope_text(suppression: Suppression) -> str:
    if suppression.first_line == 0:
        return "in this file"
    if suppression.first_line == suppression.last_line:
        return f"on line {suppression.first_line}"
    return f"on lines {suppression.first_line}-{suppression.last_line}"
