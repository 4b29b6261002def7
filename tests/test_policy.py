"""Policy files: presets by name, user files by path, validation errors that name the
file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from portlint.config import ConfigError
from portlint.model import Binding, Namespace, Protocol, Role
from portlint.options import Policy, PortSpan
from portlint.policy import load_policy
from portlint.source import Location


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ports-policy.yaml"
    path.write_text(text)
    return path


def test_default_preset_is_the_builtin_defaults():
    loaded = load_policy("default", Path("/nonexistent"))
    builtin = Policy()
    assert (loaded.ephemeral, loaded.nodeport_range, loaded.unprivileged_port_start) == (
        builtin.ephemeral,
        builtin.nodeport_range,
        builtin.unprivileged_port_start,
    )
    assert loaded.forbidden == () and loaded.allocations == () and not loaded.strict_registry


def test_strict_preset_uses_the_full_registry_and_forbids_telnet():
    strict = load_policy("strict", Path("/nonexistent"))
    assert strict.strict_registry
    assert any(PortSpan(23, 23) in f.spans for f in strict.forbidden)


def test_user_file_by_relative_path(tmp_path):
    _write(tmp_path, 'version: 1\nephemeral: "49152-65535"\nnodeport-range: "20000-22767"\n')
    policy = load_policy("ports-policy.yaml", tmp_path)
    assert policy.ephemeral == (PortSpan(49152, 65535),)
    assert policy.nodeport_range == PortSpan(20000, 22767)
    assert policy.source == str(tmp_path / "ports-policy.yaml")


def test_missing_file_that_is_not_a_preset(tmp_path):
    with pytest.raises(ConfigError, match="no such file, and not a preset"):
        load_policy("nope.yaml", tmp_path)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "version: 1\nallocations:\n  - owner: payments\n    portz: 9000\n",
            ":4:5: allocations.0.portz: unknown key",
        ),
        (
            "version: 1\nallocations:\n  - {owner: payments, ports: 9000-9099x}\n",
            ":3:30: allocations.0.ports: '9000-9099x' is not a port",
        ),
        (
            "version: 1\nforbidden:\n  - {ports: 23, protocol: icmp}\n",
            ":3:27: forbidden.0.protocol: 'icmp' is not one of",
        ),
        ("version: 2\n", ":1:10: version: 1 was expected"),
        (
            "version: 1\nephemeral: ['60999-32768']\n",
            ":2:13: ephemeral.0: '60999-32768' is not a valid port range",
        ),
        ("version: 1\nforbidden: [\n", ": invalid YAML"),
    ],
)
def test_errors_name_the_file_line_and_key(tmp_path, text, where):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_policy(str(path), tmp_path)
    assert str(error.value).startswith(str(path))
    assert where in str(error.value)


_CONTAINER = Namespace.container("p/s")
_POD = Namespace.pod("ns", "D", "x")


def _binding(owner: str, fmt: str, role: Role = Role.PUBLISH, ns: Namespace | None = None):
    namespace = ns or Namespace("host", "default")
    return Binding(9000, Protocol.TCP, namespace, role, owner, fmt, Location.point("f", 1))


def test_allocation_globs_match_compose_services_and_kubernetes_workloads(tmp_path):
    _write(
        tmp_path,
        "version: 1\nallocations:\n"
        "  - {owner: payments, match: ['payments-*'], ports: 9000-9099}\n"
        "  - {owner: shop, match: 'shop/*', ports: 9100}\n"
        "  - {owner: search, ports: 9200-9299}\n",
    )
    payments, shop, search = load_policy("ports-policy.yaml", tmp_path).allocations
    assert payments.matches(_binding("proj/payments-worker", "compose"))
    assert payments.matches(_binding("Deployment/prod/payments-api/main", "kubernetes"))
    assert not payments.matches(_binding("payments-proj/web", "compose"))
    assert shop.matches(_binding("shop/web", "compose"))
    assert search.matches(_binding("proj/search", "compose"))
    assert search.matches(_binding("proj/search-api", "compose"))
    assert not search.matches(_binding("proj/searchlight", "compose"))


def test_default_roles_cover_shared_namespaces_and_pod_ports(tmp_path):
    _write(
        tmp_path,
        "version: 1\nforbidden:\n  - {ports: 9000}\n"
        "  - {ports: 9000, roles: [container], reason: any container}\n",
    )
    default, containers = load_policy("ports-policy.yaml", tmp_path).forbidden
    assert default.forbids(_binding("p/s", "compose"))
    assert not default.forbids(_binding("p/s", "compose", Role.CONTAINER, _CONTAINER))
    assert default.forbids(_binding("D/ns/x/c", "kubernetes", Role.CONTAINER, _POD))
    assert not default.forbids(_binding("p/s", "compose", Role.EXPOSE))
    assert containers.forbids(_binding("p/s", "compose", Role.CONTAINER, _CONTAINER))
