"""PL301-PL305: ports that sit in a range meaning something else — registered to other
software, the kernel's ephemeral range, the NodePort range, an organisation's allotments,
or forbidden by policy. The ranges are data (`Options.policy`); the checks are here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.findings import Finding, Severity
from portlint.freeports import UsedPorts
from portlint.hostsockets import ranges_note
from portlint.model import HOST_FACING, Binding, Model, Role
from portlint.options import Options, PortSpan
from portlint.rules import check
from portlint.source import display_path

if TYPE_CHECKING:
    from portlint.registry.claims import NameMismatch


def _fixed(binding: Binding) -> bool:
    """A port someone chose: not 0 (any free port), not a range Docker picks one from."""
    return binding.port > 0 and not binding.pick_one


def _overlap(binding: Binding, span: PortSpan) -> PortSpan | None:
    start, end = max(binding.port, span.start), min(binding.end_port, span.end)
    return PortSpan(start, end) if start <= end else None


_ROLE_NOUNS = {
    Role.PUBLISH: "published port",
    Role.LISTEN: "listening port",
    Role.HOST_PORT: "hostPort",
    Role.NODE_PORT: "nodePort",
    Role.CONTAINER: "container port",
    Role.SERVICE_PORT: "Service port",
    Role.EXPOSE: "exposed port",
}


def _where(binding: Binding) -> str:
    return f"{_ROLE_NOUNS.get(binding.role, 'port')} {binding.port_text()}"


# --- PL302 ---------------------------------------------------------------------------


@check("PL302")
def ephemeral_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A fixed host-facing port the kernel may already have handed to an outgoing
    connection: the bind fails at random, usually after a restart under load."""
    policy = options.policy
    used: UsedPorts | None = None
    for binding in model.bindings:
        if binding.role not in HOST_FACING or not _fixed(binding):
            continue
        hit = next(
            ((span, part) for span in policy.ephemeral if (part := _overlap(binding, span))),
            None,
        )
        if hit is None or _own_default(binding):
            continue
        span, part = hit
        used = used or model.used_ports()
        lowest = min(s.start for s in policy.ephemeral)
        message = (
            f"{_where(binding)} of {_label(binding)} is inside the ephemeral range {span}"
            f"{' (' + str(part) + ')' if binding.is_range else ''}"
            + ranges_note(options, " (this host's ip_local_port_range less reserved ports)")
            + ": the kernel may already "
            "have given it to an outgoing connection, so the bind can fail at random"
        )
        if lowest > 1024:
            free = used.nearest_free(
                binding.namespace,
                binding.protocol,
                lowest - 1,
                PortSpan(1024, lowest - 1),
                avoid=(policy.nodeport_range, *policy.ephemeral),
            )
            if free is not None:
                message += f"; use a port below {lowest}, e.g. {free}"
        yield Finding("PL302", message, binding.location, key=_key(binding))


def _own_default(binding: Binding) -> bool:
    """The software's own well-known port (WireGuard 51820/udp, Plex 32400): every
    deployment of it uses that port, so moving one is not the fix."""
    from portlint.registry import known, may_bind

    return not binding.is_range and any(
        may_bind(binding.identity, s, binding.image)
        for s in known(binding.port, binding.protocol.value)
        if not s.generic
    )


def _key(binding: Binding) -> str:
    return f"{binding.owner}|{binding.namespace.key}|{binding.port_text()}"


# --- PL301 ---------------------------------------------------------------------------

#: Formats whose bindings name their software by the config itself (nginx, sshd...).
_IMAGE_FORMATS = frozenset({"compose", "kubernetes", "dockerfile"})


@check("PL301")
def registered_port_clash(model: Model, options: Options) -> Iterator[Finding]:
    """A host-facing port that operators, clients and scanners associate with other
    software. Container-side ports are private to their namespace and are not checked;
    neither are ranges (block allocations) or software we cannot name with confidence."""
    from portlint.registry.claims import claim, confident, name_mismatch

    strict = options.policy.strict_registry
    used: UsedPorts | None = None
    for binding in model.bindings:
        if binding.role not in HOST_FACING or binding.is_range or not _fixed(binding):
            continue
        protocol = binding.protocol.value
        mismatch = name_mismatch(binding.port, protocol, binding.port_name)
        if mismatch is not None:
            yield Finding(
                "PL301", _mismatch_text(binding, mismatch), binding.location, key=_key(binding)
            )
            continue
        from_config = binding.format not in _IMAGE_FORMATS
        if not confident(binding.identity, binding.image, from_config):
            continue
        found = claim(
            binding.port,
            protocol,
            binding.identity,
            binding.image,
            strict,
            port_name=binding.port_name,
        )
        if found is None:
            continue
        used = used or model.used_ports()
        what = binding.image or binding.identity
        owners = " / ".join(found.owners)
        verb = "commonly used by" if found.source == "curated" else "registered with IANA to"
        message = (
            f"{_where(binding)} of {_label(binding)} ({what}) is {verb} {owners}: clients, "
            "scanners and operators will expect that service there"
        )
        free = _unclaimed_port(used, binding) if binding.port >= 1024 else None
        if free is not None:
            message += f"; use a port nobody else claims, e.g. {free}"
        finding = Finding("PL301", message, binding.location, key=_key(binding))
        if found.source == "iana" and binding.port >= 1024:
            finding.severity = Severity.INFO  # the full registry (strict) is advisory
        yield finding


def _mismatch_text(binding: Binding, found: NameMismatch) -> str:
    what = f" ({binding.image})" if binding.image else ""
    return (
        f"{_where(binding)} of {_label(binding)}{what} is named {found.name!r}, but "
        f"{found.port} is {found.tls_name} ({found.title} with implicit TLS) and "
        f"{found.name} is {found.plain_port}: clients of {found.port} start TLS with their "
        f"first byte; name the port {found.tls_name!r} if it serves TLS there, or use "
        f"{found.plain_port} for plain {found.title}"
    )


def _unclaimed_port(used: UsedPorts, binding: Binding) -> int | None:
    """The nearest free port in the same IANA class that no curated software claims."""
    from portlint.registry.curated import KNOWN

    protocol = binding.protocol.value
    claimed = tuple(
        PortSpan(p, p) for s in KNOWN if s.protocol == protocol and not s.generic for p in s.ports
    )
    return used.nearest_free(binding.namespace, binding.protocol, binding.port, avoid=claimed)


# --- PL303 ---------------------------------------------------------------------------


@check("PL303")
def nodeport_range(model: Model, options: Options) -> Iterator[Finding]:
    """An explicit nodePort the API server rejects (outside --service-node-port-range), and
    a hostPort inside the range, where kube-proxy may already serve some Service's NodePort."""
    span = options.policy.nodeport_range
    for binding in model.bindings:
        if not _fixed(binding):
            continue
        if binding.role == Role.NODE_PORT and not (
            binding.port in span and binding.end_port in span
        ):
            yield Finding(
                "PL303",
                f"nodePort {binding.port_text()} of {_label(binding)} is outside the NodePort "
                f"range {span}: the API server rejects the Service; pick a port in {span} or "
                "leave nodePort out and let Kubernetes allocate one",
                binding.location,
                key=_key(binding),
            )
        elif binding.role == Role.HOST_PORT and (part := _overlap(binding, span)):
            finding = Finding(
                "PL303",
                f"hostPort {binding.port_text()} of {_label(binding)} is inside the NodePort "
                f"range {span}{' (' + str(part) + ')' if binding.is_range else ''}: kube-proxy "
                "may already serve a Service's NodePort there on every node; pick a port "
                f"outside {span}",
                binding.location,
                key=_key(binding),
            )
            finding.severity = Severity.WARNING  # the engine keeps a user's override
            yield finding


# --- PL304 ---------------------------------------------------------------------------


@check("PL304")
def policy_ranges(model: Model, options: Options) -> Iterator[Finding]:
    """A port outside the ranges the policy allots to its owner, or inside a range allotted
    to someone else."""
    allocations = options.policy.allocations
    if not allocations:
        return
    used: UsedPorts | None = None
    owners: dict[str, list] = {}
    for binding in model.bindings:
        if not _fixed(binding):
            continue
        mine = owners.get(binding.owner)
        if mine is None:
            mine = owners[binding.owner] = [a for a in allocations if a.matches(binding)]
        mine_here = [a for a in mine if a.applies(binding)]
        spans = [s for a in mine_here for s in a.spans]
        inside_own = any(s.start <= binding.port and binding.end_port <= s.end for s in spans)
        others = [
            (a, s)
            for a in allocations
            if a not in mine and a.applies(binding)
            for s in a.spans
            if s.overlaps(binding.port, binding.end_port)
        ]
        if inside_own or (not mine_here and not others):
            continue
        used = used or model.used_ports()
        parts = []
        if mine_here:
            team = " / ".join(dict.fromkeys(a.owner for a in mine_here))
            allotted = ", ".join(str(s) for s in spans)
            parts.append(f"outside the range {team} is allotted ({allotted})")
        if others:
            other, span = others[0]
            parts.append(f"inside {span}, allotted to {other.owner}")
        message = (
            f"{_where(binding)} of {_label(binding)} is {' and '.join(parts)}"
            f" ({_policy_label(options)})"
        )
        free = _free_in(
            used, binding, spans, [s for a in allocations if a not in mine for s in a.spans]
        )
        if free is not None:
            where = f"in {spans_text(spans)}" if spans else "outside every allotted range"
            message += f"; nearest free port {where}: {free}"
        yield Finding("PL304", message, binding.location, key=_key(binding))


def spans_text(spans: list[PortSpan]) -> str:
    return ", ".join(str(s) for s in spans)


def _free_in(
    used: UsedPorts, binding: Binding, spans: list[PortSpan], taken: list[PortSpan]
) -> int | None:
    """The nearest free port in the owner's spans, or, for an owner without an allotment,
    in the same IANA class outside every other owner's ranges."""
    if not spans:
        return used.nearest_free(binding.namespace, binding.protocol, binding.port, avoid=taken)
    best: int | None = None
    for span in spans:
        start = min(max(binding.port, span.start), span.end)
        candidates = [start] if used.is_free(binding.namespace, binding.protocol, start) else []
        found = used.nearest_free(binding.namespace, binding.protocol, start, span, avoid=taken)
        candidates += [found] if found is not None else []
        for port in candidates:
            if best is None or abs(port - binding.port) < abs(best - binding.port):
                best = port
    return best


# --- PL305 ---------------------------------------------------------------------------


@check("PL305")
def forbidden_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A port the policy forbids (telnet, RDP published...), with the policy's reason."""
    rules = options.policy.forbidden
    if not rules:
        return
    for binding in model.bindings:
        if not _fixed(binding):
            continue
        for rule in rules:
            span = rule.forbids(binding)
            if span is None:
                continue
            reason = f": {rule.reason}" if rule.reason else ""
            yield Finding(
                "PL305",
                f"{_where(binding)} of {_label(binding)} is forbidden ({span}, "
                f"{_policy_label(options)}){reason}",
                binding.location,
                key=_key(binding),
            )
            break


def _label(binding: Binding) -> str:
    """The owner as users name it: the Compose service, the workload, the config file."""
    return binding.owner_label()


def _policy_label(options: Options) -> str:
    policy = options.policy
    source = policy.source or ""
    if not source or source.startswith("preset"):
        return f"policy preset {policy.name}"
    return f"policy {display_path(Path(source))}"
