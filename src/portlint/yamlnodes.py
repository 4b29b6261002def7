"""Safe YAML with positions: compose nodes (never construct), with hostile-input limits.

Composing keeps every scalar's raw text and its marks, so parsers read `22:22` as the text
"22:22" (never YAML 1.1's base-60 integer) and report exact positions. Nothing is ever
constructed, so Python-object tags are inert. libyaml's C composer is used when present.

Limits, each a PL001 finding when exceeded (see `YamlLimitError`):
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
from itertools import accumulate
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from portlint.options import Limits
from portlint.records import Record
from portlint.source import Location, SourceFile

#: libyaml's safe loader when PyYAML has it (the pure-Python one is ~10x slower); what
#: every YAML portlint reads is loaded or composed with.
try:
    from yaml import CSafeLoader as SafeLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as SafeLoader  # type: ignore[assignment]

    HAVE_LIBYAML = False

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

_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]")
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s\[\]{},]")
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YamlLimitError(Exception):
    """The text exceeds a configured limit; the message names the limit."""

    #: Where, when known (as yaml.MarkedYAMLError): a pure-Python or a libyaml mark.
    problem_mark: Any = None


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
    _check_depth(text, limits.max_depth)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except RecursionError as error:  # the pure-Python composer
        raise YamlLimitError(f"nesting deeper than Python can compose ({error})") from None
    finally:
        if len(text) > _MEMO_TEXT_LIMIT:
            _resolve_tag.cache_clear()
    # Only text with an anchor and an alias can expand (`in` first: a C scan, 10x a regex).
    if "&" in text and "*" in text and _ANCHOR.search(text) and _ALIAS.search(text):
        for node in nodes:
            if node is not None:
                _check_expansion(node, limits)
    if _has_odd_breaks(text):
        _renumber(source, nodes)
    from portlint.yamlkeys import check_duplicate_keys  # it subclasses YamlLimitError

    for node in nodes:
        if node is not None:
            check_duplicate_keys(node)
    return [YamlDocument(source, node, i) for i, node in enumerate(nodes) if not _empty(node)]


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
        stack.extend(_children(node))


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


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse text nested deeper than `max_depth` before libyaml's recursive composer
    sees it (it segfaults near 25,000 levels, flow or block alike).

    A cheap bound first. Block collections opened on one line are at most its run of
    compact indicators (`- `, `? `, `: `) plus one mapping; those opened on earlier lines
    sit at distinct columns left of its indentation, at most two per column (a sequence
    may share its parent mapping's column). So block depth is at most 2 * W + 3, where W
    is the widest prefix of spaces and indicators on any line. Flow depth is at most the
    bracket depth (quoted brackets count too). Only text this bound cannot clear pays for
    the exact count on libyaml's event stream, which is iterative.
    """
    prefix_budget = max_depth // 5
    flow_budget = max_depth - 2 * prefix_budget - 1
    suspicious = _may_have_wide_prefix(text, prefix_budget) and (
        _wide_prefix(prefix_budget).search(text) is not None
    )
    if not suspicious and text.count("[") + text.count("{") > flow_budget:
        suspicious = _flow_depth(text) > flow_budget
    if suspicious:
        _exact_depth(text, max_depth)


def _may_have_wide_prefix(text: str, width: int) -> bool:
    """A line starting with `width` characters prefixes are made of (each unit of
    `_wide_prefix` is one or two): one character class, 8x faster to search for."""
    first, after_newline = _prefix_runs(width)
    return first.match(text) is not None or after_newline.search(text) is not None


@lru_cache(maxsize=8)
def _prefix_runs(width: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    run = "[-?: \t]{" + str(width) + "}"
    return re.compile(run), re.compile("\n" + run)


@lru_cache(maxsize=8)
def _wide_prefix(width: int) -> re.Pattern[str]:
    """A line whose structural prefix (indentation and compact indicators) has at least
    `width` units."""
    return re.compile(r"^(?:---[ \t]+)?(?:[ \t]|[-?:][ \t]){" + str(width) + "}", re.M)


def _flow_depth(text: str) -> int:
    """Maximum nesting of [ { against ] } (quoted brackets count too: conservative)."""
    steps = (1 if c in "[{" else -1 for c in re.findall(r"[\[\]{}]", text))
    return max(accumulate(steps, initial=0))


def _exact_depth(text: str, max_depth: int) -> None:
    """Count collection nesting on the event stream; raise at the first level too deep,
    with its position. A syntax error raises here exactly as composing would.

    libyaml (as bundled since PyYAML 6.0.4) refuses about 1,000 levels itself, and its
    scanner reads up to 1,024 characters ahead, so `[[[[...` fails there before the
    events reach our count; the pure-Python parser, iterative too and without that cap,
    then finds the first level over our limit (it stops there, so it stays cheap)."""
    try:
        _count_depth(text, max_depth, SafeLoader)
    except YamlLimitError:
        raise
    except yaml.YAMLError as error:
        if "maximum nesting depth" not in str(getattr(error, "problem", None)):
            raise
        _count_depth(text, max_depth, yaml.SafeLoader)


def _count_depth(text: str, max_depth: int, loader: type) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _STARTS):
            depth += 1
            if depth > max_depth:
                error = YamlLimitError(
                    f"nesting deeper than the limit of {max_depth} levels (max-depth)"
                )
                error.problem_mark = event.start_mark
                raise error
        elif isinstance(event, _ENDS):
            depth -= 1


def _check_expansion(root: Node, limits: Limits) -> None:
    """Expanded node count with aliases followed, computed on the graph (no expansion)."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    aliases = 0
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > limits.max_yaml_nodes:
                error = YamlLimitError(
                    f"alias expansion exceeds {limits.max_yaml_nodes} nodes (max-yaml-nodes)"
                )
                error.problem_mark = node.start_mark  # the smallest node over the limit
                raise error
            sizes[key] = total
            continue
        if key in sizes:
            aliases += 1
            if aliases > limits.max_aliases:
                error = YamlLimitError(f"more than {limits.max_aliases} aliases (max-aliases)")
                error.problem_mark = node.start_mark  # the anchored node aliased once too often
                raise error
            continue
        if key in in_progress:
            error = YamlLimitError("a recursive alias refers to its own ancestor")
            error.problem_mark = node.start_mark
            raise error
        in_progress.add(key)
        stack.append((node, True))
        for child in _children(node):
            stack.append((child, False))


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, SequenceNode):
        yield from node.value


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
