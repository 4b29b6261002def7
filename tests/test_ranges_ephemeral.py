"""PL302: fixed host-facing ports inside the ephemeral range (model-level tests; the
fixture tests through Compose files live in test_ranges.py)."""

from __future__ import annotations

from portlint.model import Binding, Model, Namespace, Protocol, Role
from portlint.options import Options, Policy, PortSpan
from portlint.rules.ranges import ephemeral_ports
from portlint.source import Location


def _binding(
    port: int,
    role: Role = Role.PUBLISH,
    end: int = -1,
    image: str | None = None,
    identity: str | None = None,
    pick_one: bool = False,
) -> Binding:
    return Binding(
        image=image,
        identity=identity,
        port=port,
        end_port=end,
        protocol=Protocol.TCP,
        namespace=Namespace("host", "default"),
        role=role,
        owner="demo/api",
        format="compose",
        location=Location.point("compose.yaml", 3, 9, 5),
        pick_one=pick_one,
    )


def _run(*bindings: Binding, policy: Policy | None = None) -> list[str]:
    options = Options(policy=policy or Policy())
    return [f.message for f in ephemeral_ports(Model(bindings=list(bindings)), options)]


def test_published_port_in_linux_ephemeral_range_is_flagged_with_a_free_port():
    (message,) = _run(_binding(45000))
    assert "published port 45000/tcp" in message
    assert "32768-60999" in message
    assert message.endswith("use a port below 32768, e.g. 29999")


def test_listen_and_host_port_roles_are_host_facing():
    assert len(_run(_binding(50000, Role.LISTEN), _binding(61000, Role.HOST_PORT))) == 2


def test_container_expose_service_and_node_ports_are_quiet():
    quiet = [Role.CONTAINER, Role.EXPOSE, Role.SERVICE_PORT, Role.NODE_PORT]
    assert _run(*(_binding(45000, role) for role in quiet)) == []


def test_ports_below_the_range_and_port_zero_are_quiet():
    assert _run(_binding(32767), _binding(8080), _binding(0)) == []


def test_a_range_docker_picks_one_port_from_is_not_fixed():
    assert _run(_binding(40000, end=40010, pick_one=True)) == []


def test_a_fixed_range_touching_the_ephemeral_range_names_the_overlap():
    (message,) = _run(_binding(32760, end=32770))
    assert "32768-60999 (32768-32770)" in message


def test_policy_ephemeral_range_replaces_the_default():
    policy = Policy(ephemeral=(PortSpan(49152, 65535),))
    assert _run(_binding(45000), policy=policy) == []
    assert len(_run(_binding(50000), policy=policy)) == 1


def test_the_softwares_own_default_port_is_not_flagged():
    wireguard = _binding(51820, image="linuxserver/wireguard", identity="wireguard")
    wireguard.protocol = Protocol.UDP
    assert _run(wireguard) == []
    assert len(_run(_binding(51820, image="example/vpn", identity="vpn"))) == 1
