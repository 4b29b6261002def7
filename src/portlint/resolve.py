"""The resolve stage: between the parsers and the rules, decide once what no parser can
know alone, so every rule is a pure predicate over the resolved `Model`.

- Host groups and clusters: a binding's namespace group comes from the config's `hosts:` /
  `clusters:` globs when one matches its file (parsers only say which kind of namespace);
  otherwise from the tree (portlint.hostgroups): each Compose project is its own host, and
  a service config belongs to the nearest Compose project at or above it.
- Containers: a service config that a Compose service mounts (`./nginx.conf:/etc/nginx/
  nginx.conf`, a mounted directory, a Compose `configs:` file) or that an image build
  copies in (`COPY`/`ADD`) listens in that container's network namespace, not on the
  host; its `listen 80` is the container port that `"8080:80"` publishes.
- Service selection: the workloads each Kubernetes Service selects, found through a label
  index and shared by Services with the same selector.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from portlint.groups import group_for
from portlint.hostgroups import HostPlacement
from portlint.k8s_objects import IngressBackend, PodTemplate, Selection, Service
from portlint.model import Binding, Model, Mount, ParseResult, Role
from portlint.namespaces import CLUSTER_KINDS, HOST_KINDS, Namespace
from portlint.options import Options

#: Formats whose listeners are processes that may run inside a container.
_CONFIG_FORMATS = frozenset(
    {
        "nginx",
        "apache",
        "haproxy",
        "envoy",
        "traefik",
        "caddy",
        "redis",
        "postgresql",
        "mysql",
        "sshd",
        "spring",
        "postfix",
        "dovecot",
        "bind",
    }
)

_DEFAULT_GROUP = "default"


def build(result: ParseResult, options: Options, files: int = 0) -> Model:
    """The resolved model of one run's parse results (which it completes in place)."""
    groups = _Groups(options, HostPlacement.of(result.bindings, options))
    if result.workloads:  # before placing: the bindings it adds are placed with the rest
        from portlint.k8s_mounts import mount_configmaps

        mount_configmaps(result, groups.cluster)
    for binding in [*result.bindings, *result.variable_ports]:
        _place(binding, groups)
    facts: list[PodTemplate | Service | IngressBackend] = [
        *result.workloads,
        *result.services,
        *result.backends,
    ]
    for fact in facts:
        fact.cluster = groups.cluster(fact.location.path)
    containerize(result)
    select_workloads(result.services, result.workloads)
    return Model(
        result.bindings,
        result.diagnostics,
        result.workloads,
        result.services,
        result.backends,
        files,
        hosts=groups.placement.reasons,
        served=result.served,
        variable_ports=result.variable_ports,
    )


class _Groups:
    """Host group and cluster per file (matching globs costs more than parsing a binding),
    and one shared `Namespace` value per distinct resolved namespace."""

    def __init__(self, options: Options, placement: HostPlacement) -> None:
        self.options = options
        self.placement = placement
        self._hosts: dict[tuple[str, str | None], str] = {}
        self._clusters: dict[str, str] = {}
        self._namespaces: dict[tuple[Namespace, str], Namespace] = {}
        #: one string per distinct image and label (each container or service had its own
        #: copy, from its YAML scalar or its f-string: megabytes on a large tree)
        self.strings: dict[str, str] = {}

    def host(self, path: str, project: str | None) -> str:
        found = self._hosts.get((path, project))
        if found is None:
            found = self._hosts[(path, project)] = self.placement.host(path, project)
        return found

    def cluster(self, path: str) -> str:
        found = self._clusters.get(path)
        if found is None:
            found = group_for(path, self.options.clusters, _DEFAULT_GROUP)
            self._clusters[path] = found
        return found

    def namespace(self, namespace: Namespace, group: str) -> Namespace:
        key = (namespace, group)
        found = self._namespaces.get(key)
        if found is None:
            found = self._namespaces[key] = namespace.replace(group=group)
        return found


def _place(binding: Binding, groups: _Groups) -> None:
    """Fill in the binding's host group or cluster, and a per-host daemon's owner."""
    strings = groups.strings
    if binding.image is not None:
        binding.image = strings.setdefault(binding.image, binding.image)
    if binding.label is not None:
        binding.label = strings.setdefault(binding.label, binding.label)
    namespace = binding.namespace
    path = binding.main_file or binding.location.path
    if namespace.kind in HOST_KINDS and not namespace.group:
        project = binding.project if binding.format == "compose" else None
        host = groups.host(path, project)
        binding.namespace = groups.namespace(namespace, host)
        if binding.daemon is not None:
            binding.owner = f"{binding.daemon}@{host}"
    elif namespace.kind in CLUSTER_KINDS and not namespace.group:
        binding.namespace = groups.namespace(namespace, groups.cluster(path))


def containerize(result: ParseResult) -> None:
    """Move listeners of mounted config files into the mounting container's namespace.
    A file a Dockerfile copies (portlint.build_copies) is in that image's namespace unless
    a Compose service mounts it or builds the image: the service's container wins."""
    ordered = sorted(result.mounts, key=lambda m: m.namespace.kind != "dockerfile")
    mounts: dict[Path, Mount] = {m.source: m for m in ordered}
    if not mounts:
        return
    cache: dict[str, Mount | None] = {}
    for binding in result.bindings:
        if binding.role != Role.LISTEN or binding.format not in _CONFIG_FORMATS:
            continue
        path = binding.location.path
        if path not in cache:
            cache[path] = _mount_for(Path(os.path.abspath(path)), mounts)
        mount = cache[path]
        if mount is None:
            continue
        binding.namespace = mount.namespace
        binding.role = Role.CONTAINER
        binding.owner = mount.owner
        binding.label = f"{binding.format} in {mount.label}"


def _mount_for(path: Path, mounts: dict[Path, Mount]) -> Mount | None:
    for candidate in (path, *path.parents):
        mount = mounts.get(candidate)
        if mount is not None:
            return mount
    return None


def select_workloads(services: Iterable[Service], workloads: Iterable[PodTemplate]) -> None:
    """Set each Service's `selected`: the workloads (every copy of each, in order) its
    selector picks in its cluster and namespace. Workloads are indexed by label, so a
    Service looks only at those carrying its rarest selector label, and Services with
    the same selector share one `Selection`: N Services over N Deployments cost N, not N²."""
    index = _LabelIndex(workloads)
    shared: dict[tuple, Selection] = {}
    for service in services:
        if service.type == "ExternalName" or not service.selector:
            continue
        place = (service.cluster, service.ident[1])
        key = (place, tuple(sorted(service.selector.items())))
        selection = shared.get(key)
        if selection is None:
            selection = shared[key] = Selection.of(index.selected(place, service.selector))
        service.selected = selection


class _LabelIndex:
    """Workloads (copies merged by cluster and ident) by (cluster, namespace) and label."""

    def __init__(self, workloads: Iterable[PodTemplate]) -> None:
        by_object: dict[tuple, list[PodTemplate]] = defaultdict(list)
        for workload in workloads:
            by_object[(workload.cluster, *workload.ident)].append(workload)
        self.groups: dict[tuple, list[list[PodTemplate]]] = defaultdict(list)
        self.postings: dict[tuple, dict[tuple[str, str], list[int]]] = defaultdict(dict)
        for copies in by_object.values():
            place = (copies[0].cluster, copies[0].ident[1])
            number = len(self.groups[place])
            self.groups[place].append(copies)
            postings = self.postings[place]
            for copy in copies:
                for label in copy.labels.items():
                    found = postings.setdefault(label, [])
                    if not found or found[-1] != number:
                        found.append(number)

    def selected(self, place: tuple, selector: dict[str, str]) -> list[list[PodTemplate]]:
        postings = self.postings.get(place, {})
        lists = [postings.get(label, []) for label in selector.items()]
        groups = self.groups.get(place, [])
        return [
            groups[number]
            for number in min(lists, key=len)
            if any(_selects(selector, copy.labels) for copy in groups[number])
        ]


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())
