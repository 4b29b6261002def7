"""Reading Kubernetes port values as the API server would: int32 ports, IntOrString
targets, IANA_SVC_NAME and DNS-label names, upper-case protocols.

Every value the API server would reject is a Diagnostic at the exact scalar (PL002 for
numbers and protocols, PL005 for names), so `kubectl apply` failures show up here first.
"""

from __future__ import annotations

import re
import sys

import yaml

from portlint.model import MAX_PORT, Binding, Diagnostic, ParseResult, Protocol
from portlint.numbers import MAX_DIGITS, is_digits, parse_int, quote_value
from portlint.records import Record, field
from portlint.source import Location, SourceFile
from portlint.yamlnodes import Node, ScalarNode, is_null, is_plain_int, kind_name, location

_SVC_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_INT_TAG = "tag:yaml.org,2002:int"


class ObjectContext(Record):
    """One Kubernetes object being read: where it is, and where its results go."""

    source: SourceFile
    result: ParseResult
    kind: str
    namespace: str
    name: str
    bindings: list[Binding] = field(default_factory=list)
    #: Which definition of this object in its file (2: the second; PL104 reports it, and
    #: its Service ports are a namespace of their own so the copies never collide).
    copy: int = 1

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    @property
    def owner(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"

    def loc(self, node: Node) -> Location:
        return location(self.source, node)

    def diag(self, rule: str, message: str, node: Node, key: str = "") -> None:
        self.result.diagnostics.append(
            Diagnostic(rule, message, self.loc(node), key=key or f"{self.owner}:{message}")
        )


#: Longer texts are not interned (an embedded config, a certificate).
_INTERN_LIMIT = 128


def scalar_text(node: Node | None) -> str | None:
    """A non-null scalar's text, else None; one shared string per short text (names,
    kinds, images and namespaces recur in every object, and the model keeps them)."""
    if isinstance(node, ScalarNode) and not is_null(node):
        value: str = node.value
        return sys.intern(value) if len(value) <= _INTERN_LIMIT else value
    return None


def is_true(node: Node | None) -> bool:
    """A YAML 1.1 true (`true`, `yes`, `on`), as the Kubernetes YAML decoder reads it."""
    return (
        isinstance(node, ScalarNode)
        and not node.style
        and node.value.lower() in ("true", "yes", "on", "y")
    )


def _plain_int(node: ScalarNode) -> int | None:
    """The integer a YAML 1.1 plain int scalar denotes (decimal, 0x.., 0o.., 1_000)."""
    text = node.value.replace("_", "")
    number = parse_int(text.lstrip("+-"))
    if number is not None:
        return -number if text.startswith("-") else number
    if len(text) <= 2 * MAX_DIGITS:  # 0x1F, 0o17, 1:30 (YAML 1.1 ints); longer: no port
        try:
            value = yaml.SafeLoader.construct_yaml_int(yaml.SafeLoader(""), node)
        except (ValueError, yaml.YAMLError):
            return None
        return value if isinstance(value, int) else None
    return None


def _shown_kind(node: Node) -> str:
    """`kind_name`, but a scalar is quoted only when it cannot be a secret."""
    if isinstance(node, ScalarNode) and not is_null(node):
        quoted = quote_value(node.value)
        return f"the scalar {quoted}" if quoted else "a text that is not a number"
    return kind_name(node)


def port_number(
    ctx: ObjectContext, node: Node | None, field_name: str, zero_means_unset: bool = False
) -> int | None:
    """An int32 port field (containerPort, hostPort, port, nodePort, grpc.port).

    Returns None when absent or invalid (and records a PL002 for invalid values); 0 is
    returned as 0 only for fields where it means "unset" (hostPort, nodePort).
    """
    if node is None or is_null(node):
        return None
    number = _plain_int(node) if isinstance(node, ScalarNode) and is_plain_int(node) else None
    if number is None:
        if isinstance(node, ScalarNode) and is_digits(node.value):
            ctx.diag(
                "PL002",
                f"{field_name} {node.value!r} is a string; the API server "
                "requires a number here: write it without quotes",
                node,
            )
        else:
            ctx.diag(
                "PL002",
                f"{field_name} must be a port number (1-65535), not {_shown_kind(node)}",
                node,
            )
        return None
    if number == 0 and zero_means_unset:
        return 0
    if not 1 <= number <= MAX_PORT:
        ctx.diag("PL002", f"{field_name} {number} is outside 1-65535", node, key=str(number))
        return None
    return number


def int_or_name(ctx: ObjectContext, node: Node | None, field_name: str) -> int | str | None:
    """An IntOrString port (targetPort, probe port, ingress servicePort): a number, or an
    IANA_SVC_NAME naming a container port. None when absent or invalid."""
    if node is None or is_null(node):
        return None
    if isinstance(node, ScalarNode) and is_plain_int(node):
        return port_number(ctx, node, field_name)
    if not isinstance(node, ScalarNode):
        ctx.diag(
            "PL002", f"{field_name} must be a port number or name, not {kind_name(node)}", node
        )
        return None
    text = node.value
    if text == "" and field_name == "targetPort":
        return None  # an empty targetPort defaults to the port, as an absent one does
    if is_digits(text):
        # IntOrString: a quoted number is a *name*, and no name is all digits.
        ctx.diag(
            "PL002",
            f"{field_name} {text!r} is a string, so Kubernetes reads it as a "
            "port name, and a name needs a letter: write the number without quotes",
            node,
        )
        return None
    return sys.intern(text) if check_svc_name(ctx, node, field_name) else None


def check_svc_name(ctx: ObjectContext, node: ScalarNode, field_name: str) -> bool:
    """PL005 unless the scalar is an IANA_SVC_NAME (container port and target names)."""
    problem = svc_name_problem(node.value)
    if problem:
        ctx.diag(
            "PL005",
            f"{field_name} {node.value!r} is not a valid port name: {problem} "
            "(IANA_SVC_NAME: at most 15 characters, a-z, 0-9 and '-', at least one "
            "letter, no '--', no '-' at either end)",
            node,
            key=node.value,
        )
        return False
    return True


_SVC_NAME_CHARS = re.compile(r"[a-z0-9-]+")
_LETTER = re.compile(r"[a-z]")


def svc_name_problem(name: str) -> str | None:
    """Why `name` is not an IANA_SVC_NAME (RFC 6335 5.1, as Kubernetes validates it)."""
    if not name:
        return "it is empty"
    if len(name) > 15:
        return f"it has {len(name)} characters"
    if not _SVC_NAME_CHARS.fullmatch(name):
        return "it has characters other than a-z, 0-9 and '-'"
    if name.startswith("-") or name.endswith("-"):
        return "it starts or ends with '-'"
    if "--" in name:
        return "it contains '--'"
    if not _LETTER.search(name):
        return "it has no letter"
    return None


def check_dns_label(ctx: ObjectContext, node: Node | None, field_name: str) -> str | None:
    """A Service port name: a DNS-1123 label (up to 63 characters). PL005 otherwise."""
    text = scalar_text(node)
    if text is None or node is None:
        return None
    if len(text) > 63 or not _SVC_NAME.match(text):
        ctx.diag(
            "PL005",
            f"{field_name} {text!r} is not a valid Service port name (a "
            "DNS-1123 label: at most 63 characters, a-z, 0-9 and '-', starting and "
            "ending with a letter or digit)",
            node,
            key=text,
        )
        return None
    return text


def protocol(ctx: ObjectContext, node: Node | None) -> Protocol:
    """TCP, UDP or SCTP (absent: TCP). Anything else is a PL002, read as TCP."""
    if node is not None and not isinstance(node, ScalarNode):
        ctx.diag("PL002", f"protocol must be TCP, UDP or SCTP, not {kind_name(node)}", node)
    text = scalar_text(node)
    if text is None or node is None:
        return Protocol.TCP
    parsed = Protocol.parse(text)
    if parsed is None or text != text.upper():
        ctx.diag("PL002", f"protocol {text!r} is not one of TCP, UDP, SCTP (upper case)", node)
    return parsed or Protocol.TCP
