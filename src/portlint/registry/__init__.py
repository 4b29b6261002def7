"""Port knowledge: the IANA registry snapshot and a curated list of commonly deployed
software. (Stub: replaced by the full registry; keep these signatures.)"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KnownService:
    name: str  # canonical identity, e.g. "postgresql"
    title: str  # e.g. "PostgreSQL"
    ports: tuple[int, ...]
    protocol: str = "tcp"
    aliases: tuple[str, ...] = ()  # image / software names that identify it
    sensitive: bool = False  # database, cache, broker or admin API (PL501)
    generic: bool = False  # any web service may use it (80, 8080, 3000...)


_KNOWN = (
    KnownService("postgresql", "PostgreSQL", (5432,), aliases=("postgres", "postgresql"),
                 sensitive=True),
    KnownService("mysql", "MySQL", (3306,), aliases=("mysql", "mariadb"), sensitive=True),
    KnownService("redis", "Redis", (6379,), aliases=("redis", "valkey"), sensitive=True),
    KnownService("mongodb", "MongoDB", (27017,), aliases=("mongo", "mongodb"), sensitive=True),
)


def iana(port: int, protocol: str = "tcp") -> list[tuple[str, str]]:
    """IANA registrations (service name, description) of port/protocol."""
    return []


def known(port: int, protocol: str = "tcp") -> list[KnownService]:
    """Curated software commonly deployed on port/protocol."""
    return [s for s in _KNOWN if port in s.ports and s.protocol == protocol]


def identify(image: str | None = None, name: str | None = None,
             format: str | None = None) -> str | None:
    """The canonical software identity of an image (registry, path, tag stripped), a
    service/workload name, or a config format (nginx, sshd...)."""
    if image:
        base = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0].lower()
        for service in _KNOWN:
            if base in service.aliases:
                return service.name
        return base
    return format
