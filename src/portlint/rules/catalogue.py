"""The rule catalogue: stable IDs, kebab-case names, default severities, one-line summaries.

IDs are a contract (DESIGN.md): never reuse or renumber one. Checks register against an
ID with `portlint.rules.check`; several modules may contribute checks to one rule (PL101
has Compose, host and Kubernetes parts).
"""

from __future__ import annotations

from portlint.findings import Severity
from portlint.records import FrozenRecord


class RuleInfo(FrozenRecord):
    id: str
    name: str
    default: Severity | None  # None: off by default
    summary: str


_W, _E, _OFF = Severity.WARNING, Severity.ERROR, None

CATALOGUE: tuple[RuleInfo, ...] = (
    RuleInfo("PL001", "parse-error", _E, "A file cannot be read or parsed"),
    RuleInfo("PL002", "invalid-port", _E, "A port number or range is not valid"),
    RuleInfo("PL003", "unresolved-variable", Severity.INFO, "A variable in a port has no value"),
    RuleInfo("PL004", "yaml-base60-port", _E, "An unquoted port mapping YAML 1.1 reads as base 60"),
    RuleInfo("PL005", "invalid-port-name", _E, "A Kubernetes port name is not an IANA_SVC_NAME"),
    RuleInfo(
        "PL006", "duplicate-port-name", _E, "Two ports or containers of one object share a name"
    ),
    RuleInfo(
        "PL007",
        "unrendered-template",
        Severity.INFO,
        "A template or chart portlint could not render",
    ),
    RuleInfo("PL101", "port-collision", _E, "Two owners bind overlapping sockets"),
    RuleInfo("PL102", "replicated-host-port", _E, "A fixed host port on a replicated service"),
    RuleInfo("PL103", "duplicate-port", _W, "The same port declared twice by one owner"),
    RuleInfo(
        "PL104", "duplicate-object", _W, "One Kubernetes object defined twice with different ports"
    ),
    RuleInfo(
        "PL105", "host-socket-taken", _E, "A process outside the tree already holds a host port"
    ),
    RuleInfo("PL201", "privileged-host-port", _W, "A container engine publishes a port below 1024"),
    RuleInfo("PL202", "privileged-port-non-root", _W, "A non-root container listens below 1024"),
    RuleInfo("PL301", "registered-port-clash", _W, "A port registered to a different service"),
    RuleInfo("PL302", "ephemeral-port", _W, "A fixed listening port in the ephemeral range"),
    RuleInfo("PL303", "nodeport-range", _E, "A nodePort outside, or a hostPort inside, the range"),
    RuleInfo("PL304", "policy-range", _E, "A port outside the owner's allotted range"),
    RuleInfo("PL305", "forbidden-port", _E, "A port a policy forbids"),
    RuleInfo("PL401", "unknown-target-port", _E, "A Service targetPort no container declares"),
    RuleInfo("PL402", "unknown-probe-port", _E, "A probe names a port its container lacks"),
    RuleInfo("PL403", "unknown-backend-port", _E, "An Ingress backend port its Service lacks"),
    RuleInfo("PL404", "unnamed-service-port", _E, "A multi-port Service has an unnamed port"),
    RuleInfo(
        "PL405", "port-not-served", _W, "A declared port the process's own flags do not serve"
    ),
    RuleInfo(
        "PL501", "sensitive-port-exposed", _W, "A database, cache or admin port on all interfaces"
    ),
    RuleInfo("PL502", "unbound-interface", _OFF, "A published port without a host IP"),
)

BY_ID: dict[str, RuleInfo] = {info.id: info for info in CATALOGUE}
BY_NAME: dict[str, RuleInfo] = {info.name: info for info in CATALOGUE}


def lookup(code_or_name: str) -> RuleInfo | None:
    """A rule by ID (any case) or name."""
    return BY_ID.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def expand(selectors: list[str]) -> set[str]:
    """Rule IDs matched by codes, prefixes ("PL1", "PL") or names."""
    ids: set[str] = set()
    for selector in selectors:
        info = BY_NAME.get(selector.lower())
        if info:
            ids.add(info.id)
            continue
        prefix = selector.upper()
        matched = {rid for rid in BY_ID if rid.startswith(prefix)}
        if not matched:
            raise ValueError(f"unknown rule or prefix: {selector!r}")
        ids |= matched
    return ids
