"""Which declared binding a live socket belongs to, and which it stands in the way of.

A socket and a host binding meet when the protocol is the same, the socket's port is in
the binding's range and the addresses overlap by PL101's rules (`model.addresses_overlap`:
a v6-only `[::]:80` leaves `0.0.0.0:80` free; `127.0.0.1:5432` and `0.0.0.0:5432` do
not coexist). A socket *is* the declared service already running when its process is the
binding's software (`postgres` for identity `postgresql`), or, for a published container
port, the container engine's port proxy.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from typing import cast

from portlint.hostsockets import Socket, is_host_binding
from portlint.model import HOST_FACING, Binding, Protocol, Role, addresses_overlap

#: Processes that hold a published port on a container's behalf: Docker's userland
#: proxy, rootless Docker/Podman's port forwarders, Podman's monitor and network helpers.
ENGINE_PROXIES = frozenset(
    {
        "docker-proxy",
        "rootlessport",
        "rootlessport-child",
        "rootlesskit",
        "conmon",
        "pasta",
        "pasta.avx2",
        "slirp4netns",
    }
)
_PROXY_PREFIXES = ("containerd-shim",)
#: Ranges wider than this are matched by scanning the sockets, not indexed per port.
_INDEX_WIDTH = 4096


def is_engine_proxy(process: str | None) -> bool:
    name = _plain(process)
    return name in ENGINE_PROXIES or name.startswith(_PROXY_PREFIXES)


def meets(binding: Binding, socket: Socket) -> bool:
    """Same protocol, port in range, overlapping addresses (PL101's rules)."""
    return (
        binding.protocol is socket.protocol
        and binding.port <= socket.port <= binding.end_port
        # addresses_overlap reads only `address` and `v6only`, which a Socket has too.
        and addresses_overlap(binding, cast(Binding, socket))
    )


def runs(socket: Socket, binding: Binding) -> bool:
    """Whether the socket is this binding's own service, already running."""
    if socket.process is None:
        return False
    if binding.role is Role.PUBLISH and is_engine_proxy(socket.process):
        return True
    return bool(_process_names(socket.process) & _software(binding))


def host_bindings(bindings: Iterable[Binding]) -> list[Binding]:
    """Declared bindings on a host's own interfaces, with a fixed port."""
    return [b for b in bindings if b.role in HOST_FACING and is_host_binding(b) and b.port > 0]


class BindingIndex:
    """Host bindings by (protocol, port), for the sockets to look themselves up."""

    def __init__(self, bindings: Iterable[Binding]) -> None:
        self._by_port: dict[tuple[Protocol, int], list[Binding]] = defaultdict(list)
        self._wide: list[Binding] = []
        for b in bindings:
            if b.end_port - b.port >= _INDEX_WIDTH:
                self._wide.append(b)
                continue
            for port in range(b.port, b.end_port + 1):
                self._by_port[(b.protocol, port)].append(b)

    def meeting(self, socket: Socket) -> list[Binding]:
        near = self._by_port.get((socket.protocol, socket.port), [])
        return [b for b in [*near, *self._wide] if meets(b, socket)]


class SocketIndex:
    """Sockets by (protocol, port), for the bindings to look themselves up."""

    def __init__(self, sockets: Iterable[Socket]) -> None:
        self._by_port: dict[tuple[Protocol, int], list[Socket]] = defaultdict(list)
        for s in sockets:
            self._by_port[(s.protocol, s.port)].append(s)

    def meeting(self, binding: Binding) -> list[Socket]:
        if binding.end_port - binding.port >= _INDEX_WIDTH:
            candidates = [s for key, ss in self._by_port.items() if key[0] is binding.protocol
                          for s in ss]  # fmt: skip
        else:
            candidates = [
                s
                for port in range(binding.port, binding.end_port + 1)
                for s in self._by_port.get((binding.protocol, port), ())
            ]
        return [s for s in candidates if meets(binding, s)]

    def taken(self, binding: Binding, port: int) -> bool:
        probe = binding.replace(port=port, end_port=port)
        return any(meets(probe, s) for s in self._by_port.get((binding.protocol, port), ()))


def describe(binding: Binding) -> str:
    """'compose service web', 'Kubernetes Deployment/default/api', 'nginx (conf/site.conf)'."""
    if binding.format == "compose":
        return f"compose service {binding.owner.rsplit('/', 1)[-1]}"
    if binding.format == "kubernetes":
        return f"Kubernetes {binding.owner}"
    return f"{binding.identity or binding.format} ({binding.location.path})"


def _plain(process: str | None) -> str:
    name = (process or "").strip().lower()
    return name[:-4] if name.endswith(".exe") else name


def _process_names(process: str) -> set[str]:
    from portlint.registry import identify

    name = _plain(os.path.basename(process))
    names = {name, name.split(":", 1)[0].strip()}  # "nginx: master process"
    canonical = identify(name=name)
    if canonical:
        names.add(canonical)
    return {n for n in names if n}


def _software(binding: Binding) -> set[str]:
    from portlint.registry import by_name, identify

    names = {binding.identity} if binding.identity else set()
    if binding.image:
        found = identify(image=binding.image)
        if found:
            names.add(found)
    for name in list(names):
        service = by_name(name)
        if service is not None:
            names.update((service.name, *service.aliases, *service.compatible))
    return {n.lower() for n in names if n}
