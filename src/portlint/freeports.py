"""The way out of a collision: the nearest port nobody in a namespace uses."""

from __future__ import annotations

from collections.abc import Iterable

from portlint.model import Binding, Protocol
from portlint.options import PortSpan


class UsedPorts:
    """Ports taken per (namespace, protocol), built once per run so that suggesting a free
    port for each of thousands of findings stays cheap."""

    def __init__(self, bindings: Iterable[Binding]) -> None:
        self._used: dict[tuple[str, Protocol], set[int]] = {}
        self._wide: dict[tuple[str, Protocol], list[tuple[int, int]]] = {}
        for b in bindings:
            key = (b.namespace, b.protocol)
            if b.end_port - b.port > 1024:
                self._wide.setdefault(key, []).append((b.port, b.end_port))
            else:
                self._used.setdefault(key, set()).update(range(b.port, b.end_port + 1))

    def is_free(self, namespace: str, protocol: Protocol, port: int) -> bool:
        key = (namespace, protocol)
        if port in self._used.get(key, ()):
            return False
        return not any(start <= port <= end for start, end in self._wide.get(key, ()))

    def nearest_free(
        self, namespace: str, protocol: Protocol, port: int, span: PortSpan | None = None,
        avoid: Iterable[PortSpan] = (),
    ) -> int | None:
        """The free port closest to `port` (above first on ties) inside `span` (default:
        the same IANA class: below 1024, 1024-49151, or above), outside `avoid`."""
        if span is None:
            span = (
                PortSpan(1, 1023) if port < 1024
                else PortSpan(1024, 49151) if port <= 49151
                else PortSpan(49152, 65535)
            )
        avoid = tuple(avoid)
        for distance in range(1, span.end - span.start + 1):
            for candidate in (port + distance, port - distance):
                if candidate in span and self.is_free(namespace, protocol, candidate) and not any(
                    candidate in a for a in avoid
                ):
                    return candidate
            if port - distance < span.start and port + distance > span.end:
                break
        return None
