"""PL001-PL005: problems parsers find in the text itself (parse errors, invalid ports,
unresolved variables, base-60 mappings, invalid port names)."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding, Severity
from portlint.model import Model
from portlint.options import Options
from portlint.rules import check


def _diagnostics(model: Model, rule_id: str) -> Iterator[Finding]:
    # one text read by two owners (a Dockerfile scanned and also built by a Compose
    # service) gives the same problem twice: say it once
    said: set[tuple[str, object]] = set()
    for diagnostic in model.diagnostics:
        if diagnostic.rule == rule_id:
            seen = (diagnostic.message, diagnostic.location)
            if seen in said:
                continue
            said.add(seen)
            severity = Severity(diagnostic.severity) if diagnostic.severity else None
            yield Finding(
                rule_id,
                diagnostic.message,
                diagnostic.location,
                severity=severity,
                key=diagnostic.key,
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
