"""Duplicate mapping keys: YAML forbids them, Compose and kubectl reject a file holding
one, and PyYAML silently keeps the last value. Checked on the composed node graph."""

from __future__ import annotations

from collections.abc import Iterator

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from portlint import yamlclasses
from portlint.yamlnodes import YamlLimitError

_MERGE_TAG = "tag:yaml.org,2002:merge"
#: The class every composer builds scalars with (a node of another class is still
#: checked: it goes on the stack and is skipped there).
_SCALAR = yamlclasses.ScalarNode


class DuplicateKeyError(YamlLimitError):
    """A mapping repeats a key; `problem_mark` is the second occurrence."""

    @classmethod
    def at(cls, first: ScalarNode, second: ScalarNode) -> DuplicateKeyError:
        text = second.value if len(second.value) <= 40 else second.value[:40] + "…"
        error = cls(
            f"duplicate key {text!r} (first at line {first.start_mark.line + 1}, column "
            f"{first.start_mark.column + 1}): YAML forbids repeated keys, and Compose and "
            "kubectl reject the file"
        )
        error.problem_mark = second.start_mark
        return error


def check_duplicate_keys(root: Node, shared: bool = True) -> None:
    """Raise DuplicateKeyError at the repeated key written first in the document;
    `shared=False` says no node has two parents (the text has no alias)."""
    duplicate = first_duplicate_key(root, shared)
    if duplicate is not None:
        raise DuplicateKeyError.at(*duplicate)


def first_duplicate_key(root: Node, shared: bool = True) -> tuple[ScalarNode, ScalarNode] | None:
    """(first key, repeating key) for the repeated key written first in the document, or
    None. Scalar keys compare by tag and text, so `1` and `"1"` differ; merge
    keys (`<<`) may repeat, as PyYAML and Compose accept. Each node is looked at once,
    however many aliases point at it; without aliases (`shared=False`) every node has one
    parent, and the walk keeps no set of the nodes it saw (a quarter of its time)."""
    seen: set[int] | None = set() if shared else None
    stack = [root]
    found: tuple[ScalarNode, ScalarNode] | None = None
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        if seen is not None:
            if id(node) in seen:
                continue
            seen.add(id(node))
        if isinstance(node, MappingNode):
            pairs = node.value
            if len(pairs) > 1 and _may_repeat(pairs) and _repeats_a_key(pairs):
                pair = _pair(pairs)
                if found is None or pair[1].start_mark.index < found[1].start_mark.index:
                    found = pair
            # Hot (every mapping of every file): scalars hold no mappings, so only
            # collections go on the stack (a scalar subclass pushed would be skipped).
            for key, value in pairs:
                if value.__class__ is not _SCALAR:
                    push(value)
                if key.__class__ is not _SCALAR:
                    push(key)
        elif isinstance(node, SequenceNode):
            extend([child for child in node.value if child.__class__ is not _SCALAR])
    return found


def _may_repeat(pairs: list[tuple[Node, Node]]) -> bool:
    """False when no two keys have the same text (a set of strings, built in C): the
    common case, which needs no closer look."""
    try:
        return len({key.value for key, _ in pairs}) != len(pairs)
    except TypeError:  # a collection as a key (its value is a list)
        return True


def _repeats_a_key(pairs: list[tuple[Node, Node]]) -> bool:
    keys = {(k.tag, k.value) for k, _ in pairs if isinstance(k, ScalarNode)}
    scalars = sum(1 for k, _ in pairs if isinstance(k, ScalarNode))
    if len(keys) == scalars:
        return False
    return any(not _is_merge_key(k) for k in _repeated(pairs))


def _repeated(pairs: list[tuple[Node, Node]]) -> Iterator[ScalarNode]:
    """The key nodes that repeat an earlier key of the mapping, in document order."""
    earlier: set[tuple[str, str]] = set()
    for key, _value in pairs:
        if not isinstance(key, ScalarNode):
            continue
        identity = (key.tag, key.value)
        if identity in earlier:
            yield key
        earlier.add(identity)


def _pair(pairs: list[tuple[Node, Node]]) -> tuple[ScalarNode, ScalarNode]:
    second = next(k for k in _repeated(pairs) if not _is_merge_key(k))
    identity = (second.tag, second.value)
    first = next(k for k, _ in pairs if isinstance(k, ScalarNode) and (k.tag, k.value) == identity)
    return first, second


def _is_merge_key(node: ScalarNode) -> bool:
    return node.tag == _MERGE_TAG or (node.value == "<<" and not node.style)
