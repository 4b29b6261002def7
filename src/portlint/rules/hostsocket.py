"""PL105 host-socket-taken: with `--against-host`, a declared host binding whose socket a
process the tree does not declare already holds on the target host.

A pure function of the model and `Options.host_sockets`, which the `check` command fills
(live from /proc, or from a snapshot file) before the rules run. Without it, nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from portlint.findings import Finding, Related
from portlint.model import Binding, Model, Role
from portlint.options import Options
from portlint.rules import check

if TYPE_CHECKING:
    from portlint.hostsockets import Socket
    from portlint.hostsockets.matching import SocketIndex


@check("PL105")
def host_socket_taken(model: Model, options: Options) -> Iterator[Finding]:
    host = options.host_sockets
    if host is None or not host.sockets:
        return
    from portlint.hostsockets.matching import BindingIndex, SocketIndex, host_bindings, runs

    declared = host_bindings(model.bindings)
    by_socket = BindingIndex(declared)
    sockets = SocketIndex(host.sockets)
    for binding in declared:
        holders = sockets.meeting(binding)
        if not holders or any(runs(s, binding) for s in holders):
            continue  # free, or this very service is already running there
        if binding.pick_one and any(
            not sockets.taken(binding, port) for port in range(binding.port, binding.end_port + 1)
        ):
            continue  # Docker picks one free port of the range ("8000-8010:80")
        foreign = [
            s for s in holders if not any(runs(s, other) for other in by_socket.meeting(s))
        ]  # a socket another declared binding runs is PL101's business, not this rule's
        if foreign:
            yield _finding(binding, foreign, sockets, model, host.where())


@check("PL001")
def unreadable_snapshot_lines(model: Model, options: Options) -> Iterator[Finding]:
    """Lines of the --against-host snapshot that could not be read."""
    host = options.host_sockets
    if host is None:
        return
    for diagnostic in host.diagnostics:
        yield Finding("PL001", diagnostic.message, diagnostic.location, key=diagnostic.key)


_NOUNS = {Role.PUBLISH: "host port", Role.LISTEN: "port", Role.HOST_PORT: "hostPort"}


def _finding(
    binding: Binding, holders: list[Socket], sockets: SocketIndex, model: Model, where: str
) -> Finding:
    from portlint.hostsockets.matching import describe

    first = holders[0]
    more = len(holders) - 1
    held = f"{first.holder_text()} holds {first.socket_text()}"
    if more:
        held += f" (and {more} other socket{'s' if more != 1 else ''})"
    failure = (
        "`docker compose up` will fail with 'address already in use'"
        if binding.format == "compose"
        else "it will fail to bind ('address already in use')"
    )
    message = (
        f"{_NOUNS.get(binding.role, 'port')} {binding.socket_text()} of {describe(binding)} "
        f"is already taken on {where}: {held}, and nothing in the tree declares it; {failure}. "
        "Stop that process or move it"
    )
    free = None if binding.is_range else _nearest_free(binding, sockets, model)
    message += f", or use another port (free here and in the tree: {free})" if free else ""
    related = [
        Related(s.location, f"{s.socket_text()} is held here") for s in holders if s.location
    ]
    return Finding(
        "PL105",
        message,
        binding.location,
        related=related[:3],
        key=f"{binding.owner}|{binding.socket_text()}",
    )


def _nearest_free(binding: Binding, sockets: SocketIndex, model: Model) -> int | None:
    used = model.used_ports()
    for port in range(binding.port + 1, min(binding.port + 1000, 65535) + 1):
        if not sockets.taken(binding, port) and used.is_free(
            binding.namespace, binding.protocol, port
        ):
            return port
    return None
