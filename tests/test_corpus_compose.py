"""Every Compose file of the shared corpus (Docker's awesome-compose) is read without a
crash, and the findings are exactly the ones reviewed: each is true for that sample."""

from __future__ import annotations

import pytest

from helpers import CORPUS, run
from portlint.config import load_config

COMPOSE = CORPUS / "compose"
pytestmark = pytest.mark.skipif(not COMPOSE.is_dir(), reason="shared corpus not present")

# Reviewed: PL201 — port 80/81/82/53/67 published, which rootless Docker/Podman cannot do;
# PL501 — a database, search engine or admin API published on every interface (images:
# elasticsearch, redislabs/redismod, postgres, redpanda admin API).
REVIEWED = [
    ("PL201", "apache-php/compose.yaml", 7, 10),
    ("PL201", "aspnet-mssql/compose.yaml", 5, 9),
    ("PL501", "elasticsearch-logstash-kibana/compose.yaml", 9, 10),
    ("PL501", "elasticsearch-logstash-kibana/compose.yaml", 10, 10),
    ("PL501", "flask-redis/compose.yaml", 5, 10),
    ("PL201", "nextcloud-postgres/compose.yaml", 10, 9),
    ("PL201", "nextcloud-redis-mariadb/compose.yaml", 6, 9),
    ("PL201", "nginx-aspnet-mysql/compose.yaml", 37, 9),
    ("PL201", "nginx-flask-mongo/compose.yaml", 10, 9),
    ("PL201", "nginx-flask-mysql/compose.yaml", 47, 9),
    ("PL201", "nginx-golang-mysql/compose.yaml", 42, 9),
    ("PL201", "nginx-golang-postgres/compose.yaml", 39, 9),
    ("PL201", "nginx-golang/compose.yaml", 10, 9),
    ("PL501", "nginx-nodejs-redis/compose.yaml", 6, 10),
    ("PL201", "nginx-nodejs-redis/compose.yaml", 12, 10),
    ("PL201", "nginx-nodejs-redis/compose.yaml", 18, 10),
    ("PL201", "nginx-nodejs-redis/compose.yaml", 22, 8),
    ("PL201", "nginx-wsgi-flask/compose.yaml", 10, 10),
    ("PL201", "pihole-cloudflared-DoH/compose.yaml", 22, 10),
    ("PL201", "pihole-cloudflared-DoH/compose.yaml", 23, 10),
    ("PL201", "pihole-cloudflared-DoH/compose.yaml", 24, 10),
    ("PL501", "postgresql-pgadmin/compose.yaml", 10, 10),
    ("PL201", "react-express-mysql/compose.yaml", 16, 9),
    ("PL201", "react-nginx/compose.yaml", 7, 10),
    ("PL501", "react-rust-postgres/compose.yaml", 42, 9),
    ("PL201", "traefik-golang/compose.yaml", 7, 10),
    ("PL501", "wasmedge-kafka-mysql/compose.yml", 17, 9),
    ("PL201", "wordpress-mysql/compose.yaml", 22, 9),
]


def _report():
    config = CORPUS / ".portlint.yaml"
    # Checked as for a rootless engine: PL201 applies only to projects that say so.
    return run(COMPOSE, config={**load_config(config), "rootless": True}, config_path=config)


def test_every_compose_file_is_read():
    report = _report()
    compose_files = [p for p in COMPOSE.rglob("*") if p.suffix in (".yaml", ".yml")]
    assert report.files == len(compose_files) == 39
    # 152 from port lists, 1 from a flag (nginx-wsgi-flask: gunicorn -b 0.0.0.0:8000), 1
    # from an environment variable (pihole-cloudflared-DoH: cloudflared's PORT=5054), 1
    # inferred (plex with network_mode: host listens on its default 32400)
    assert len(report.model.bindings) == 155


def test_findings_are_the_reviewed_ones():
    rows = [
        (
            f.rule,
            f.location.path.split("awesome-compose/", 1)[1],
            f.location.line,
            f.location.column,
        )
        for f in _report().findings
    ]
    assert rows == REVIEWED
