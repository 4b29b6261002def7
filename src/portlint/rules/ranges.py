"""PL301-PL305: ports that sit in a range meaning something else — registered to other
software, the kernel's ephemeral range, the NodePort range, an organisation's allotments,
or forbidden by policy. The ranges are data (`Options.policy`); the checks are here."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding
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
