"""ConfigMaps: the app configs their `data` values hold, and one-line values for the
environment.

A value is parsed by a format's own parser (`portlint.parsers.*`) when its key names
the format (`nginx.conf`, `redis.conf`, `haproxy.cfg`, `envoy.yaml`, `Caddyfile`,
`application.properties`, `application.yml`, ...) or its content is unmistakable (an
nginx `server { listen ...; }`, an Envoy `static_resources`, an OpenTelemetry Collector's
`receivers` with `service.pipelines`). Positions are mapped into the manifest
(`embedded.PositionMap`). The listeners are kept on the `ConfigEntry`, not emitted: they
become bindings only in the containers that mount the key (`portlint.k8s_mounts`); a
ConfigMap no pod mounts is on no host.

Only PL002 (a port that is not one) is reported from the parsed text; PL001/PL003 are
not, since such values are often templates for another tool (envsubst, confd).
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.k8s_objects import ConfigEntry, ConfigMap
from portlint.model import ParseResult
from portlint.parsers import ParseContext, TextParser
from portlint.parsers.kubernetes.embedded import PositionMap, embedded_source, remap
from portlint.parsers.kubernetes.values import ObjectContext
from portlint.source import Location, SourceFile
from portlint.yamlnodes import MappingNode, Node, ScalarNode, get

#: Numbers a config sets as a port (`port = 8443`, `bind_port: "8081"`, `listen 8443`,
#: `0.0.0.0:8443`): possibly served (PL401), never a binding.
_PORT_SETTING = re.compile(r"(?im)[a-z_.-]*port[a-z_]*\"?\s*[=:]\s*\"?(\d{1,5})\b")
_LISTEN = re.compile(r"(?im)^\s*listen\w*\b[^\n;#]*\b(\d{1,5})\b")
_HOST_PORT = re.compile(r"(?:[\w.\-\]]|^|\s|\"|')(?<!:):(\d{1,5})\b(?![:.\d])")
_PORT_KEY = re.compile(r"(?i)port$")

_NGINX_SERVER = re.compile(r"(?m)^\s*server\s*\{")
_NGINX_LISTEN = re.compile(r"(?m)^\s*listen\s+[^;\n]+;")
_HAPROXY = re.compile(r"(?m)^(frontend|listen)\s+\S+")
_YAML_NAMES = (".yaml", ".yml", ".json")


def parse_configmap(ctx: ObjectContext, node: MappingNode, pctx: ParseContext) -> ConfigMap:
    """The ConfigMap's entries: parsed configs and one-line values."""
    entries = []
    data = get(node, "data")
    for key_node, value in data.value if isinstance(data, MappingNode) else ():
        if isinstance(key_node, ScalarNode) and isinstance(value, ScalarNode):
            entries.append(_entry(ctx, key_node.value, value, pctx))
    name_node: Node = get(get(node, "metadata"), "name") or node
    return ConfigMap(("ConfigMap", ctx.namespace, ctx.name), "", entries, ctx.loc(name_node))


def _entry(ctx: ObjectContext, key: str, node: ScalarNode, pctx: ParseContext) -> ConfigEntry:
    text = node.value
    positions = PositionMap.of(ctx.source, node)
    entry = ConfigEntry(key)
    if "\n" not in text.strip():
        entry.value = text
        entry.value_location = positions.location(
            Location(ctx.source.display, 1, 1, 1, len(text) + 1)
        )
    parsed = None if "{{" in text else _parse(ctx.source, key, text, pctx)
    ports = set(mentioned_ports(text))
    if _PORT_KEY.search(key) and text.strip().isdigit() and len(text.strip()) <= 5:
        ports.add(int(text.strip()))
    if parsed is not None:
        parsed = remap(parsed, positions)
        entry.bindings = parsed.bindings
        ports.update(b.port for b in parsed.bindings if not b.default)
        ctx.result.diagnostics.extend(d for d in parsed.diagnostics if d.rule == "PL002")
    entry.ports = frozenset(p for p in ports if 0 < p <= 65535)
    return entry


def mentioned_ports(text: str) -> set[int]:
    """Port numbers the text sets explicitly (see `_PORT_SETTING` and its neighbours)."""
    found: set[int] = set()
    for pattern in (_PORT_SETTING, _LISTEN, _HOST_PORT):
        found.update(int(match.group(1)) for match in pattern.finditer(text))
    return found


def _parse(manifest: SourceFile, key: str, text: str, pctx: ParseContext) -> ParseResult | None:
    """The value parsed by its format's parser (None: no format claims it)."""
    name = key.lower()
    source = embedded_source(manifest, key, text)
    ctx = ParseContext(pctx.options, pctx.roots)  # no `read`: includes are container paths
    parser = _text_parser(name, text, source.path)
    if parser is not None:
        return parser.parse(source, ctx)
    if name.endswith(_YAML_NAMES) or "\n" in text.strip():
        return _parse_yaml(source, name, text, ctx)
    return None


def _text_parser(name: str, text: str, path: Path) -> TextParser | None:
    nginx_content = bool(_NGINX_SERVER.search(text) and _NGINX_LISTEN.search(text))
    if name.endswith(".conf") and (name.startswith("nginx") or nginx_content):
        from portlint.parsers.nginx import NginxParser

        return NginxParser()
    from portlint.parsers.keyvalue import KeyValueParser, daemon_for

    if daemon_for(path) is not None:
        return KeyValueParser()
    if name.endswith(".cfg") and (
        name.startswith("haproxy") or (_HAPROXY.search(text) and "bind" in text)
    ):
        from portlint.parsers.haproxy import HAProxyParser

        return HAProxyParser()
    if name == "caddyfile" or name.startswith("caddyfile.") or name.endswith(".caddyfile"):
        from portlint.parsers.caddy import CaddyParser

        return CaddyParser()
    if name.startswith("application") and name.endswith(".properties"):
        from portlint.parsers.spring import SpringPropertiesParser

        return SpringPropertiesParser()
    if "\n" in text.strip() and nginx_content:
        from portlint.parsers.nginx import NginxParser

        return NginxParser()  # an nginx server block under any key name
    return None


def _parse_yaml(source: SourceFile, name: str, text: str, ctx: ParseContext) -> ParseResult | None:
    """Envoy bootstraps, OpenTelemetry Collector configs and Spring `application.yml`."""
    spring = name.startswith("application") and name.endswith((".yml", ".yaml"))
    if not spring and "static_resources" not in text and "receivers" not in text:
        return None
    import yaml

    from portlint.yamlnodes import YamlLimitError, compose_documents

    try:
        documents = compose_documents(source, ctx.options.limits)
    except (yaml.YAMLError, YamlLimitError, ValueError):
        return None
    if not documents:
        return None
    if spring:
        from portlint.parsers.spring import SpringYamlParser

        return SpringYamlParser().parse(documents, ctx)
    from portlint.parsers.envoy import EnvoyParser
    from portlint.parsers.otel import OtelCollectorParser

    for parser in (EnvoyParser(), OtelCollectorParser()):
        claimed = [d for d in documents if parser.claims(d)]
        if claimed:
            return parser.parse(claimed, ctx)
    return None
