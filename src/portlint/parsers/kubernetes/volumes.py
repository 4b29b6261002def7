"""What a container takes from ConfigMaps: files (`volumes[].configMap` or `projected`
ConfigMap sources, mounted by `volumeMounts`, narrowed by `items` and `subPath`) and
environment (`envFrom[].configMapRef`, `env[].valueFrom.configMapKeyRef`).

Only references are read here; the ConfigMaps themselves may be in other files, so the
resolve stage (`portlint.k8s_mounts`) joins the two.
"""

from __future__ import annotations

import posixpath

from portlint.k8s_objects import ConfigMount, EnvRef
from portlint.parsers.kubernetes.values import scalar_text
from portlint.yamlnodes import MappingNode, Node, SequenceNode, get

#: A volume's ConfigMap sources: (ConfigMap name, {key: path in the volume} or None for
#: every key under its own name).
Sources = list[tuple[str, dict[str, str] | None]]


def pod_volumes(node: Node | None) -> dict[str, Sources]:
    """The pod's volumes that hold ConfigMap keys, by volume name."""
    volumes: dict[str, Sources] = {}
    for volume in node.value if isinstance(node, SequenceNode) else ():
        name = scalar_text(get(volume, "name"))
        if not name:
            continue
        sources: Sources = []
        _add_source(sources, get(volume, "configMap"))
        projected = get(get(volume, "projected"), "sources")
        for item in projected.value if isinstance(projected, SequenceNode) else ():
            _add_source(sources, get(item, "configMap"))
        if sources:
            volumes[name] = sources
    return volumes


def _add_source(sources: Sources, node: Node | None) -> None:
    name = scalar_text(get(node, "name"))
    if not name:
        return
    items = get(node, "items")
    if not isinstance(items, SequenceNode):
        sources.append((name, None))
        return
    paths = {}
    for item in items.value:
        key, path = scalar_text(get(item, "key")), scalar_text(get(item, "path"))
        if key:
            paths[key] = path or key
    sources.append((name, paths))


def container_mounts(node: Node | None, volumes: dict[str, Sources]) -> list[ConfigMount]:
    """The ConfigMap keys a container's `volumeMounts` make files of, with their paths."""
    mounts: list[ConfigMount] = []
    for entry in node.value if isinstance(node, SequenceNode) else ():
        sources = volumes.get(scalar_text(get(entry, "name")) or "")
        mount_path = scalar_text(get(entry, "mountPath"))
        if not sources or not mount_path:
            continue
        sub_path = (scalar_text(get(entry, "subPath")) or "").strip("/")
        for configmap, paths in sources:
            if paths is None:
                if sub_path:  # the key of that name (a nested subPath names no key)
                    mounts.append(ConfigMount(configmap, sub_path, mount_path))
                else:
                    mounts.append(ConfigMount(configmap, None, mount_path))
                continue
            for key, path in paths.items():
                if sub_path and path.strip("/") != sub_path:
                    continue
                where = mount_path if sub_path else posixpath.join(mount_path, path)
                mounts.append(ConfigMount(configmap, key, where))
    return mounts


def env_refs(env: Node | None, env_from: Node | None) -> list[EnvRef]:
    """`envFrom` ConfigMap references, then `env` entries taken from a ConfigMap key."""
    refs: list[EnvRef] = []
    own = frozenset(
        text
        for entry in (env.value if isinstance(env, SequenceNode) else ())
        if (text := scalar_text(get(entry, "name")))
    )
    for entry in env_from.value if isinstance(env_from, SequenceNode) else ():
        name = scalar_text(get(get(entry, "configMapRef"), "name"))
        if name:
            prefix = scalar_text(get(entry, "prefix")) or ""
            refs.append(EnvRef(name, None, prefix=prefix, shadowed=own))
    for entry in env.value if isinstance(env, SequenceNode) else ():
        ref = get(get(entry, "valueFrom"), "configMapKeyRef")
        variable = scalar_text(get(entry, "name"))
        configmap, key = scalar_text(get(ref, "name")), scalar_text(get(ref, "key"))
        if isinstance(ref, MappingNode) and variable and configmap and key:
            refs.append(EnvRef(configmap, key, variable=variable))
    return refs
