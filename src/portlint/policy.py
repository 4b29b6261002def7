"""Organisation policies (policies/*.yaml): range data for the range rules.

A policy is a shipped preset, selected by name (`default`, `strict`), or a user's file,
selected by path (`policy:` in the config, `--policy`). It is validated by
`policy_schema.json`; an invalid file is a `ConfigError` naming the file, the line and
the key, so a user can fix it without guessing.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path
from typing import Any

from portlint.configfiles import load_yaml, read_text
from portlint.errors import ConfigError, excerpt, excerpt_key, short_message
from portlint.model import HOST_FACING, Binding, Role
from portlint.options import Policy, PortSpan
from portlint.packaged import packaged_text
from portlint.records import FrozenRecord
from portlint.source import Roots
from portlint.validated import schema_errors

PRESETS = ("default", "strict")

#: Roles a forbidden entry or an allocation applies to unless it names its own: ports in
#: the namespaces an organisation shares (a host, a node, the cluster's NodePorts).
SHARED_ROLES = frozenset({*HOST_FACING, Role.NODE_PORT})


def _role_applies(roles: frozenset[Role] | None, binding: Binding) -> bool:
    """Explicit `roles`, else the shared roles plus Kubernetes containerPorts: a pod's IP
    is reachable from every pod in the cluster, so its ports face a shared network (a
    Compose container port is reachable only on its project's network)."""
    if roles is not None:
        return binding.role in roles
    if binding.role == Role.CONTAINER:
        return binding.namespace.kind == "pod"
    return binding.role in SHARED_ROLES


class Forbidden(FrozenRecord):
    spans: tuple[PortSpan, ...]
    reason: str = ""
    protocol: str | None = None  # None: every protocol
    roles: frozenset[Role] | None = None  # None: see _role_applies

    def forbids(self, binding: Binding) -> PortSpan | None:
        """The forbidden span the binding's ports touch, if it applies to the binding."""
        if not _role_applies(self.roles, binding):
            return None
        if self.protocol and binding.protocol.value != self.protocol:
            return None
        return next((s for s in self.spans if s.overlaps(binding.port, binding.end_port)), None)


class Allocation(FrozenRecord):
    owner: str  # the team or system the ranges belong to, for messages
    match: tuple[str, ...]  # globs on owner names (last owner component) or whole owners
    spans: tuple[PortSpan, ...]
    protocol: str | None = None
    roles: frozenset[Role] | None = None  # None: see _role_applies

    def matches(self, binding: Binding) -> bool:
        """`payments-*` matches the Compose service `proj/payments-api` and the Kubernetes
        workload `Deployment/prod/payments-api[/container]`; a glob with '/' matches the
        whole owner string."""
        name = owner_name(binding)
        for pattern in self.match:
            subject = binding.owner if "/" in pattern else name
            if fnmatch.fnmatchcase(subject.lower(), pattern.lower()):
                return True
        return False

    def applies(self, binding: Binding) -> bool:
        if not _role_applies(self.roles, binding):
            return False
        return not self.protocol or binding.protocol.value == self.protocol

    def spans_text(self) -> str:
        return ", ".join(str(s) for s in self.spans)


def owner_name(binding: Binding) -> str:
    """The name an allocation's `match` globs see: the Compose service, the Kubernetes
    object (not its container), or the last part of any other owner."""
    parts = binding.owner.split("/")
    if binding.format == "kubernetes" and len(parts) >= 3:
        return parts[2]
    return parts[-1].rsplit(":", 1)[-1]


def load_policy(name_or_path: str, base_dir: Path, inside: Roots | None = None) -> Policy:
    """A shipped preset by name, or a policy file by path (relative to base_dir); `inside`:
    where the file must be (a configuration's repository), None for `--policy`."""
    path = Path(name_or_path)
    if not path.is_absolute():
        path = base_dir / path
    if name_or_path in PRESETS and not path.is_file():
        text, where = _preset_text(name_or_path)
        return parse_policy(text, where, name_or_path)
    if not os.path.lexists(path):
        raise ConfigError(
            f"policy {excerpt(name_or_path)}: no such file, and not a preset ({', '.join(PRESETS)})"
        )
    if inside is not None and not inside.contains(path):
        roots = ", ".join(str(r) for r in inside.roots)
        raise ConfigError(
            f"policy {excerpt(name_or_path)}: outside the repository ({roots}); a policy "
            "named by a configuration file must be inside it (or give it with --policy)"
        )
    return parse_policy(read_text(path, "policy", inside), str(path), path.stem)


def _preset_text(name: str) -> tuple[str, str]:
    """A preset's text: from the installed package, else from a source checkout."""
    filename = f"{name}.yaml"
    try:
        return packaged_text("policies", filename), f"preset {name}"
    except OSError:
        pass  # not installed: a source checkout
    checkout = Path(__file__).resolve().parents[2] / "policies" / filename
    if checkout.is_file():
        return read_text(checkout, "policy"), f"preset {name} ({checkout})"
    raise ConfigError(f"policy preset {name!r} is missing from this installation")


def schema() -> dict[str, Any]:
    return json.loads(packaged_text("policy_schema.json"))


def parse_policy(text: str, where: str, name: str) -> Policy:
    """Validate policy text and build a `Policy`; errors name where, line and key."""
    data, node = load_yaml(text, where)
    if data is None:
        data = {}
    _validate(data, node, where)
    try:
        return _build(data, node, where, name)
    except _KeyError as error:
        raise ConfigError(_at(where, node, error.path, str(error.args[0]))) from None


class _KeyError(Exception):
    def __init__(self, message: str, path: list[Any]) -> None:
        super().__init__(message)
        self.path = path


def _validate(data: Any, node: Any, where: str) -> None:
    errors = sorted(schema_errors(schema(), data), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    message = short_message(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(str(k) for k in error.instance if k not in allowed)
        if extra:
            path.append(extra[0])
            message = f"unknown key (allowed: {', '.join(sorted(allowed))})"
            return _raise(where, node, path, message, key_node=True)
    elif error.validator == "oneOf":
        message = (
            f"{excerpt(error.instance)} is not a port, a range 'FIRST-LAST', or a list of them"
        )
    _raise(where, node, path, message)


def _raise(where: str, node: Any, path: list[Any], message: str, key_node: bool = False) -> None:
    raise ConfigError(_at(where, node, path, message, key_node))


def _at(where: str, node: Any, path: list[Any], message: str, key_node: bool = False) -> str:
    """'file:line:column: key.path: message' with the position of the node at path."""
    key = ".".join(excerpt_key(p) for p in path) or "(top level)"
    target = _node_at(node, path, key_node)
    if target is None:
        return f"{where}: {key}: {message}"
    mark = target.start_mark
    return f"{where}:{mark.line + 1}:{mark.column + 1}: {key}: {message}"


def _node_at(node: Any, path: list[Any], key_node: bool) -> Any:
    from yaml.nodes import MappingNode, SequenceNode

    current = node
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if isinstance(current, MappingNode):
            for k, v in current.value:
                if str(k.value) == str(part):
                    current = k if (last and key_node) else v
                    break
            else:
                return current
        elif isinstance(current, SequenceNode) and isinstance(part, int):
            if part >= len(current.value):
                return current
            current = current.value[part]
        else:
            return current
    return current


def _spans(value: Any, path: list[Any]) -> tuple[PortSpan, ...]:
    items = value if isinstance(value, list) else [value]
    spans = []
    for index, item in enumerate(items):
        where = path + [index] if isinstance(value, list) else path
        try:
            spans.append(PortSpan.parse(item))
        except ValueError:
            raise _KeyError(
                f"{excerpt(item)} is not a valid port range (0-65535, first <= last)", where
            ) from None
    return tuple(spans)


def _roles(value: Any) -> frozenset[Role] | None:
    return frozenset(Role(r) for r in value) if value else None


def _build(data: dict[str, Any], node: Any, where: str, name: str) -> Policy:
    policy = Policy(name=name, source=where)
    if "unprivileged-port-start" in data:
        policy.unprivileged_port_start = data["unprivileged-port-start"]
    if "rootless" in data:
        policy.rootless = bool(data["rootless"])
    if "ephemeral" in data:
        policy.ephemeral = _spans(data["ephemeral"], ["ephemeral"])
    if "nodeport-range" in data:
        policy.nodeport_range = _spans(data["nodeport-range"], ["nodeport-range"])[0]
    policy.strict_registry = data.get("registry") == "full"
    policy.forbidden = tuple(
        Forbidden(
            _spans(entry["ports"], ["forbidden", i, "ports"]),
            entry.get("reason", ""),
            entry.get("protocol"),
            _roles(entry.get("roles")),
        )
        for i, entry in enumerate(data.get("forbidden") or [])
    )
    allocations = []
    for i, entry in enumerate(data.get("allocations") or []):
        match = entry.get("match") or [entry["owner"], f"{entry['owner']}-*"]
        allocations.append(
            Allocation(
                entry["owner"],
                tuple([match] if isinstance(match, str) else match),
                _spans(entry["ports"], ["allocations", i, "ports"]),
                entry.get("protocol"),
                _roles(entry.get("roles")),
            )
        )
    policy.allocations = tuple(allocations)
    return policy
