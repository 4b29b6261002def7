"""PL101 port-collision, PL102 replicated-host-port, PL103 duplicate-port.

Collisions are found without comparing every pair: bindings are bucketed by
(namespace, protocol, port) and, inside a bucket, grouped by (address, v6only) with one
entry per owner. A binding then meets each address group once, so 3,000 services on one
port cost 3,000 steps, and each finding names a bounded number of the others.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator

from portlint.findings import Finding, Related, Severity
from portlint.freeports import UsedPorts
from portlint.model import Binding, Model, Role, addresses_overlap
from portlint.options import Options
from portlint.records import Record
from portlint.rules import check

#: Roles that occupy a socket (EXPOSE only documents one).
OCCUPYING = frozenset(
    {Role.PUBLISH, Role.LISTEN, Role.CONTAINER, Role.HOST_PORT, Role.NODE_PORT, Role.SERVICE_PORT}
)
#: Roles where one owner declaring a socket twice is a mistake (a container port mapped
#: to two host ports, or nginx virtual hosts sharing `listen 80`, are not).
DUPLICATE_ROLES = frozenset({Role.PUBLISH, Role.HOST_PORT, Role.NODE_PORT, Role.SERVICE_PORT})
#: How many other parties a finding names as related locations.
MAX_RELATED = 3
#: Ranges wider than this are compared as intervals instead of bucketed per port.
_BUCKET_WIDTH = 4096


@check("PL101")
def port_collisions(model: Model, options: Options) -> Iterator[Finding]:
    used: UsedPorts | None = None
    for binding, clash in _collisions(model.bindings):
        if used is None:
            used = model.used_ports()
        yield _collision_finding(binding, clash, used, options)


@check("PL102")
def replicated_host_ports(model: Model, options: Options) -> Iterator[Finding]:
    for b in model.bindings:
        if not b.replicas or b.replicas < 2 or b.role not in (Role.PUBLISH, Role.HOST_PORT):
            continue
        if b.publish_mode == "ingress":  # swarm's routing mesh shares one port
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


# --- collision search ------------------------------------------------------------------


class _Clash(Record):
    """The other parties of one binding, bounded."""

    others: list[Binding]
    owners: set[str]
    count: int
    severe: bool

    __slots__ = ("others", "owners", "count", "severe")

    def __init__(
        self,
        others: list[Binding] | None = None,
        owners: set[str] | None = None,
        count: int = 0,
        severe: bool = False,
    ) -> None:
        self.others = [] if others is None else others
        self.owners = set() if owners is None else owners
        self.count = count
        self.severe = severe


def _collisions(bindings: Iterable[Binding]) -> list[tuple[Binding, _Clash]]:
    buckets: dict[tuple, list[Binding]] = defaultdict(list)
    wide: dict[tuple, list[Binding]] = defaultdict(list)
    for b in bindings:
        if b.role not in OCCUPYING or b.pick_one:
            continue
        group = (b.namespace, b.protocol)
        if b.end_port - b.port >= _BUCKET_WIDTH:
            wide[group].append(b)
            continue
        for port in range(b.port, b.end_port + 1):
            buckets[(group, port)].append(b)
    clashes: dict[int, tuple[Binding, _Clash]] = {}
    for bucket in buckets.values():
        if len(bucket) > 1:
            _bucket_clashes(bucket, clashes)
    for (namespace, protocol), wides in wide.items():
        _wide_clashes(namespace, protocol, wides, buckets, clashes)
    return list(clashes.values())


def _bucket_clashes(bucket: list[Binding], clashes: dict[int, tuple[Binding, _Clash]]) -> None:
    """Bindings of one (namespace, protocol, port). Each binding meets each address group
    once; the count of other owners is arithmetic, and at most MAX_RELATED are listed."""
    groups: dict[tuple, dict[str, Binding]] = {}
    for b in bucket:
        groups.setdefault((b.address, b.v6only), {}).setdefault(b.owner, b)
    if len(groups) == 1 and len(next(iter(groups.values()))) < 2:
        return  # one owner only
    reps = {key: next(iter(owners.values())) for key, owners in groups.items()}
    profiled = {key for key, owners in groups.items() if any(o.profiles for o in owners.values())}
    # A specific address overlaps only its own groups and the wildcard ones: index them,
    # so 60,000 services on 127.x.y.z:8080 are not 60,000 x 60,000 address comparisons.
    order = {key: index for index, key in enumerate(groups)}
    wildcards = [key for key in groups if key[0] is None or key[0].is_unspecified]
    by_address: dict[object, list[tuple]] = defaultdict(list)
    for key in groups:
        if key[0] is not None and not key[0].is_unspecified:
            by_address[key[0]].append(key)
    for b in bucket:
        exhaustive = b.is_range or b.namespace.is_node
        clash = clashes.get(id(b), (b, None))[1]
        if b.address is None or b.address.is_unspecified:
            keys: Iterable[tuple] = groups
        else:
            keys = sorted(wildcards + by_address.get(b.address, []), key=order.__getitem__)
        for key in keys:
            owners = groups[key]
            if not addresses_overlap(b, reps[key]):
                continue
            others = len(owners) - (1 if b.owner in owners else 0)
            if others <= 0:
                continue
            full = exhaustive or key in profiled or b.profiles
            listed = 0
            for other in owners.values():
                if other.owner == b.owner or not _may_run_together(b, other):
                    continue
                if clash is None:
                    clash = _clash_for(b, clashes)
                if full:
                    if other.owner in clash.owners:
                        continue
                    clash.owners.add(other.owner)
                    clash.count += 1
                    clash.severe = clash.severe or _severe(b, other)
                if len(clash.others) < MAX_RELATED and all(o is not other for o in clash.others):
                    clash.others.append(other)
                listed += 1
                if not full and listed >= MAX_RELATED:
                    break
            if not full and clash is not None:
                clash.count += others
                clash.severe = True


def _clash_for(b: Binding, clashes: dict[int, tuple[Binding, _Clash]]) -> _Clash:
    entry = clashes.get(id(b))
    if entry is None:
        entry = (b, _Clash())
        clashes[id(b)] = entry
    return entry[1]


def _wide_clashes(namespace, protocol, wides, buckets, clashes) -> None:
    """Wide ranges (rare) against everything in their namespace and protocol."""
    group = (namespace, protocol)
    narrow = {id(b): b for (g, _port), bs in buckets.items() if g == group for b in bs}
    candidates = list(narrow.values()) + wides
    for w in wides:
        for other in candidates:
            if other is w or other.owner == w.owner:
                continue
            if other.port > w.end_port or w.port > other.end_port:
                continue
            if not addresses_overlap(w, other) or not _may_run_together(w, other):
                continue
            for first, second in ((w, other), (other, w)):
                clash = _clash_for(first, clashes)
                if second.owner not in clash.owners:
                    clash.owners.add(second.owner)
                    clash.count += 1
                    if len(clash.others) < MAX_RELATED:
                        clash.others.append(second)
                    clash.severe = clash.severe or _severe(first, second)


def _may_run_together(a: Binding, b: Binding) -> bool:
    """Compose services in disjoint profiles are alternatives, not neighbours."""
    pa, pb = a.profiles, b.profiles
    return not (pa and pb and a.project == b.project and not pa & pb)


def _severe(a: Binding, b: Binding) -> bool:
    """On Kubernetes nodes, only DaemonSets or Pods pinned to one node surely collide;
    other workloads merely cannot share a node (a scheduling constraint)."""
    if not a.namespace.is_node:
        return True
    kinds = (a.workload_kind, b.workload_kind)
    if kinds == ("DaemonSet", "DaemonSet"):
        return True
    node_a, node_b = a.node_name, b.node_name
    if node_a and node_a == node_b:
        return True
    return bool((kinds[0] == "DaemonSet" and node_b) or (kinds[1] == "DaemonSet" and node_a))


# --- messages --------------------------------------------------------------------------


def _collision_finding(b: Binding, clash: _Clash, used: UsedPorts, options: Options) -> Finding:
    first = clash.others[0]
    more = clash.count - 1
    party = f"{_party(first)} ({first.location.path}:{first.location.line})"
    if more > 0:
        party += f" and {more} other{'s' if more != 1 else ''}"
    message = f"{_role_text(b)} {b.socket_text()} {_scope(b, first)} is also bound by {party}"
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


def _scope(b: Binding, other: Binding) -> str:
    namespace = b.namespace
    text = namespace.describe()
    default_host = namespace.kind == "host" and namespace.group == "default"
    if default_host and _directory(b) != _directory(other):
        text += " (all files scanned count as one host; split them with `hosts:`)"
    return text


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
