"""atheris fuzz target: each service-config parser called directly on arbitrary bytes
(nginx, Apache, HAProxy, Caddy, Envoy, Traefik, systemd, the key-value formats, Spring,
Dockerfile, postfix, dovecot, BIND, quadlet units, a Kubernetes ConfigMap holding
configs), with an include fragment beside nginx and Apache configs.

Calling the parser, not the whole check, runs many more inputs a second through the code
that turns text into bindings. The first byte picks the file name; after a 0xFF byte, the
rest is written as `conf.d/a.conf` (which nginx `include conf.d/*.conf` and Apache
`Include conf.d/*.conf` reach). A parser may return findings; an exception is a bug, and
so is a diagnostic or binding without a real position. See fuzz/README.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    import yaml

    from portlint.config import build_options
    from portlint.engine import read_source
    from portlint.parsers import ParseContext, load_all
    from portlint.source import SourceFile
    from portlint.yamlnodes import YamlLimitError, compose_documents

    REGISTRY = load_all()  # imports (and so instruments) every parser now

NAMES = (
    "nginx.conf",
    "httpd.conf",
    "haproxy.cfg",
    "Caddyfile",
    "envoy.yaml",
    "traefik.toml",
    "traefik.yml",
    "app.socket",
    "app.service",
    "redis.conf",
    "postgresql.conf",
    "my.cnf",
    "sshd_config",
    "application.properties",
    "application.yml",
    "Dockerfile",
    "master.cf",
    "dovecot.conf",
    "named.conf",
    "app.kube",
    "app.container",
    "configmap.yaml",
)
WORK = Path(tempfile.mkdtemp(prefix="portlint-fuzz-services-")).resolve()
(WORK / "conf.d").mkdir()
OPTIONS = build_options({"limits": {"max-file-bytes": 1 << 20}}, None)


def _read(path: Path) -> SourceFile | None:
    """The engine's include reader, reduced: inside WORK only, regular files only."""
    try:
        resolved = path.resolve()
        if WORK not in resolved.parents or not resolved.is_file():
            return None
        return read_source(path, str(path), OPTIONS.limits.max_file_bytes)
    except Exception:  # noqa: BLE001 - a read problem is the reader's, not the parser's
        return None


def _check(result) -> None:
    for diagnostic in result.diagnostics:
        assert diagnostic.location.line >= 1, diagnostic
        assert isinstance(diagnostic.message, str) and diagnostic.message, diagnostic
    for binding in result.bindings:
        assert 0 <= binding.port <= binding.end_port <= 65535, binding
        assert binding.location.line >= 1, binding


def test_one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    main, _, fragment = data[1:].partition(b"\xff")
    for old in WORK.iterdir():
        if old.is_file():
            old.unlink()
    path = WORK / name
    path.write_bytes(main)
    (WORK / "conf.d" / "a.conf").write_bytes(fragment)
    try:
        source = read_source(path, str(path), OPTIONS.limits.max_file_bytes)
    except Exception:  # noqa: BLE001 - undecodable bytes are the reader's PL001
        return
    ctx = ParseContext(options=OPTIONS, roots=[WORK], read=_read)
    for parser in REGISTRY.text:
        if parser.matches(path):
            _check(parser.parse(source, ctx))
            return
    try:
        documents = compose_documents(source, OPTIONS.limits)
    except (yaml.YAMLError, YamlLimitError):
        return
    for document in documents:
        for parser in REGISTRY.documents:
            if parser.claims(document):
                _check(parser.parse([document], ctx))
                break


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
