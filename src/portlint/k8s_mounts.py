"""The resolve stage's join of pods and ConfigMaps (they are often in different files):
a config a container mounts listens in that container, and environment a container takes
from a ConfigMap sets its documented listen ports.

- Files: each `ConfigEntry` a container mounts (`Container.mounts`) gives its parsed
  listeners to that container only (its pod's network namespace; the node's too with
  `hostNetwork: true`), and its explicitly set port numbers (`ConfigEntry.ports`) become
  `Container.config_ports`: possibly served, so PL401 does not call such a targetPort
  unserved. A ConfigMap nobody mounts contributes nothing.
- Environment: `envFrom.configMapRef` and `valueFrom.configMapKeyRef` values are read as
  literal `env` values are (`portlint.flags.environment`), placed on the ConfigMap's value.

ConfigMaps are looked up in the pod's cluster and namespace; of several copies (a base
and an overlay) the one in the pod's own file wins, else the first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from portlint.k8s_objects import ConfigEntry, ConfigMap, Container, ContainerPort, PodTemplate
from portlint.model import Binding, Diagnostic, ParseResult, Protocol, Role
from portlint.namespaces import Namespace


def mount_configmaps(result: ParseResult, cluster: Callable[[str], str]) -> None:
    """Complete `result` in place: bindings of mounted configs and ConfigMap environment,
    `Container.config_ports` and `env_ports`, and the `Served` facts they extend. The
    containers' fields are set afresh (the language server resolves the same parse
    results again after every edit)."""
    for pod in result.workloads:
        for container in pod.containers:
            if container.config_ports or container.env_ports:
                container.config_ports, container.env_ports = frozenset(), []
    if not result.configmaps:
        return
    index = _Index(result.configmaps, cluster)
    joiner = _Joiner(result)
    for pod in result.workloads:
        place = cluster(pod.location.path)
        for container in pod.containers:
            if container.mounts or container.env_refs:
                joiner.container(pod, container, index.finder(place, pod))
    joiner.finish()


class _Index:
    """ConfigMaps by (cluster, namespace, name); of several copies, the one in the pod's
    own file, else the first."""

    def __init__(self, configmaps: list[ConfigMap], cluster: Callable[[str], str]) -> None:
        self.copies: dict[tuple[str, str, str], list[ConfigMap]] = defaultdict(list)
        for configmap in configmaps:
            configmap.cluster = cluster(configmap.location.path)
            _, namespace, name = configmap.ident
            self.copies[(configmap.cluster, namespace, name)].append(configmap)

    def finder(self, place: str, pod: PodTemplate) -> Callable[[str], ConfigMap | None]:
        def find(name: str) -> ConfigMap | None:
            copies = self.copies.get((place, pod.ident[1], name))
            if not copies:
                return None
            same = [c for c in copies if c.location.path == pod.location.path]
            return (same or copies)[0]

        return find


class _Joiner:
    """Adds what each container takes from ConfigMaps to the parse result."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.extra_served: dict[str, set[tuple[int, Protocol]]] = defaultdict(set)
        self.reported: set[tuple] = set()

    def container(
        self,
        pod: PodTemplate,
        container: Container,
        find: Callable[[str], ConfigMap | None],
    ) -> None:
        kind, namespace, name = pod.ident
        init = container.name if container.role == "init" else None
        common = dict(
            replicas=pod.replicas,
            workload_kind=kind,
            image=container.image,
            node_name=pod.node_name,
        )
        where = Namespace.pod(namespace, kind, name, init)
        seen: set[tuple[str, str]] = set()
        for configmap, entry, path in self._mounted(container, find):
            if (configmap.ident[2], entry.key) in seen:
                continue
            seen.add((configmap.ident[2], entry.key))
            container.config_ports = container.config_ports | entry.ports
            self.extra_served[container.owner].update((p, Protocol.TCP) for p in entry.ports)
            label = (
                f"container {container.name!r} of {kind}/{namespace}/{name} "
                f"(ConfigMap {configmap.ident[2]}, key {entry.key}, at {path})"
            )
            for listener in entry.bindings:
                made = listener.replace(
                    namespace=where,
                    role=Role.CONTAINER,
                    owner=container.owner,
                    container=container.facts,  # what PL202 would need (it reads kubernetes only)
                    label=f"{listener.format} in {label}",
                    daemon=None,
                    main_file="",
                    source=f"ConfigMap {configmap.ident[2]} key {entry.key}",
                    **common,
                )
                self.result.bindings.append(made)
                self.on_node(pod, made)
        for configmap, entry, variable in self._environment(container, find):
            self._variable(pod, container, where, configmap, entry, variable, common)

    def on_node(self, pod: PodTemplate, made: Binding) -> None:
        """With `hostNetwork: true` the container's sockets are the node's."""
        if pod.host_network:
            kind, namespace, name = pod.ident
            self.result.bindings.append(
                made.replace(
                    namespace=Namespace.node(), role=Role.LISTEN, owner=f"{kind}/{namespace}/{name}"
                )
            )

    def _mounted(
        self, container: Container, find: Callable[[str], ConfigMap | None]
    ) -> Iterator[tuple[ConfigMap, ConfigEntry, str]]:
        for mount in container.mounts:
            configmap = find(mount.configmap)
            if configmap is None:
                continue
            for entry in configmap.entries:
                if mount.key is None:
                    yield configmap, entry, f"{mount.path.rstrip('/')}/{entry.key}"
                elif entry.key == mount.key:
                    yield configmap, entry, mount.path

    def _environment(
        self, container: Container, find: Callable[[str], ConfigMap | None]
    ) -> Iterator[tuple[ConfigMap, ConfigEntry, str]]:
        for ref in container.env_refs:
            configmap = find(ref.configmap)
            if configmap is None:
                continue
            for entry in configmap.entries:
                if ref.key is None:
                    variable = ref.prefix + entry.key
                    if variable not in ref.shadowed:
                        yield configmap, entry, variable
                elif entry.key == ref.key:
                    yield configmap, entry, ref.variable

    def _variable(
        self,
        pod: PodTemplate,
        container: Container,
        where: Namespace,
        configmap: ConfigMap,
        entry: ConfigEntry,
        variable: str,
        common: dict,
    ) -> None:
        from portlint.flags.environment import applies, value_problem
        from portlint.numbers import parse_port
        from portlint.registry import identify

        value, location = entry.value, entry.value_location
        known = applies(variable, container.image)
        if known is None or value is None or location is None or "$" in value:
            return
        problem = value_problem(known, value)
        if problem is not None:
            key = (location, variable)
            if key not in self.reported:
                self.reported.add(key)
                self.result.diagnostics.append(
                    Diagnostic("PL002", problem, location, key=f"{container.owner}|{variable}")
                )
            return
        port = parse_port(value)
        if port is None:
            return
        made = Binding(
            port,
            Protocol.TCP,
            where,
            Role.CONTAINER,
            container.owner,
            "kubernetes",
            location,
            identity=identify(image=container.image, name=container.name),
            container=container.facts,
            source=f"environment {variable} (ConfigMap {configmap.ident[2]})",
            **common,
        )
        self.result.bindings.append(made)
        container.env_ports.append(ContainerPort(port, None, Protocol.TCP, location))
        self.extra_served[container.owner].add((port, Protocol.TCP))
        declared = {(p.number, p.protocol) for p in container.ports}
        if (port, Protocol.TCP) not in declared:
            self.on_node(pod, made)

    def finish(self) -> None:
        """Ports a config or ConfigMap variable sets are served too (PL405 judges a known
        program by its flags: these must not look unserved)."""
        if not self.extra_served:
            return
        self.result.served = [
            fact.replace(ports=fact.ports | self.extra_served[fact.owner])
            if fact.owner in self.extra_served
            else fact
            for fact in self.result.served
        ]
