"""Safe YAML with positions: compose nodes (never construct), with hostile-input limits.

Composing keeps every scalar's raw text and its marks, so parsers read `22:22` as the text
"22:22" (never YAML 1.1's base-60 integer) and report exact positions. Nothing is ever
constructed, so Python-object tags are inert. libyaml's C composer is used when present.

Limits, each a PL001 finding when exceeded (`portlint.yamllimits`):
- file size (checked by the reader);
- nesting depth, checked on the raw bytes *before* composing, because libyaml's C composer
  recurses and a 50,000-deep flow list overflows the C stack (a segfault, not an error);
- alias expansion (billion laughs) and recursive aliases, checked on the composed graph
  only when the text defines anchors.

A mapping that repeats a key is refused too (`DuplicateKeyError` from portlint.yamlkeys,
at the second key): YAML forbids it, Compose and kubectl reject the file, and PyYAML would
silently keep the last value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from portlint.options import Limits
from portlint.records import Record
from portlint.source import Location, SourceFile
from portlint.yamllimits import HAVE_LIBYAML as HAVE_LIBYAML  # re-exported for parsers
from portlint.yamllimits import SafeLoader as SafeLoader
from portlint.yamllimits import YamlLimitError as YamlLimitError
from portlint.yamllimits import check_depth, check_expansion, children

# PyYAML's own tag resolution (YAML 1.1 implicit types), memoised: a tag is a function of
# (node kind, scalar text, implicit flags) when no path resolvers are registered, and the
# same keys and values recur in every file. lru_cache is C, so a hit costs no Python frame.
_resolve_tag = lru_cache(maxsize=1024)(yaml.resolver.Resolver().resolve)
#: Composed text longer than this clears the memo, so it never holds large scalars.
_MEMO_TEXT_LIMIT = 64 * 1024


class _Loader(SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, composing only, with cheaper per-node callbacks.

    The composer calls resolve() for every node and descend_resolver()/ascend_resolver()
    around it, Python methods that were a third of composing time. Resolution is
    memoised; the path-resolver hooks, which do nothing when no path resolvers are
    registered (portlint registers none), become C built-ins that do nothing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.resolve = _resolve_tag  # type: ignore[method-assign]
        self.descend_resolver = {}.get  # type: ignore[method-assign,assignment]
        self.ascend_resolver = tuple  # type: ignore[method-assign,assignment]


__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "YamlDocument",
    "YamlLimitError",
    "compose_documents",
    "get",
    "items",
    "location",
    "is_plain_int",
]

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"

#: An anchor's and an alias's name (YAML's scanners, libyaml's and PyYAML's, take
#: letters, digits, `-` and `_`), where a token may start.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&([0-9A-Za-z_-]+)")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*([0-9A-Za-z_-]+)")
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class YamlDocument(Record):
    source: SourceFile
    node: Node
    index: int  # 0-based document number in the file


def compose_documents(source: SourceFile, limits: Limits) -> list[YamlDocument]:
    """Every non-empty document of a YAML stream, composed to nodes.

    Raises yaml.YAMLError (syntax) or YamlLimitError (a limit); the caller turns either
    into a PL001 finding.
    """
    text = source.text
    check_depth(text, limits.max_depth)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except RecursionError as error:  # the pure-Python composer
        raise YamlLimitError(f"nesting deeper than Python can compose ({error})") from None
    finally:
        if len(text) > _MEMO_TEXT_LIMIT:
            _resolve_tag.cache_clear()
    # Only text with an alias of one of its anchors can expand (`in` first: a C scan, 10x
    # a regex). Names, not just the two signs: `&&` and `*string` in the descriptions of
    # a 1 MB CRD made this walk of every node a tenth of the corpus's YAML time.
    if "&" in text and "*" in text and _aliases_an_anchor(text):
        for node in nodes:
            if node is not None:
                check_expansion(node, limits)
    if _has_odd_breaks(text):
        _renumber(source, nodes)
    from portlint.yamlkeys import check_duplicate_keys  # it subclasses YamlLimitError

    shared = "*" in text  # only an alias gives a node a second parent
    for node in nodes:
        if node is not None:
            check_duplicate_keys(node, shared)
    return [YamlDocument(source, node, i) for i, node in enumerate(nodes) if not _empty(node)]


def _aliases_an_anchor(text: str) -> bool:
    """Whether some `*name` may refer to an `&name` of the text (an alias of no anchor
    is a composer error, raised before this is asked)."""
    anchors = set(_ANCHOR.findall(text))
    return bool(anchors) and any(name in anchors for name in _ALIAS.findall(text))


def _has_odd_breaks(text: str) -> bool:
    """A lone CR, NEL, LS or PS; `in` returns at once for characters wider than the text's
    (every ASCII file), so the regex runs only when one may be there."""
    if not ("\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text):
        return False
    return _ODD_BREAKS.search(text) is not None


def _renumber(source: SourceFile, nodes: Sequence[Node | None]) -> None:
    """YAML also breaks lines at a lone CR, NEL, LS and PS; editors, GitHub and every other
    parser here count only LF. Recompute the marks from their character index (rare)."""
    seen: set[int] = set()
    stack = [node for node in nodes if node is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        node.start_mark = _lf_mark(source, node.start_mark)
        node.end_mark = _lf_mark(source, node.end_mark)
        stack.extend(children(node))


def _lf_mark(source: SourceFile, mark: yaml.Mark) -> yaml.Mark:
    line, column = source.offset_to_position(mark.index)
    return yaml.Mark(mark.name, mark.index, line - 1, column - 1, None, 0)


def _empty(node: Node | None) -> bool:
    """No document, or an explicit empty one (`---` alone): as an empty file."""
    return node is None or (
        isinstance(node, ScalarNode)
        and node.tag == _NULL_TAG
        and node.value == ""
        and not node.style
    )


# --- helpers for parsers -------------------------------------------------------------


def location(source: SourceFile, node: Node) -> Location:
    """The exact span of a node (0-based marks to 1-based lines and columns)."""
    start, end = node.start_mark, node.end_mark
    return Location(source.display, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def get(node: Node | None, key: str) -> Node | None:
    """The value node for `key` in a mapping node: the last explicit one, else one merged
    in with `<<: *anchor` (Compose files use merge keys a lot)."""
    if not isinstance(node, MappingNode):
        return None
    # Hot (parsers ask for many keys of every mapping): one scan from the end, so the last
    # duplicate is found first, noting merge keys on the way; a non-scalar key's value is
    # a list, never equal to a str.
    merges: list[Node] | None = None
    for key_node, value_node in reversed(node.value):
        text = key_node.value
        if text == key or text == "<<" or key_node.tag == _MERGE_TAG:
            if not isinstance(key_node, ScalarNode):
                continue
            if _is_merge_key(key_node):
                if merges is None:
                    merges = []
                merges.append(value_node)
            elif text == key:
                return value_node
    if merges is None:
        return None
    merges.reverse()  # in document order, as written
    for merged in _merge_sources(merges):
        value = get(merged, key)
        if value is not None:
            return value
    return None


def as_dict(node: Node | None) -> dict[str, Node]:
    """A mapping node's scalar keys and value nodes as a dict, merge keys resolved (explicit
    keys win, the last duplicate wins): one pass for a parser that reads many keys."""
    if not isinstance(node, MappingNode):
        return {}
    table: dict[str, Node] = {}
    merged = False
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            if _is_merge_key(key_node):
                merged = True
            else:
                table[key_node.value] = value_node
    if merged:
        for key, _key_node, value_node in items(node):
            table.setdefault(key, value_node)
    return table


def items(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """(key text, key node, value node) for scalar keys of a mapping node, merge keys
    (`<<`) resolved: explicit keys win over merged ones."""
    if not isinstance(node, MappingNode):
        return
    seen: set[str] = set()
    merges: list[Node] = []
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            if _is_merge_key(key_node):
                merges.append(value_node)
                continue
            seen.add(key_node.value)
            yield key_node.value, key_node, value_node
    for merged in _merge_sources(merges):
        for key, key_node, value_node in items(merged):
            if key not in seen:
                seen.add(key)
                yield key, key_node, value_node


def _is_merge_key(node: ScalarNode) -> bool:
    return node.tag == _MERGE_TAG or (node.value == "<<" and not node.style)


def _merge_sources(merges: list[Node]) -> Iterator[Node]:
    for merged in merges:
        if isinstance(merged, SequenceNode):
            yield from (m for m in merged.value if isinstance(m, MappingNode))
        elif isinstance(merged, MappingNode):
            yield merged


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG)


def is_plain_int(node: Node) -> bool:
    """A plain scalar that a YAML 1.1 loader resolves to an integer."""
    return isinstance(node, ScalarNode) and not node.style and node.tag == _INT_TAG


def is_string(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == _STR_TAG


def kind_name(node: Node | None) -> str:
    """How a node reads to a user, for type-error messages."""
    if node is None or is_null(node):
        return "null"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return f"the scalar {node.value!r}"
