"""PyYAML's node classes with `__slots__`, made the ones its composers build.

libyaml's composer (PyYAML's Cython `_yaml` module) and the pure-Python one create every
node by calling their module-level names `ScalarNode`, `SequenceNode` and `MappingNode`.
PyYAML's classes keep their five fields in a per-node `__dict__`; these subclasses keep
them in slots, which made composing the synthetic 1,000 tree a quarter faster (0.150 s ->
0.111 s: a tree's nodes are most of its objects, and each dict was allocated and filled).

They are subclasses with PyYAML's fields, so `isinstance` checks (PyYAML's constructors,
portlint's parsers) hold as before. The one place PyYAML compares node classes by identity
is the resolver (`kind is ScalarNode`, given the composer's class); `install` makes it
take these for PyYAML's own, so every loader in the process resolves the same tags as
before (tests/test_yamlclasses.py compares them on the corpus).
"""

from __future__ import annotations

from typing import Any

import yaml.composer
import yaml.nodes
import yaml.resolver

__all__ = ["MappingNode", "ScalarNode", "SequenceNode", "install"]


class ScalarNode(yaml.nodes.ScalarNode):
    __slots__ = ("tag", "value", "start_mark", "end_mark", "style")

    def __init__(
        self, tag: str, value: Any, start_mark: Any = None, end_mark: Any = None, style: Any = None
    ) -> None:
        self.tag = tag
        self.value = value
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.style = style


def _collection_init(
    self: Any,
    tag: str,
    value: Any,
    start_mark: Any = None,
    end_mark: Any = None,
    flow_style: Any = None,
) -> None:
    self.tag = tag
    self.value = value
    self.start_mark = start_mark
    self.end_mark = end_mark
    self.flow_style = flow_style


class SequenceNode(yaml.nodes.SequenceNode):
    __slots__ = ("tag", "value", "start_mark", "end_mark", "flow_style")
    __init__ = _collection_init


class MappingNode(yaml.nodes.MappingNode):
    __slots__ = ("tag", "value", "start_mark", "end_mark", "flow_style")
    __init__ = _collection_init


_BASES: dict[type, type] = {
    ScalarNode: yaml.nodes.ScalarNode,
    SequenceNode: yaml.nodes.SequenceNode,
    MappingNode: yaml.nodes.MappingNode,
}


def install() -> None:
    """Make both composers build these classes, and the resolver read them as PyYAML's
    (idempotent)."""
    if getattr(yaml.composer, "ScalarNode", None) is ScalarNode:
        return  # installed already (the resolver must not be wrapped twice)
    resolve = yaml.resolver.BaseResolver.resolve

    def resolve_any_node_class(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
        return resolve(self, _BASES.get(kind, kind), value, implicit)

    yaml.resolver.BaseResolver.resolve = resolve_any_node_class  # type: ignore[method-assign]
    modules: list[Any] = [yaml.composer]
    try:
        import yaml._yaml as libyaml  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - PyYAML built without libyaml
        pass
    else:
        modules.append(libyaml)
    for module in modules:
        module.ScalarNode = ScalarNode
        module.SequenceNode = SequenceNode
        module.MappingNode = MappingNode
