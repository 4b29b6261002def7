"""Listen ports set by environment variables an image documents, as data: `PORT`
(the convention of buildpacks, Cloud Run and many microservices), Spring Boot's
`SERVER_PORT`, Grafana's `GF_SERVER_HTTP_PORT`, the Bitnami images' `*_PORT_NUMBER`, ...

A variable tied to software (`software` set) is read only in a container of that image;
the generic ones only in images the flag grammar does not know (a `PORT` variable in a
Redis container says nothing about Redis).
"""

from __future__ import annotations

from portlint.flags.grammar import by_image
from portlint.numbers import is_digits, parse_port, port_problem
from portlint.records import FrozenRecord


class EnvPort(FrozenRecord):
    name: str
    software: str  # the image name it applies to ("" generic), as `by_image` matches
    what: str


# fmt: off
VARIABLES: tuple[EnvPort, ...] = (
    EnvPort("PORT", "", "HTTP (buildpacks, Cloud Run, many apps)"),
    EnvPort("SERVER_PORT", "", "HTTP (Spring Boot)"),
    EnvPort("GF_SERVER_HTTP_PORT", "grafana", "web UI"),
    EnvPort("REDIS_PORT_NUMBER", "redis", "clients (Bitnami)"),
    EnvPort("POSTGRESQL_PORT_NUMBER", "postgresql", "clients (Bitnami)"),
    EnvPort("MYSQL_PORT_NUMBER", "mysql", "clients (Bitnami)"),
    EnvPort("MARIADB_PORT_NUMBER", "mariadb", "clients (Bitnami)"),
    EnvPort("MONGODB_PORT_NUMBER", "mongodb", "clients (Bitnami)"),
    EnvPort("PGPORT", "postgres", "clients"),
    EnvPort("KC_HTTP_PORT", "keycloak", "HTTP"),
    EnvPort("RABBITMQ_NODE_PORT", "rabbitmq", "AMQP"),
    EnvPort("ZOOKEEPER_CLIENT_PORT", "cp-zookeeper", "clients"),
)
# fmt: on

_BY_NAME = {v.name: v for v in VARIABLES}


def _image_name(image: str | None) -> str:
    if not image:
        return ""
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def applies(variable: str, image: str | None) -> EnvPort | None:
    """The documented variable, when it sets a listen port of this image."""
    known = _BY_NAME.get(variable)
    if known is None:
        return None
    if known.software:
        return known if _image_name(image) in (known.software, f"{known.software}-server") else None
    return known if image and by_image(image) is None else None


def value_problem(known: EnvPort, value: str) -> str | None:
    """Why the value is not a port (None: it is one, or it is not ours to judge)."""
    if parse_port(value) is not None:
        return None
    if not known.software and not is_digits(value):
        return None  # a generic name holding something else
    return f"environment variable {known.name}: {port_problem(value, 'its value')}"
