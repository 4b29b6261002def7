"""PL101 port-collision, PL102 replicated-host-port, PL103 duplicate-port: the findings
and their messages. The search for colliding bindings is `clash_search`."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterator

from portlint.findings import Finding, Related, Severity
from portlint.freeports import UsedPorts
from portlint.model import Binding, Model, Role, addresses_overlap
from portlint.options import Options
from portlint.rules import check
from portlint.rules.clash_search import Clash, collisions, may_run_together

#: Roles where one owner declaring a socket twice is a mistake (a container port mapped
#: to two host ports, or nginx virtual hosts sharing `listen 80`, are not).
DUPLICATE_ROLES = frozenset({Role.PUBLISH, Role.HOST_PORT, Role.NODE_PORT, Role.SERVICE_PORT})


@check("PL101")
def port_collisions(model: Model, options: Options) -> Iterator[Finding]:
    used: UsedPorts | None = None
    for binding, clash in collisions(model.bindings):
        if used is None:
            used = model.used_ports()
        yield _collision_finding(binding, clash, used, options, model.hosts)
    yield from _variable_collisions(model)


@check("PL102")
def replicated_host_ports(model: Model, options: Options) -> Iterator[Finding]:
    for b in model.bindings:
        if not b.replicas or b.replicas < 2 or b.role not in (Role.PUBLISH, Role.HOST_PORT):
            continue
        if b.publish_mode == "ingress":  # swarm's routing mesh shares one port
            continue
        if b.port == 0:  # an ephemeral host port: each replica gets its own
            continue
        if b.end_port - b.port + 1 >= b.replicas:  # a host range gives each replica a port
            continue
        if b.role == Role.HOST_PORT:
            yield Finding(
                "PL102",
                f"hostPort {b.port_text()} in {_party(b)} with replicas: {b.replicas}: only one "
                f"pod per node can bind it, so {b.replicas} replicas need {b.replicas} "
                "schedulable nodes; drop hostPort and use a Service, or run a DaemonSet",
                b.location,
                severity=Severity.WARNING,
                key=f"{b.owner}|{b.port_text()}",
            )
            continue
        yield Finding(
            "PL102",
            f"host port {b.port_text()} is published by {_party(b)} with {b.replicas} replicas: "
            f"only the first replica can bind it; publish a range "
            f'("{b.port}-{b.port + b.replicas - 1}:{b.target_text()}"), drop the host port, '
            "or put a load balancer in front",
            b.location,
            key=f"{b.owner}|{b.port_text()}",
        )


@check("PL103")
def duplicate_ports(model: Model, options: Options) -> Iterator[Finding]:
    groups: dict[tuple, list[Binding]] = defaultdict(list)
    for b in model.bindings:
        if b.role in DUPLICATE_ROLES and not b.pick_one:
            key = (b.namespace, b.owner, b.protocol, b.address, b.port, b.end_port)
            groups[key].append(b)
    for bindings in groups.values():
        if len(bindings) < 2:
            continue
        first = bindings[0]
        for later in bindings[1:]:
            same_file = later.location.path == first.location.path
            same_target = later.target == first.target
            if same_target and not same_file:
                continue  # a base file and its override say the same thing: merged
            if later.location == first.location:
                continue  # the same text reached twice (an include)
            where = f"{first.location.path}:{first.location.line}"
            if same_target:
                message = (
                    f"{_role_text(later)} {later.socket_text()} is declared twice by "
                    f"{_party(later)} (first at {where}); remove one"
                )
            else:
                message = (
                    f"{_role_text(later)} {later.socket_text()} is declared again by "
                    f"{_party(later)} for another target (first at {where} to "
                    f"{first.target_text()}, here to {later.target_text()}): "
                    + _second_target_effect(later)
                )
            yield Finding(
                "PL103",
                message,
                later.location,
                related=[Related(first.location, "first declared here")],
                key=f"{later.namespace.key}|{later.owner}|{later.socket_text()}|{later.target_text()}",
            )


def _variable_collisions(model: Model) -> Iterator[Finding]:
    """One unset variable as the host port of two services on one host (portlint.parsers.
    compose.variables): the same port whatever its value."""
    groups: dict[tuple, list[Binding]] = defaultdict(list)
    for b in model.variable_ports:
        groups[(b.namespace, b.protocol, b.source)].append(b)
    for bindings in groups.values():
        for b in bindings:
            others = [
                o
                for o in bindings
                if o.owner != b.owner and addresses_overlap(b, o) and may_run_together(b, o)
            ]
            if others:
                yield _variable_finding(b, others, model.hosts)


def _variable_finding(b: Binding, others: list[Binding], hosts: dict[str, str]) -> Finding:
    name = b.source.removeprefix("variable ")
    written = f"${{{name}}}/{b.protocol.value}"
    if b.address is not None:
        written = f"{b.address_text()}:{written}"
    first = others[0]
    party = f"{_party(first)} ({first.location.path}:{first.location.line})"
    if len(others) > 1:
        party += f" and {len(others) - 1} other{'s' if len(others) > 2 else ''}"
    return Finding(
        "PL101",
        f"host port {written} {_scope(b, first, hosts)} is also published by {party} "
        f"with the same variable: {name} has no value here, but whatever it is set to, "
        "both bind that port; give one of them a variable of its own",
        b.location,
        related=[Related(o.location, f"{_party(o)} publishes ${{{name}}} here") for o in others],
        key=f"{b.namespace.key}|{b.owner}|{written}",
    )


# --- messages --------------------------------------------------------------------------


def _collision_finding(
    b: Binding, clash: Clash, used: UsedPorts, options: Options, hosts: dict[str, str]
) -> Finding:
    first = clash.others[0]
    more = clash.count - 1
    party = f"{_party(first)} ({first.location.path}:{first.location.line})"
    if more > 0:
        party += f" and {more} other{'s' if more != 1 else ''}"
    message = (
        f"{_role_text(b)} {b.socket_text()} {_scope(b, first, hosts)} is also bound by {party}"
    )
    advice = _advice(b, used, options)
    if advice:
        message += f"; {advice}"
    severity = None
    if b.namespace.is_node and not clash.severe:
        severity = Severity.WARNING
        message += " (a scheduling constraint: these pods can never share a node)"
    related = [
        Related(o.location, f"{_party(o)} binds {o.socket_text()} here") for o in clash.others
    ]
    return Finding(
        "PL101",
        message,
        b.location,
        severity=severity,
        related=related,
        key=f"{b.namespace.key}|{b.owner}|{b.socket_text()}",
    )


def _advice(b: Binding, used: UsedPorts, options: Options) -> str:
    """The nearest free port: in the owner's allotted ranges when a policy gives it some,
    in the NodePort range for a nodePort, else in the port's IANA class."""
    if b.role not in (Role.PUBLISH, Role.LISTEN, Role.HOST_PORT, Role.NODE_PORT):
        return "give one of them another port"
    if b.is_range:
        return "move one of them to a free range"
    spans = [
        span
        for allocation in options.policy.allocations
        if allocation.matches(b) and allocation.applies(b)
        for span in allocation.spans
    ]
    if spans:
        found = [used.nearest_free(b.namespace, b.protocol, b.port, span) for span in spans]
        free = min((p for p in found if p), key=lambda p: abs(p - b.port), default=None)
        where = "in " + ", ".join(str(s) for s in spans)
        return f"nearest free port {where}: {free}" if free else f"no free port {where}"
    span = options.policy.nodeport_range if b.role == Role.NODE_PORT else None
    free = used.nearest_free(b.namespace, b.protocol, b.port, span)
    return f"nearest free port: {free}" if free else "give one of them another port"


def _scope(b: Binding, other: Binding, hosts: dict[str, str]) -> str:
    """Where the clash is, and for a host why portlint put both there."""
    return b.namespace.describe(hosts, split_hint=_directory(b) != _directory(other))


def _directory(b: Binding) -> str:
    return _parent(b.location.path)


def _parent(path: str) -> str:
    return posixpath.dirname(path) or "."  # display paths are normalised already


_ROLE_TEXT = {
    Role.PUBLISH: "host port",
    Role.LISTEN: "port",
    Role.CONTAINER: "container port",
    Role.HOST_PORT: "hostPort",
    Role.NODE_PORT: "nodePort",
    Role.SERVICE_PORT: "Service port",
    Role.EXPOSE: "exposed port",
}


def _party(b: Binding) -> str:
    return b.party_label()


def _role_text(b: Binding) -> str:
    return _ROLE_TEXT[b.role]


def _second_target_effect(b: Binding) -> str:
    """What goes wrong: a host port cannot be published twice; a Service defined twice
    under one name is one object, so one of the two ports replaces the other."""
    if b.role is Role.PUBLISH:
        return "the second bind fails; use another host port"
    return "only one of them takes effect; remove one or give it another port"
