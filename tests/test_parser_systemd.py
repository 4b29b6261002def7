"""systemd .socket units: stream, datagram and seqpacket listeners; paths are not ports."""

from __future__ import annotations

from service_helpers import binding_list, bindings, diagnostics


def test_listen_kinds_and_addresses():
    assert bindings("systemd") == [
        ("ssh.socket", 5, 14, "[::]:22/tcp", "systemd"),
        ("ssh.socket", 8, 26, "127.0.0.1:5514/udp", "systemd"),
        ("ssh.socket", 9, 30, "[::1]:2905/sctp", "systemd"),
    ]


def test_bind_ipv6_only_and_identity_from_unit_name():
    ssh = binding_list("systemd")[0]
    assert ssh.v6only is True  # BindIPv6Only=ipv6-only
    assert ssh.identity == "ssh"


def test_default_is_dual_stack():
    sock = [b for b in binding_list("host-tree/systemd")][0]
    assert sock.v6only is False


def test_invalid_port_is_pl002():
    assert diagnostics("systemd") == [("PL002", "bad.socket", 2, 22)]


def test_socket_activating_a_known_daemon_shares_its_owner():
    ssh = binding_list("systemd/units/ssh.socket")[0]
    assert ssh.owner == "sshd@default"
    metrics = binding_list("host-tree/systemd")[0]
    assert metrics.owner.startswith("systemd:")


def test_identity_and_daemon_follow_the_service_the_socket_activates():
    netlog = binding_list("PL301/pass-systemd-own-unit/netlog.socket")[0]
    assert (netlog.identity, netlog.port, netlog.protocol.value) == ("rsyslog", 514, "udp")
    assert netlog.owner.startswith("systemd:")
    ssh_alt = binding_list("PL301/pass-systemd-own-unit/ssh-alt.socket")[0]
    assert (ssh_alt.identity, ssh_alt.owner) == ("sshd", "sshd@default")
