"""PL201 privileged-host-port and PL202 privileged-port-non-root: ports below
`net.ipv4.ip_unprivileged_port_start` (default 1024) need root or CAP_NET_BIND_SERVICE."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding
from portlint.hostsockets import ranges_note
from portlint.model import Binding, Model, Role
from portlint.options import Options
from portlint.rules import check

#: Formats whose published ports a container engine binds (rootless engines cannot go
#: below the unprivileged start). Daemons that start as root (nginx, sshd) are not here.
CONTAINER_ENGINE_FORMATS = frozenset({"compose"})


@check("PL201")
def privileged_host_ports(model: Model, options: Options) -> Iterator[Finding]:
    """Only for a project that says it targets a rootless engine (`rootless: true`):
    rootful Docker, the usual install, publishes 25 or 443 without complaint."""
    if not options.policy.rootless:
        return
    start = options.policy.unprivileged_port_start
    for b in model.bindings:
        if b.role != Role.PUBLISH or b.format not in CONTAINER_ENGINE_FORMATS or b.port >= start:
            continue
        if b.port == 0:  # an ephemeral host port Docker picks
            continue
        label = b.owner_label()
        yield Finding(
            "PL201",
            f"host port {b.port_text()} of {label} is below {start}: rootless Docker and "
            f"Podman cannot publish it (net.ipv4.ip_unprivileged_port_start={start}"
            f"{ranges_note(options, ', read from this host')}); publish "
            f'a port >= {start} (e.g. "{_suggest(b.port, start)}:{_target(b)}") or lower '
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


def _target(b: Binding) -> str:
    return str(b.port) if b.target is None else b.target.text()


# --- PL202 (Kubernetes) --------------------------------------------------------------


@check("PL202")
def privileged_ports_non_root(model: Model, options: Options) -> Iterator[Finding]:
    """A container that listens below the unprivileged start as a non-root user (or
    with NET_BIND_SERVICE dropped) gets EACCES at bind time and crash-loops."""
    for b in model.bindings:
        container = b.container
        # a pod's own ports and the listeners of a ConfigMap it mounts both carry the facts
        if b.role != Role.CONTAINER or container is None:
            continue
        start = container.unprivileged_port_start
        if start is None:
            start = options.policy.unprivileged_port_start
        if b.port >= start or container.net_bind_service:
            continue
        non_root, dropped = container.non_root, container.net_bind_dropped
        if not non_root and not dropped:
            continue
        who = "runs as non-root" if non_root else "drops NET_BIND_SERVICE (capabilities.drop)"
        yield Finding(
            "PL202",
            f"container {container.name!r} of {b.owner.rsplit('/', 1)[0]} listens "
            f"on {b.port_text()}, below {start}, but {who} without NET_BIND_SERVICE: the "
            "bind fails with EACCES. Listen on a port >= 1024 (e.g. "
            f"{_suggest(b.port, 1024)}) and map it with the Service's targetPort, add "
            "capabilities.add [NET_BIND_SERVICE], or set the pod sysctl "
            "net.ipv4.ip_unprivileged_port_start=0 (runtimes such as containerd 2 and "
            "recent Docker already set it, which also avoids this)",
            b.location,
            key=f"{b.owner}|{b.port_text()}",
        )
