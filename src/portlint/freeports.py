"""The way out of a collision: the nearest port nobody in a namespace uses."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import Protocol as Structural

from portlint.namespaces import Namespace
from portlint.options import PortSpan
from portlint.sockets import Protocol

_Key = tuple[Namespace, Protocol]


class Taken(Structural):
    """What a port-taking binding (`model.Binding`) offers: no import of the model, which
    builds one `UsedPorts` per run."""

    @property
    def namespace(self) -> Namespace: ...
    @property
    def protocol(self) -> Protocol: ...
    @property
    def port(self) -> int: ...
    @property
    def end_port(self) -> int: ...


class UsedPorts:
    """Ports taken per (namespace, protocol), built once per run so that suggesting a free
    port for each of thousands of findings stays cheap."""

    def __init__(self, bindings: Iterable[Taken]) -> None:
        self._used: dict[_Key, set[int]] = {}
        self._wide: dict[_Key, list[tuple[int, int]]] = {}
        self._merged: dict[_Key, list[tuple[int, int]]] = {}
        self._run_starts: dict[_Key, list[int]] = {}
        #: Bindings per namespace (one alone, else a list); their port sets are built on
        #: the first query of that namespace, so namespaces no finding asks about (most
        #: container namespaces) cost nothing: no key tuple, and no list for one binding.
        self._pending: dict[Namespace, Taken | list[Taken]] = {}
        pending = self._pending
        for b in bindings:
            namespace = b.namespace
            found = pending.get(namespace)
            if found is None:
                pending[namespace] = b
            elif isinstance(found, list):
                found.append(b)
            else:
                pending[namespace] = [found, b]

    def _load(self, key: _Key) -> None:
        pending = self._pending.pop(key[0], None)
        if pending is None:
            return
        taken = pending if isinstance(pending, list) else (pending,)
        for b in taken:
            key = (b.namespace, b.protocol)
            if b.end_port - b.port > 1024:
                self._wide.setdefault(key, []).append((b.port, b.end_port))
            else:
                self._used.setdefault(key, set()).update(range(b.port, b.end_port + 1))

    def is_free(self, namespace: Namespace, protocol: Protocol, port: int) -> bool:
        key = (namespace, protocol)
        self._load(key)
        if port in self._used.get(key, ()):
            return False
        return not any(start <= port <= end for start, end in self._wide.get(key, ()))

    def nearest_free(
        self,
        namespace: Namespace,
        protocol: Protocol,
        port: int,
        span: PortSpan | None = None,
        avoid: Iterable[PortSpan] = (),
    ) -> int | None:
        """The free port closest to `port` (above first on ties) inside `span` (default:
        the same IANA class: below 1024, 1024-49151, or above), outside `avoid`."""
        if span is None:
            span = (
                PortSpan(1, 1023)
                if port < 1024
                else PortSpan(1024, 49151)
                if port <= 49151
                else PortSpan(49152, 65535)
            )
        avoid = tuple(avoid)
        key = (namespace, protocol)
        up = self._free_from(key, port + 1, 1, span, avoid)
        down = self._free_from(key, port - 1, -1, span, avoid)
        if up is None or (down is not None and port - down < up - port):
            return down
        return up

    def _free_from(
        self,
        key: _Key,
        candidate: int,
        step: int,
        span: PortSpan,
        avoid: tuple[PortSpan, ...],
    ) -> int | None:
        """The first free port from `candidate` going in `step` direction, inside `span`.
        Jumps over whole runs of taken ports, so a namespace with thousands of
        consecutive ports costs a few bisections per finding, not a walk."""
        runs = self._runs(key)
        starts = self._run_starts[key]
        if step > 0 and candidate < span.start:
            candidate = span.start  # from below the span: its first port is nearest
        elif step < 0 and candidate > span.end:
            candidate = span.end
        while candidate in span:
            index = bisect_right(starts, candidate) - 1
            if index >= 0 and candidate <= runs[index][1]:
                candidate = runs[index][1] + 1 if step > 0 else runs[index][0] - 1
                continue
            blocked = next((a for a in avoid if candidate in a), None)
            if blocked is not None:
                candidate = blocked.end + 1 if step > 0 else blocked.start - 1
                continue
            return candidate
        return None

    def _runs(self, key: _Key) -> list[tuple[int, int]]:
        """Taken ports of one (namespace, protocol) as sorted, merged (start, end) runs."""
        self._load(key)
        runs = self._merged.get(key)
        if runs is None:
            spans = sorted(
                [(p, p) for p in self._used.get(key, ())] + list(self._wide.get(key, ()))
            )
            runs = []
            for start, end in spans:
                if runs and start <= runs[-1][1] + 1:
                    if end > runs[-1][1]:
                        runs[-1] = (runs[-1][0], end)
                else:
                    runs.append((start, end))
            self._merged[key] = runs
            self._run_starts[key] = [run[0] for run in runs]
        return runs
