"""PL501 sensitive-port-exposed and PL502 unbound-interface: published ports reachable on
every interface. Docker's published ports bypass host firewalls such as ufw, so a
database published as "5432:5432" is open to the network the host is on."""

from __future__ import annotations

from collections.abc import Iterator

from portlint import registry
from portlint.findings import Finding
from portlint.model import Binding, Model, Role, Target, is_wildcard
from portlint.options import Options
from portlint.rules import check


def _published_everywhere(model: Model) -> Iterator[Binding]:
    for b in model.bindings:
        if b.role == Role.PUBLISH and is_wildcard(b.address) and not b.address_unknown:
            yield b


@check("PL501")
def sensitive_ports(model: Model, options: Options) -> Iterator[Finding]:
    for b in _published_everywhere(model):
        service = _sensitive_service(b)
        if service is None:
            continue
        label = b.owner_label()
        target = b.target.start if b.target is not None else b.port
        yield Finding(
            "PL501",
            f"{service.title} port of {label} {b.namespace.describe(model.hosts)} is "
            "published on all interfaces as "
            f"{_published_as(b)}: anyone who can reach the host can connect (Docker "
            "bypasses host firewalls); bind it to loopback "
            f'("127.0.0.1:{b.port or ""}:{target}") or drop the mapping and reach it over '
            "the Compose network",
            b.location,
            key=f"{b.owner}|{b.socket_text()}",
        )


def _sensitive_service(b: Binding) -> registry.KnownService | None:
    """The sensitive software behind a published port, only when the image (or service
    name) says what it is: a custom image on 7000 or 9000 is not presumed to be
    Cassandra or ClickHouse. A false alarm here would teach users to ignore the rule."""
    target = b.target or Target(b.port)
    if target.is_range or target.name or not b.identity:
        return None
    protocol = b.protocol.value
    own = registry.by_name(b.identity)
    if own is not None:
        if own.sensitive and own.protocol == protocol and target.start in own.ports:
            return own
        return None
    proxies = getattr(registry, "PROXIES", ())
    for service in registry.known(target.start, protocol):
        if (
            service.sensitive
            and b.identity not in proxies
            and (registry.may_bind(b.identity, service, b.image) or _variant(b.identity, service))
        ):
            return service
    return None


def _variant(identity: str, service: registry.KnownService) -> bool:
    """An image named after the software with a suffix: `redismod`, `postgres-custom`."""
    names = (service.name, *service.aliases)
    return any(len(n) >= 4 and "/" not in n and identity.startswith(n) for n in names)


def _published_as(b: Binding) -> str:
    """ "5432/tcp", or for `- "5432"` the ephemeral port Docker picks."""
    if b.port == 0:
        return f"an ephemeral host port (for {b.target_text()}/{b.protocol.value})"
    return b.port_text()


def _host_port(b: Binding) -> str:
    return _published_as(b) if b.port == 0 else f"host port {b.port_text()}"


@check("PL502")
def unbound_interfaces(model: Model, options: Options) -> Iterator[Finding]:
    """Only a mapping that names no interface: an explicit `0.0.0.0` or `[::]` says every
    interface is meant."""
    for b in _published_everywhere(model):
        if b.address is not None:
            continue
        label = b.owner_label()
        yield Finding(
            "PL502",
            f"{_host_port(b)} of {label} {b.namespace.describe(model.hosts)} is published "
            "on all interfaces; name "
            f'the interface it is meant for ("127.0.0.1:{b.port or ""}:..." for local use)',
            b.location,
            key=f"{b.owner}|{b.socket_text()}",
        )
