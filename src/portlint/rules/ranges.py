"""PL301-PL305: ports that sit in a range meaning something else — registered to other
software, the kernel's ephemeral range, the NodePort range, an organisation's allotments,
or forbidden by policy. The ranges are data (`Options.policy`); the checks are here."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding, Severity
from portlint.freeports import UsedPorts
from portlint.model import HOST_FACING, Binding, Model
from portlint.options import Options, PortSpan
from portlint.rules import check


def _fixed(binding: Binding) -> bool:
    """A port someone chose: not 0 (any free port), not a range Docker picks one from."""
    return binding.port > 0 and not binding.extra.get("pick_one")


def _overlap(binding: Binding, span: PortSpan) -> PortSpan | None:
    start, end = max(binding.port, span.start), min(binding.end_port, span.end)
    return PortSpan(start, end) if start <= end else None


def _where(binding: Binding) -> str:
    return f"{binding.role.value} port {binding.port_text()}"


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
        if hit is None:
            continue
        span, part = hit
        used = used or UsedPorts(model.bindings)
        lowest = min(s.start for s in policy.ephemeral)
        message = (
            f"{_where(binding)} of '{binding.owner}' is inside the ephemeral range {span}"
            f"{' (' + str(part) + ')' if binding.is_range else ''}: the kernel may already "
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


def _key(binding: Binding) -> str:
    return f"{binding.owner}|{binding.namespace}|{binding.port_text()}"


# --- PL301 ---------------------------------------------------------------------------

#: Formats whose bindings name their software by the config itself (nginx, sshd...).
_IMAGE_FORMATS = frozenset({"compose", "kubernetes", "dockerfile"})


@check("PL301")
def registered_port_clash(model: Model, options: Options) -> Iterator[Finding]:
    """A host-facing port that operators, clients and scanners associate with other
    software. Container-side ports are private to their namespace and are not checked;
    neither are ranges (block allocations) or software we cannot name with confidence."""
    from portlint.registry.claims import claim, confident

    strict = options.policy.strict_registry
    used: UsedPorts | None = None
    for binding in model.bindings:
        if binding.role not in HOST_FACING or binding.is_range or not _fixed(binding):
            continue
        from_config = binding.format not in _IMAGE_FORMATS
        if not confident(binding.identity, binding.image, from_config):
            continue
        found = claim(
            binding.port, binding.protocol.value, binding.identity, binding.image, strict
        )
        if found is None:
            continue
        used = used or UsedPorts(model.bindings)
        what = binding.image or binding.identity
        owners = " / ".join(found.owners)
        verb = "commonly used by" if found.source == "curated" else "registered with IANA to"
        message = (
            f"{_where(binding)} of '{binding.owner}' ({what}) is {verb} {owners}: clients, "
            "scanners and operators will expect that service there"
        )
        free = _unclaimed_port(used, binding)
        if free is not None:
            message += f"; use a port nobody else claims, e.g. {free}"
        finding = Finding("PL301", message, binding.location, key=_key(binding))
        if found.source == "iana" and binding.port >= 1024:
            finding.severity = Severity.INFO  # the full registry (strict) is advisory
        yield finding


def _unclaimed_port(used: UsedPorts, binding: Binding) -> int | None:
    """The nearest free port in the same IANA class that no curated software claims."""
    from portlint.registry.known import KNOWN

    protocol = binding.protocol.value
    claimed = tuple(
        PortSpan(p, p) for s in KNOWN if s.protocol == protocol and not s.generic for p in s.ports
    )
    return used.nearest_free(binding.namespace, binding.protocol, binding.port, avoid=claimed)
