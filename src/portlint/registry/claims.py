"""Who else claims a port: the curated owners of port/protocol, or its IANA registration,
when the software binding it is none of them (the knowledge behind PL301)."""

from __future__ import annotations

import functools
import re

from portlint.records import FrozenRecord
from portlint.registry import _aliases, _canonical, image_name, is_generic, known, may_bind
from portlint.registry.curated import IMPLICIT_TLS, PROXIES, KnownService


class Claim(FrozenRecord):
    port: int
    protocol: str
    owners: tuple[str, ...]  # e.g. ("Redis",) or ("ms-wbt-server (MS WBT Server)",)
    source: str  # "curated" or "iana"


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _matches_registration(candidates: set[str], name: str) -> bool:
    """An IANA service name that is the software (postgresql, cockroach -> cockroachdb)."""
    reg = _norm(name)
    canon = _norm(_canonical(name.lower()))
    for candidate in candidates:
        c = _norm(candidate)
        if not c:
            continue
        if c in (reg, canon):
            return True
        shorter, longer = sorted((c, reg), key=len)
        if len(shorter) >= 4 and longer.startswith(shorter):
            return True
    return False


def _variant(candidates: set[str], service: KnownService) -> bool:
    """An image named after the software with a suffix (`redismod`, `postgres-custom`)."""
    names = [n for n in (service.name, *service.aliases) if len(n) >= 4 and "/" not in n]
    return any(c.startswith(n) for c in candidates for n in names)


def confident(identity: str | None, image: str | None, from_config: bool) -> bool:
    """Whether we know the software well enough to call its port someone else's: an image,
    a service config's own format, or a name that is a known software's name."""
    if not identity:
        return False
    return bool(image) or from_config or identity in _aliases() or identity in PROXIES


@functools.lru_cache(maxsize=8192)  # pure: thousands of bindings ask the same question
def claim(
    port: int,
    protocol: str,
    identity: str | None,
    image: str | None = None,
    full_registry: bool = False,
    port_name: str | None = None,
) -> Claim | None:
    """The claim of other software on port/protocol, or None when the binding's software
    may use it: generic web ports, proxies, the software itself or a compatible one.
    Curated software claims the ports its clients or scanners expect (not its web UIs);
    IANA registrations count only with `full_registry`. A port that names what it serves
    (`port_name` "smtp" on 25) is that software's."""
    if not identity or port <= 0 or is_generic(port, protocol):
        return None
    services = [s for s in known(port, protocol) if not s.generic]
    if not services and not full_registry:
        return None  # most ports: no curated software, and registrations do not count
    candidates = {identity}
    if image:
        candidates.update(image_name(image))
    if candidates & PROXIES:
        return None
    if port_name:
        candidates.add(port_name)
    if services:
        if any(
            may_bind(identity, s, image) or may_bind(port_name, s) or _variant(candidates, s)
            for s in services
        ):
            return None
        claiming = [s for s in services if s.claims(port)]
        if not claiming:
            return None  # only web UIs and the like, which nothing else expects
        titles = tuple(dict.fromkeys(s.title for s in claiming))
        return Claim(port, protocol, titles, "curated")
    if not full_registry:
        return None  # a registration alone: most are to software nobody deploys
    from portlint.registry.snapshot import lookup

    registrations = [(n, d) for n, d in lookup(port, protocol) if n]
    if not registrations or any(_matches_registration(candidates, n) for n, _ in registrations):
        return None
    owners = tuple(f"{n} ({d})" if d and _norm(d) != _norm(n) else n for n, d in registrations)
    return Claim(port, protocol, owners, "iana")


class NameMismatch(FrozenRecord):
    """A port named for a plain-text protocol on that protocol's implicit-TLS port."""

    port: int
    name: str  # the port's own name, as written ("smtp")
    tls_name: str  # what the port is ("submissions")
    title: str  # "SMTP"
    plain_port: int  # where `name` belongs (25)


def name_mismatch(port: int, protocol: str, port_name: str | None) -> NameMismatch | None:
    """`smtp` on 465, `imap` on 993: the name and the number promise different things —
    a client of 465 starts TLS with its first byte, a client of `smtp` does not."""
    if not port_name or protocol != "tcp":
        return None
    found = IMPLICIT_TLS.get(port)
    if found is None or port_name.lower() != found[2]:
        return None
    tls_name, title, _plain, plain_port = found
    return NameMismatch(port, port_name, tls_name, title, plain_port)
