"""Hostile-input limits on YAML: nesting depth checked on the raw text before libyaml's
recursive composer sees it, and alias expansion checked on the composed graph without
expanding it. Each violation is a `YamlLimitError` naming the limit, which callers turn
into PL001 at its position (see `portlint.yamlnodes`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from portlint import yamlclasses
from portlint.options import Limits

#: libyaml's safe loader when PyYAML has it (the pure-Python one is ~10x slower); what
#: every YAML portlint reads is loaded or composed with.
try:
    from yaml import CSafeLoader as SafeLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as SafeLoader  # type: ignore[assignment]

    HAVE_LIBYAML = False

yamlclasses.install()  # every node composed with it is one of portlint's slotted classes

_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class YamlLimitError(Exception):
    """The text exceeds a configured limit; the message names the limit."""

    #: Where, when known (as yaml.MarkedYAMLError): a pure-Python or a libyaml mark.
    problem_mark: Any = None


def check_depth(text: str, max_depth: int) -> None:
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


def check_expansion(root: Node, limits: Limits) -> None:
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
            total = 1 + sum(sizes[id(child)] for child in children(node))
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
        for child in children(node):
            stack.append((child, False))


def children(node: Node) -> Iterator[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, SequenceNode):
        yield from node.value
