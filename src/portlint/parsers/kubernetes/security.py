"""What decides whether a container may bind a port below the unprivileged start
(PL202): the user it runs as, NET_BIND_SERVICE, and the pod's
`net.ipv4.ip_unprivileged_port_start` sysctl.
"""

from __future__ import annotations

from portlint.numbers import parse_int
from portlint.parsers.kubernetes.values import is_true, scalar_text
from portlint.records import Record
from portlint.yamlnodes import Node, ScalarNode, SequenceNode, get, is_plain_int

UNPRIVILEGED_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


class Security(Record):
    """What decides whether a container may bind below the unprivileged start."""

    run_as_user: int | None = None
    run_as_non_root: bool | None = None

    def merged(self, node: Node | None) -> Security:
        user = get(node, "runAsUser")
        non_root = get(node, "runAsNonRoot")
        return Security(
            count(user, self.run_as_user),
            is_true(non_root)
            if isinstance(non_root, ScalarNode)
            and not non_root.style
            and non_root.tag.endswith(":bool")
            else self.run_as_non_root,
        )

    @property
    def non_root(self) -> bool | None:
        """True/False when the manifest says; None when the image's USER decides."""
        if self.run_as_user is not None:
            return self.run_as_user != 0
        return True if self.run_as_non_root else None


def capabilities(node: Node | None) -> tuple[bool, bool]:
    """NET_BIND_SERVICE added, and whether a drop (ALL or NET_BIND_SERVICE) removes it."""

    def names(key: str) -> set[str]:
        items = get(node, key)
        if not isinstance(items, SequenceNode):
            return set()
        found = set()
        for item in items.value:
            text = scalar_text(item)
            if text:
                found.add(text.upper().removeprefix("CAP_"))
        return found

    added = "NET_BIND_SERVICE" in names("add")
    dropped = bool(names("drop") & {"ALL", "NET_BIND_SERVICE"})
    return added, dropped and not added


def sysctl_start(node: Node | None) -> int | None:
    """The pod's `net.ipv4.ip_unprivileged_port_start` sysctl, when it sets one."""
    if not isinstance(node, SequenceNode):
        return None
    for item in node.value:
        if scalar_text(get(item, "name")) == UNPRIVILEGED_SYSCTL:
            value = scalar_text(get(item, "value"))
            if value is not None and parse_int(value) is not None:
                return parse_int(value)
    return None


def count(node: Node | None, default: int | None) -> int | None:
    """A plain YAML int written with ASCII digits only (a user ID, a replica count)."""
    if isinstance(node, ScalarNode) and is_plain_int(node):
        value = parse_int(node.value)
        if value is not None:
            return value
    return default
