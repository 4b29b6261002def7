"""The collision search behind PL101, without comparing every pair.

Bindings are bucketed by (namespace, protocol, port) and, inside a bucket, grouped by
(address, v6only) with one entry per owner. A binding then meets each address group once,
so 3,000 services on one port cost 3,000 steps, and each finding names a bounded number
of the others (`MAX_RELATED`) beside an exact count.

Two shapes stay linear too:

- ports of one range: N services publishing `20000-20999` fill 1,000 buckets with the
  same N bindings. A bucket whose bindings are those of one already searched adds
  nothing, so only distinct buckets are searched.
- bindings counted exhaustively (ranges, Kubernetes node ports) that meet the same parties:
  inside a bucket, those alike in everything the search looks at (address, profiles,
  workload kind, node) share one list of parties, and each takes its count, first parties
  and severity from it without walking the others again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from portlint.model import Binding, Role, addresses_overlap
from portlint.records import Record, field

#: Roles that occupy a socket (EXPOSE only documents one).
OCCUPYING = frozenset(
    {Role.PUBLISH, Role.LISTEN, Role.CONTAINER, Role.HOST_PORT, Role.NODE_PORT, Role.SERVICE_PORT}
)
#: How many other parties a finding names as related locations.
MAX_RELATED = 3
#: Ranges wider than this are compared as intervals instead of bucketed per port.
_BUCKET_WIDTH = 4096
#: Bits of a bucket key below its group's number: room for every port (and more).
_PORT_BITS = 20


class Clash(Record):
    """The other parties of one binding, bounded."""

    others: list[Binding] = field(default_factory=list)
    #: Owners counted so far (left empty for a clash taken whole from a shared party
    #: list: no other bucket can add to it).
    owners: set[str] = field(default_factory=set)
    count: int = 0
    severe: bool = False


_Clashes = dict[int, tuple[Binding, Clash]]


def collisions(bindings: Iterable[Binding]) -> list[tuple[Binding, Clash]]:
    """Each colliding binding with its parties, in the order they are first found."""
    # Most buckets hold one binding: it is stored alone, and a list made only for a second
    # (a list per binding was most of the rules' peak memory on a large tree). A bucket's
    # key is one int, its (namespace, protocol) group's number and the port (a tuple per
    # bucket was this rule's 18 MB at 10,000 files).
    buckets: dict[int, Binding | list[Binding]] = {}
    wide: dict[tuple, list[Binding]] = defaultdict(list)
    ranges: list[tuple[int, Binding]] = []
    numbers: dict[tuple, int] = {}
    for b in bindings:
        if b.role not in OCCUPYING or b.pick_one:
            continue
        group = (b.namespace, b.protocol)
        if b.end_port - b.port >= _BUCKET_WIDTH:
            wide[group].append(b)
            continue
        base = numbers.setdefault(group, len(numbers)) << _PORT_BITS
        if b.is_range:
            ranges.append((base, b))
        for key in range(base + b.port, base + b.end_port + 1):
            found = buckets.get(key)
            if found is None:
                buckets[key] = b
            elif isinstance(found, list):
                found.append(b)
            else:
                buckets[key] = [found, b]
    distinct, content = _distinct_buckets(buckets)
    alone = _in_one_bucket(ranges, content)
    clashes: _Clashes = {}
    for bucket in distinct:
        _bucket_clashes(bucket, clashes, alone, wide)
    for group, wides in wide.items():
        _wide_clashes(wides, buckets, numbers.get(group), clashes)
    return list(clashes.values())


def _distinct_buckets(
    buckets: dict[int, Binding | list[Binding]],
) -> tuple[list[list[Binding]], dict[int, int]]:
    """Buckets of more than one binding, each content once (in first-seen order), and the
    content number of every such bucket. Searching a bucket again changes nothing: every
    binding in two buckets is a range, counted exhaustively, whose parties are all known."""
    seen: dict[tuple[int, ...], int] = {}
    distinct: list[list[Binding]] = []
    content: dict[int, int] = {}
    for key, bucket in buckets.items():
        if not isinstance(bucket, list):  # one binding alone
            continue
        signature = tuple(map(id, bucket))
        number = seen.get(signature)
        if number is None:
            number = seen[signature] = len(distinct)
            distinct.append(bucket)
        content[key] = number
    return distinct, content


def _in_one_bucket(ranges: list[tuple[int, Binding]], content: dict[int, int]) -> set[int]:
    """Ids of ranges whose every shared bucket holds the same bindings: their parties are
    found in one bucket search (`ranges`: each with its group's key base)."""
    alone: set[int] = set()
    for base, b in ranges:
        numbers = {content.get(key) for key in range(base + b.port, base + b.end_port + 1)}
        numbers.discard(None)
        if len(numbers) <= 1:
            alone.add(id(b))
    return alone


def _bucket_clashes(
    bucket: list[Binding], clashes: _Clashes, alone: set[int], wide: dict[tuple, list[Binding]]
) -> None:
    """Bindings of one (namespace, protocol, port). Each binding meets each address group
    once; the count of other owners is arithmetic, and at most MAX_RELATED are listed.
    (`alone`: ranges searched in this bucket only; `wide`: groups wide ranges still add
    parties to, by owner, so their clashes keep every owner.)"""
    may_share = (bucket[0].namespace, bucket[0].protocol) not in wide
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
    shared: dict[tuple, _Parties] = {}
    for b in bucket:
        exhaustive = b.is_range or b.namespace.is_node
        clash = clashes.get(id(b), (b, None))[1]
        if b.address is None or b.address.is_unspecified:
            keys: Iterable[tuple] = groups
        else:
            keys = sorted(wildcards + by_address.get(b.address, []), key=order.__getitem__)
        if exhaustive and may_share and clash is None and (not b.is_range or id(b) in alone):
            alike = _alike(b)
            parties = shared.get(alike)
            if parties is None:
                parties = shared[alike] = _Parties(b, keys, groups, reps)
            parties.take(b, clashes)
            continue
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
                if other.owner == b.owner or not may_run_together(b, other):
                    continue
                if clash is None:
                    clash = _clash_for(b, clashes)
                if full:
                    if other.owner in clash.owners:
                        continue
                    clash.owners.add(other.owner)
                    clash.count += 1
                    clash.severe = clash.severe or severe(b, other)
                if len(clash.others) < MAX_RELATED and all(o is not other for o in clash.others):
                    clash.others.append(other)
                listed += 1
                if not full and listed >= MAX_RELATED:
                    break
            if not full and clash is not None:
                clash.count += others
                clash.severe = True


def _alike(b: Binding) -> tuple:
    """What an exhaustive search of one bucket depends on, besides the binding's owner."""
    return (b.address, b.v6only, b.profiles, b.project, b.workload_kind, b.node_name)


class _Parties:
    """Every party of one bucket that bindings alike (`_alike`) would meet, in the order
    the exhaustive search meets them: the first binding of each owner, and whether that
    meeting is severe. A binding's clash is this list without its own owner."""

    def __init__(
        self,
        b: Binding,
        keys: Iterable[tuple],
        groups: dict[tuple, dict[str, Binding]],
        reps: dict[tuple, Binding],
    ) -> None:
        self.order: list[Binding] = []
        self.severe: dict[str, bool] = {}
        for key in keys:
            if not addresses_overlap(b, reps[key]):
                continue
            for other in groups[key].values():
                if other.owner in self.severe or not may_run_together(b, other):
                    continue
                self.order.append(other)
                self.severe[other.owner] = severe(b, other)
        self.severe_count = sum(self.severe.values())

    def take(self, b: Binding, clashes: _Clashes) -> None:
        own = b.owner in self.severe
        count = len(self.order) - own
        if count <= 0:
            return
        clash = _clash_for(b, clashes)
        clash.others = [o for o in self.order[: MAX_RELATED + 1] if o.owner != b.owner][
            :MAX_RELATED
        ]
        clash.count = count
        clash.severe = self.severe_count - (own and self.severe[b.owner]) > 0


def _clash_for(b: Binding, clashes: _Clashes) -> Clash:
    entry = clashes.get(id(b))
    if entry is None:
        entry = (b, Clash())
        clashes[id(b)] = entry
    return entry[1]


def _wide_clashes(
    wides: list[Binding], buckets: dict[int, Any], number: int | None, clashes: _Clashes
) -> None:
    """Wide ranges (rare) against everything in their namespace and protocol (`number`:
    the group's number in the bucket keys, None when it has no narrow binding)."""
    narrow = {
        id(b): b
        for key, bs in buckets.items()
        if key >> _PORT_BITS == number
        for b in (bs if isinstance(bs, list) else [bs])
    }
    candidates = list(narrow.values()) + wides
    for w in wides:
        for other in candidates:
            if other is w or other.owner == w.owner:
                continue
            if other.port > w.end_port or w.port > other.end_port:
                continue
            if not addresses_overlap(w, other) or not may_run_together(w, other):
                continue
            for first, second in ((w, other), (other, w)):
                clash = _clash_for(first, clashes)
                if second.owner not in clash.owners:
                    clash.owners.add(second.owner)
                    clash.count += 1
                    if len(clash.others) < MAX_RELATED:
                        clash.others.append(second)
                    clash.severe = clash.severe or severe(first, second)


def may_run_together(a: Binding, b: Binding) -> bool:
    """Compose services in disjoint profiles are alternatives, not neighbours."""
    pa, pb = a.profiles, b.profiles
    return not (pa and pb and a.project == b.project and not pa & pb)


def severe(a: Binding, b: Binding) -> bool:
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
