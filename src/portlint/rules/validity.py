"""PL001-PL005: problems parsers find in the text itself (parse errors, invalid ports,
unresolved variables, base-60 mappings, invalid port names)."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding, Related, Severity
from portlint.model import MISSING_PACKAGE, Diagnostic, Model
from portlint.options import Options
from portlint.rules import check

#: Files of a missing package's format listed as related locations, at most.
MAX_RELATED_FILES = 10


def _diagnostics(model: Model, rule_id: str) -> Iterator[Finding]:
    # one text read by two owners (a Dockerfile scanned and also built by a Compose
    # service) gives the same problem twice: say it once
    said: set[tuple[str, object]] = set()
    missing: dict[str, list[Diagnostic]] = {}
    for diagnostic in model.diagnostics:
        if diagnostic.rule == rule_id:
            seen = (diagnostic.message, diagnostic.location)
            if seen in said:
                continue
            said.add(seen)
            if diagnostic.key.startswith(MISSING_PACKAGE):
                missing.setdefault(diagnostic.key, []).append(diagnostic)
                continue
            severity = Severity(diagnostic.severity) if diagnostic.severity else None
            yield Finding(
                rule_id,
                diagnostic.message,
                diagnostic.location,
                severity=severity,
                key=diagnostic.key,
            )
    for diagnostics in missing.values():
        yield _missing_package(rule_id, diagnostics)


def _missing_package(rule_id: str, diagnostics: list[Diagnostic]) -> Finding:
    """One finding for every file a missing package left unchecked: at the first of them
    (in path order, however the files were split between processes), the others its
    related locations (the first ten)."""
    ordered = sorted(diagnostics, key=lambda d: (d.location.path, d.location.line))
    first, others = ordered[0], ordered[1:]
    message = first.message
    if others:
        listed = (
            f"the first {MAX_RELATED_FILES} others"
            if len(others) > MAX_RELATED_FILES
            else "the others"
        )
        message += f"; {len(ordered)} files are not checked: this one, and {listed} listed"
    related = [Related(d.location, "not checked either") for d in others[:MAX_RELATED_FILES]]
    severity = Severity(first.severity) if first.severity else None
    return Finding(
        rule_id, message, first.location, severity=severity, related=related, key=first.key
    )


@check("PL001")
def parse_errors(model: Model, options: Options) -> Iterator[Finding]:
    return _diagnostics(model, "PL001")


@check("PL002")
def invalid_ports(model: Model, options: Options) -> Iterator[Finding]:
    return _diagnostics(model, "PL002")


@check("PL003")
def unresolved_variables(model: Model, options: Options) -> Iterator[Finding]:
    return _diagnostics(model, "PL003")


@check("PL004")
def base60_ports(model: Model, options: Options) -> Iterator[Finding]:
    return _diagnostics(model, "PL004")


@check("PL005")
def invalid_port_names(model: Model, options: Options) -> Iterator[Finding]:
    return _diagnostics(model, "PL005")
