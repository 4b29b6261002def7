"""Port knowledge: the IANA registry snapshot (generated, loaded on first use) and a
curated list of commonly deployed software (`known.py`, written by hand), plus
`identify()`, which names the software behind an image, a service name or a config format.

Importing this package costs no file reads: the snapshot is parsed on the first `iana()`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from portlint.registry.curated import KNOWN, PROXIES, KnownService

__all__ = [
    "KnownService",
    "PROXIES",
    "by_name",
    "iana",
    "identify",
    "is_generic",
    "known",
    "may_bind",
    "range_classes",
    "sensitive_service",
]


def iana(port: int, protocol: str = "tcp") -> list[tuple[str, str]]:
    """IANA registrations (service name, description) of port/protocol."""
    from portlint.registry.snapshot import lookup

    return lookup(port, protocol)


@lru_cache(maxsize=1)
def _by_port() -> dict[tuple[int, str], tuple[KnownService, ...]]:
    table: dict[tuple[int, str], list[KnownService]] = {}
    for service in KNOWN:
        for port in service.ports:
            table.setdefault((port, service.protocol), []).append(service)
    return {key: tuple(value) for key, value in table.items()}


def known(port: int, protocol: str = "tcp") -> list[KnownService]:
    """Curated software commonly deployed on port/protocol (generic web entries too)."""
    return list(_by_port().get((port, protocol.lower()), ()))


def by_name(identity: str | None) -> KnownService | None:
    """The curated entry of a canonical identity (as `identify` returns it), if any."""
    if not identity:
        return None
    return _by_name().get(identity)


def host_network_default(identity: str | None) -> tuple[int, str, str] | None:
    """What known software listens on when it shares the host's (or node's) network and
    nothing declares its port: (its documented default port, "tcp" or "udp", the source
    text `portlint ports` shows), or None when the software or its port is unknown."""
    known = by_name(identity)
    if known is None or known.generic or not known.ports:
        return None
    protocol = "udp" if known.protocol == "udp" else "tcp"
    return known.ports[0], protocol, f"default of {known.title} (host network, inferred)"


@lru_cache(maxsize=1)
def _by_name() -> dict[str, KnownService]:
    table: dict[str, KnownService] = {}
    for service in KNOWN:
        if not service.generic:
            table.setdefault(service.name, service)
    return table


def is_generic(port: int, protocol: str = "tcp") -> bool:
    """Whether any web service may use the port (80, 443, 8080, 3000, ...)."""
    return any(s.generic for s in known(port, protocol))


def may_bind(identity: str | None, service: KnownService, image: str | None = None) -> bool:
    """Whether software `identity` (or `image`) is `service`, may stand in on its ports
    (poolers, protocol-compatible servers), or is a proxy that fronts whatever it is."""
    names = _names(service)
    candidates = {identity} if identity else set()
    if image:
        candidates.update(image_name(image))
    return any(c in names or c in PROXIES for c in candidates if c)


@lru_cache(maxsize=256)
def _names(service: KnownService) -> frozenset[str]:
    names = {service.name, *service.aliases, *service.compatible}
    return frozenset(names | {_canonical(n) for n in names})


def sensitive_service(
    port: int, protocol: str = "tcp", identity: str | None = None
) -> KnownService | None:
    """The sensitive service (database, cache, broker, admin API) a binding on port most
    likely is: on a generic port (9000, 8080...) only when `identity` is that software;
    elsewhere the first sensitive owner of the port."""
    services = known(port, protocol)
    generic = any(s.generic for s in services)
    for service in services:
        if not service.sensitive:
            continue
        if identity is not None and may_bind(identity, service) and identity not in PROXIES:
            return service
    if generic:
        return None
    return next((s for s in services if s.sensitive), None)


# --- identity ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """name or alias -> canonical identity; canonical names win over other entries' aliases."""
    table: dict[str, str] = {}
    for service in KNOWN:
        if not service.generic:
            table.setdefault(service.name, service.name)
    for service in KNOWN:
        if service.generic:
            continue
        for alias in service.aliases:
            table.setdefault(alias, service.name)
    return table


def _canonical(name: str) -> str:
    return _aliases().get(name, name)


_REGISTRY_HOST = re.compile(r"[.:]|^localhost$")
_VARIABLE = re.compile(r"\$")


def image_name(image: str) -> tuple[str, str]:
    """(path, base) of an image reference: registry host, tag and digest stripped.
    `docker.io/bitnami/postgresql:16@sha256:...` -> ('bitnami/postgresql', 'postgresql')."""
    ref = image.strip().split("@", 1)[0].lower()
    parts = ref.split("/")
    if len(parts) > 1 and _REGISTRY_HOST.search(parts[0]):
        parts = parts[1:]
    last = parts[-1].split(":", 1)[0]
    parts[-1] = last
    if parts[0] == "library" and len(parts) == 2:
        parts = parts[1:]
    return "/".join(parts), last


@lru_cache(maxsize=4096)  # asked once per binding; a tree has few distinct images
def identify(
    image: str | None = None, name: str | None = None, format: str | None = None
) -> str | None:
    """The canonical software identity of an image (registry, path, tag stripped), a
    service/workload name, or a config format (nginx, sshd...), in that order of trust."""
    if image and image.strip():
        path, base = image_name(image)
        if base and not _VARIABLE.search(base):
            table = _aliases()
            return table.get(path) or table.get(base) or base
    if name and name.strip():
        base = name.strip().rsplit("/", 1)[-1].lower()
        if base and not _VARIABLE.search(base):
            return _canonical(base)
    if format:
        return _canonical(format.lower())
    return None


def range_classes(port: int, ephemeral: tuple = (), nodeport=None) -> list[str]:
    """Names of the ranges a port is in: the IANA class, then Linux ephemeral / NodePort
    when `ephemeral` spans and `nodeport` span are given."""
    if port < 1024:
        classes = ["well-known (0-1023)"]
    elif port <= 49151:
        classes = ["registered (1024-49151)"]
    else:
        classes = ["dynamic/private (49152-65535)"]
    for span in ephemeral:
        if port in span:
            classes.append(f"ephemeral ({span})")
    if nodeport is not None and port in nodeport:
        classes.append(f"Kubernetes NodePort ({nodeport})")
    return classes
