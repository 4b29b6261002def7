"""PL201 privileged-host-port and PL202 privileged-port-non-root: ports below
`net.ipv4.ip_unprivileged_port_start` (default 1024) need root or CAP_NET_BIND_SERVICE."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding
from portlint.model import Model, Role
from portlint.options import Options
from portlint.rules import check

#: Formats whose published ports a container engine binds (rootless engines cannot go
#: below the unprivileged start). Daemons that start as root (nginx, sshd) are not here.
CONTAINER_ENGINE_FORMATS = frozenset({"compose"})


@check("PL201")
def privileged_host_ports(model: Model, options: Options) -> Iterator[Finding]:
    start = options.policy.unprivileged_port_start
    for b in model.bindings:
        if b.role != Role.PUBLISH or b.format not in CONTAINER_ENGINE_FORMATS or b.port >= start:
            continue
        label = b.extra.get("label") or b.owner
        yield Finding(
            "PL201",
            f"host port {b.port_text()} of {label} is below {start}: rootless Docker and "
            f"Podman cannot publish it (net.ipv4.ip_unprivileged_port_start={start}); publish "
            f"a port >= {start} (e.g. \"{_suggest(b.port, start)}:{_target(b)}\") or lower "
            "that sysctl on the host",
            b.location,
            key=f"{b.owner}|{b.socket_text()}",
        )


def _suggest(port: int, start: int) -> int:
    """80 -> 8080, 443 -> 8443, 53 -> 1053: the conventional unprivileged twins."""
    for candidate in (8000 + port, 1000 + port, start + port):
        if candidate >= start and candidate <= 65535:
            return candidate if port not in (80, 443) else (8080 if port == 80 else 8443)
    return start


def _target(b) -> str:
    target = b.extra.get("target")
    if not target:
        return str(b.port)
    return str(target[0]) if target[0] == target[1] else f"{target[0]}-{target[1]}"
