"""Software commonly deployed on ports the IANA registry does not reflect, or assigns to
something else (written by hand; the IANA snapshot is generated).

Each entry names the software's canonical identity (what `identify` returns), the image
and software names that identify it (`aliases`: drop-in servers such as MariaDB for MySQL
count as the software), software that speaks its protocol and may stand in on its ports
(`compatible`: poolers and protocol proxies), and whether the port is sensitive — a
database, cache, broker or admin API that must not be published on every interface (PL501).
"""

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
    compatible: tuple[str, ...] = ()  # software that may stand in on its ports
    note: str = ""  # what the port is for, when the ports differ in kind


def _s(name: str, title: str, ports: tuple[int, ...], *aliases: str, **kw) -> KnownService:
    return KnownService(name, title, ports, aliases=(name, *aliases), **kw)


def _db(name: str, title: str, ports: tuple[int, ...], *aliases: str, **kw) -> KnownService:
    return _s(name, title, ports, *aliases, sensitive=True, **kw)


#: Proxies, load balancers and tunnels: they listen on whatever port they front.
PROXIES = frozenset({
    "nginx", "openresty", "angie", "haproxy", "envoy", "traefik", "caddy", "apache",
    "httpd", "socat", "stunnel", "ghostunnel", "kong", "tyk", "varnish", "squid",
    "nginx-ingress-controller", "ingress-nginx", "contour", "istio-proxy", "proxyv2",
    "linkerd-proxy", "cloudflared", "frp", "frpc", "frps", "ngrok", "toxiproxy", "sish",
    "tailscale", "nginx-proxy", "jwilder-nginx-proxy", "nginx-proxy-manager", "pomerium",
    "oauth2-proxy", "haproxy-ingress", "emissary", "gloo", "skipper", "pingora",
})

_WEB = (80, 443, 3000, 4000, 4200, 5000, 5173, 8000, 8001, 8008, 8080, 8081, 8082, 8088,
        8443, 8888, 9000)

KNOWN: tuple[KnownService, ...] = (
    # Generic web ports: any web service may use them.
    KnownService("http", "generic HTTP", _WEB, generic=True),
    KnownService("http", "generic HTTP/3 (QUIC)", (443, 8443), protocol="udp", generic=True),
    # Relational databases and poolers.
    _db("postgresql", "PostgreSQL", (5432,), "postgres", "postgis", "timescaledb",
        "timescaledb-ha", "pgvector", "postgres-alpine", "supabase-postgres", "citus",
        "patroni", "spilo", "cloudnative-pg", "postgresql-repmgr", "crunchy-postgres",
        "paradedb", compatible=("pgbouncer", "pgpool", "pgpool-ii", "pgpool2", "odyssey",
                                "pgcat", "supavisor", "cloud-sql-proxy", "yugabyte")),
    _db("pgbouncer", "PgBouncer", (6432,), "pgbouncer", "pgbouncer-docker"),
    _db("mysql", "MySQL", (3306, 33060), "mariadb", "mysql-server", "percona",
        "percona-server", "percona-xtradb-cluster", "mariadb-galera", "galera",
        "tidb", "vitess", compatible=("proxysql", "maxscale", "mysql-router", "vtgate")),
    _db("mssql", "Microsoft SQL Server", (1433,), "mssql-server", "sql-server",
        "azure-sql-edge"),
    _db("oracle", "Oracle Database", (1521,), "oracle-database", "oracle-xe",
        "oracle-free", "database-enterprise", "oracle-db"),
    _db("db2", "IBM Db2", (50000,), "db2"),
    _db("cockroachdb", "CockroachDB", (26257,), "cockroach"),
    _db("yugabyte", "YugabyteDB", (5433, 9042), "yugabytedb"),
    # Document, wide-column, graph, time-series and search stores.
    _db("mongodb", "MongoDB", (27017, 27018, 27019), "mongo", "mongodb-community-server",
        "mongodb-enterprise-server", "percona-server-mongodb", "ferretdb",
        compatible=("mongos",)),
    _db("cassandra", "Cassandra (CQL)", (9042,), "scylla", "scylladb", "dse-server",
        compatible=("yugabyte",)),
    _db("cassandra-internode", "Cassandra internode", (7000, 7001, 7199), "cassandra",
        "scylla", "scylladb"),
    _db("couchdb", "CouchDB", (5984,), "couchdb"),
    _db("couchbase", "Couchbase", (8091, 8092, 8093, 11210), "couchbase-server"),
    _db("neo4j", "Neo4j", (7474, 7687), "neo4j-enterprise", "memgraph"),
    _db("influxdb", "InfluxDB", (8086,), "influx"),
    _db("clickhouse", "ClickHouse", (8123, 9000, 9009), "clickhouse-server",
        note="8123 HTTP, 9000 native protocol"),
    _db("elasticsearch", "Elasticsearch", (9200, 9300), "opensearch", "elasticsearch-oss",
        "opendistro-for-elasticsearch"),
    _db("solr", "Apache Solr", (8983,), "solr"),
    _db("questdb", "QuestDB", (8812, 9009), "questdb"),
    _db("victoriametrics", "VictoriaMetrics", (8428,), "victoria-metrics"),
    _db("rethinkdb", "RethinkDB", (28015, 29015), "rethinkdb"),
    _db("arangodb", "ArangoDB", (8529,), "arangodb"),
    _db("riak", "Riak", (8087, 8098), "riak-kv"),
    _db("hbase", "HBase", (16000, 16010, 16020), "hbase"),
    _db("hdfs", "HDFS NameNode", (8020, 9870, 50070), "hadoop", "namenode"),
    # Caches and key-value stores.
    _db("redis", "Redis", (6379,), "valkey", "keydb", "dragonfly", "redis-stack",
        "redis-stack-server", "redis-cluster", "kvrocks", "garnet",
        compatible=("twemproxy", "nutcracker", "envoy", "redis-sentinel")),
    _db("redis-sentinel", "Redis Sentinel", (26379,), "redis", "valkey", "sentinel"),
    _db("memcached", "Memcached", (11211,), "memcache", compatible=("mcrouter",)),
    _db("etcd", "etcd", (2379, 2380), "etcd-server", note="2379 client, 2380 peers"),
    _db("zookeeper", "ZooKeeper", (2181, 2888, 3888), "cp-zookeeper", "zookeeper"),
    _db("consul", "Consul", (8500, 8501, 8300, 8301, 8302, 8600), "consul-enterprise"),
    _db("vault", "Vault", (8200, 8201), "vault-enterprise", "openbao"),
    _db("nomad", "Nomad", (4646, 4647, 4648), "nomad"),
    # Brokers and streaming.
    _db("kafka", "Apache Kafka", (9092, 9093, 9094, 29092), "cp-kafka", "cp-server",
        "kafka-native", "redpanda", "confluent-local", "kafka-kraft",
        compatible=("kafka-proxy",)),
    _db("kafka-schema-registry", "Confluent Schema Registry", (8081,),
        "cp-schema-registry", "schema-registry"),
    _db("redpanda-admin", "Redpanda admin API", (9644,), "redpanda"),
    _db("rabbitmq", "RabbitMQ", (5672, 5671, 15672, 15671, 25672, 4369), "rabbitmq",
        note="5672 AMQP, 15672 management UI"),
    _db("nats", "NATS", (4222, 6222, 8222), "nats-server", "nats-streaming"),
    _db("activemq", "ActiveMQ", (61616, 8161, 61613, 5672, 1883), "activemq-artemis",
        "artemis"),
    _db("mqtt", "MQTT broker", (1883, 8883), "mosquitto", "eclipse-mosquitto", "emqx",
        "hivemq", "hivemq-ce", "vernemq", "nanomq"),
    _db("pulsar", "Apache Pulsar", (6650, 8080), "pulsar", "pulsar-all"),
    _db("beanstalkd", "beanstalkd", (11300,), "beanstalkd"),
    _db("nsq", "NSQ", (4150, 4151, 4160, 4161), "nsqd", "nsqlookupd"),
    # Container, cluster and cloud admin APIs.
    _db("docker", "Docker Engine API", (2375, 2376), "dind", "docker-dind", "dockerd",
        "docker-socket-proxy", note="2375 plain text: root on the host"),
    _db("kubernetes-api", "Kubernetes API server", (6443,), "kube-apiserver", "k3s",
        "kubernetes", "kind-node", "rke2"),
    _db("kubelet", "kubelet", (10250, 10255), "kubelet", note="10250 API, 10255 read-only"),
    _db("kube-controller-manager", "kube-controller-manager", (10257,),
        "kube-controller-manager"),
    _db("kube-scheduler", "kube-scheduler", (10259,), "kube-scheduler"),
    _s("kube-proxy", "kube-proxy", (10256, 10249), "kube-proxy"),
    _db("portainer", "Portainer", (9443, 8000), "portainer-ce", "portainer-ee", "agent"),
    _db("php-fpm", "PHP-FPM (FastCGI)", (9000,), "php", "php-fpm", "wordpress-fpm"),
    _db("jupyter", "Jupyter", (8888,), "jupyter", "base-notebook", "minimal-notebook",
        "scipy-notebook", "datascience-notebook", "jupyterlab"),
    _db("jenkins", "Jenkins agents (JNLP)", (50000,), "jenkins"),
    _db("minio", "MinIO", (9000, 9001), "minio", note="9000 S3 API, 9001 console"),
    _s("ceph-rgw", "Ceph RADOS Gateway", (7480,), "ceph"),
    _db("spark", "Apache Spark master", (7077, 8080), "spark", "spark-master"),
    _db("flink", "Apache Flink", (8081, 6123), "flink"),
    _db("hazelcast", "Hazelcast", (5701,), "hazelcast"),
    _db("ignite", "Apache Ignite", (10800, 47500, 47100), "ignite"),
    _db("erlang-epmd", "Erlang port mapper", (4369,), "epmd", "rabbitmq", "couchdb",
        "ejabberd", "emqx", "vernemq"),
    _s("ldap", "LDAP directory", (389, 636), "openldap", "slapd", "389ds", "389-ds",
       "lldap", "glauth", "samba", "samba-ad-dc", "freeipa-server", "osixia-openldap"),
    _s("keycloak", "Keycloak", (8080, 8443, 9000), "keycloak"),
    # Observability.
    _s("prometheus", "Prometheus", (9090,), "prometheus", "thanos", "cortex", "mimir",
       "victoria-metrics"),
    _s("alertmanager", "Alertmanager", (9093,), "alertmanager"),
    _s("pushgateway", "Prometheus Pushgateway", (9091,), "pushgateway"),
    _s("node-exporter", "Prometheus node exporter", (9100,), "node-exporter",
       "node_exporter"),
    _s("cadvisor", "cAdvisor", (8080,), "cadvisor"),
    _s("grafana", "Grafana", (3000,), "grafana", "grafana-oss", "grafana-enterprise"),
    _s("loki", "Grafana Loki", (3100,), "loki"),
    _s("tempo", "Grafana Tempo", (3200,), "tempo"),
    _s("kibana", "Kibana", (5601,), "kibana", "opensearch-dashboards"),
    _s("logstash", "Logstash (Beats input)", (5044, 9600), "logstash"),
    _s("fluentd", "Fluentd forward", (24224,), "fluentd", "fluent-bit", "fluentbit"),
    _s("zipkin", "Zipkin", (9411,), "zipkin", "openzipkin", "jaeger", "all-in-one",
       "jaeger-all-in-one", "tempo", "otel-collector", "opentelemetry-collector",
       "opentelemetry-collector-contrib"),
    _s("jaeger", "Jaeger", (16686, 14268, 14250), "jaeger", "all-in-one",
       "jaeger-all-in-one", "jaeger-collector", "jaeger-query"),
    _s("jaeger-agent", "Jaeger agent", (6831, 6832), "jaeger", "jaeger-agent", "all-in-one",
       "jaeger-all-in-one", protocol="udp"),
    _s("otlp", "OpenTelemetry OTLP", (4317, 4318), "otel-collector",
       "opentelemetry-collector", "opentelemetry-collector-contrib", "jaeger",
       "all-in-one", "jaeger-all-in-one", "tempo", "grafana-agent", "alloy", "otel-lgtm",
       "signoz-otel-collector", "aspire-dashboard"),
    _s("statsd", "StatsD", (8125,), "statsd", "graphite", "datadog", "agent",
       "statsd-exporter", protocol="udp"),
    _s("graphite", "Graphite (carbon)", (2003, 2004), "graphite", "graphite-statsd",
       "go-carbon", "carbon"),
    _s("syslog", "syslog", (514,), "rsyslog", "syslog-ng", "fluentd", "fluent-bit",
       "logstash", "vector", protocol="udp"),
    _s("sentry", "Sentry", (9000,), "sentry", "sentry-self-hosted"),
    _s("sonarqube", "SonarQube", (9000,), "sonarqube"),
    # Well-known-range services that common images implement.
    _s("ssh", "SSH", (22,), "sshd", "openssh", "openssh-server", "dropbear", "gitlab-ce",
       "gitlab-ee", "gitea", "forgejo", "gogs", "gerrit", "sftp", "atmoz-sftp",
       "soft-serve", "onedev", "git-server", "linuxserver-openssh-server"),
    _s("smtp", "SMTP", (25, 465, 587), "postfix", "exim", "exim4", "sendmail", "opensmtpd",
       "mailcow", "docker-mailserver", "mailserver", "maddy", "stalwart-mail", "haraka",
       "mailu", "poste-io", "mailhog", "mailpit", "smtp-relay", "boky-postfix", "iredmail",
       "mail-server", "smtp4dev", "inbucket", "mailcrab"),
    _s("imap", "IMAP/POP3", (110, 143, 993, 995), "dovecot", "mailcow",
       "docker-mailserver", "mailserver", "maddy", "stalwart-mail", "mailu", "poste-io",
       "cyrus", "iredmail", "mail-server", "greenmail"),
    _s("dns", "DNS", (53,), "bind", "bind9", "named", "coredns", "unbound", "dnsmasq",
       "pihole", "pi-hole", "adguardhome", "powerdns", "pdns", "pdns-recursor", "knot",
       "knot-resolver", "technitium", "dnsdist", "blocky", "nsd", "kube-dns", "node-cache",
       "k8s-dns-node-cache", "systemd-resolved", "consul"),
    _s("dns", "DNS", (53,), "bind", "bind9", "named", "coredns", "unbound", "dnsmasq",
       "pihole", "pi-hole", "adguardhome", "powerdns", "pdns", "pdns-recursor", "knot",
       "knot-resolver", "technitium", "dnsdist", "blocky", "nsd", "kube-dns", "node-cache",
       "k8s-dns-node-cache", "systemd-resolved", "consul", protocol="udp"),
    _s("dhcp", "DHCP", (67, 68, 547), "dnsmasq", "pihole", "pi-hole", "isc-dhcp-server",
       "kea", "kea-dhcp4", "adguardhome", "netboot", "netbootxyz", protocol="udp"),
    _s("tftp", "TFTP", (69,), "tftpd", "tftp-hpa", "dnsmasq", "netboot", "netbootxyz",
       protocol="udp"),
    _s("ntp", "NTP", (123,), "chrony", "chronyd", "ntpd", "ntp", "openntpd", protocol="udp"),
    _s("smb", "SMB/CIFS", (139, 445), "samba", "smbd", "samba-ad-dc", "dperson-samba"),
    _s("nfs", "NFS", (2049, 111), "nfs-server", "nfs-ganesha", "ganesha", "nfsd"),
    _s("ftp", "FTP", (20, 21), "vsftpd", "proftpd", "pure-ftpd", "pureftpd", "ftpd",
       "sftpgo", "filezilla"),
    _s("rsync", "rsync", (873,), "rsyncd", "rsync"),
    _s("ipp", "IPP/CUPS", (631,), "cups", "cupsd"),
    _s("snmp", "SNMP", (161, 162), "snmpd", "net-snmp", "snmp-exporter", protocol="udp"),
    _s("rdp", "RDP", (3389,), "xrdp", "guacd", "rdesktop", "windows"),
    _s("vnc", "VNC", (5900, 5901), "vnc", "tigervnc", "x11vnc", "novnc", "selenium",
       "standalone-chrome", "standalone-firefox", "webtop"),
    _s("sip", "SIP", (5060, 5061), "asterisk", "freeswitch", "kamailio", "opensips",
       "freepbx"),
    _s("sip", "SIP", (5060,), "asterisk", "freeswitch", "kamailio", "opensips", "freepbx",
       protocol="udp"),
    _s("xmpp", "XMPP", (5222, 5269), "ejabberd", "prosody", "openfire"),
    _s("irc", "IRC", (6667, 6697), "inspircd", "unrealircd", "ngircd", "ergo", "oragono"),
    _s("openvpn", "OpenVPN", (1194,), "openvpn", "openvpn-as", "kylemanna-openvpn",
       protocol="udp"),
    _s("wireguard", "WireGuard", (51820,), "wireguard", "wg-easy", "boringtun",
       "netmaker", "firezone", "headscale", "innernet", protocol="udp"),
    _s("ipsec", "IPsec IKE", (500, 4500), "strongswan", "libreswan", "ipsec-vpn-server",
       protocol="udp"),
    _s("minecraft", "Minecraft", (25565,), "minecraft-server", "minecraft", "paper",
       "spigot", "velocity", "bungeecord"),
    _s("minecraft-bedrock", "Minecraft Bedrock", (19132,), "minecraft-bedrock-server",
       "bedrock", protocol="udp"),
    _s("plex", "Plex", (32400,), "pms-docker", "plex", "plex-media-server"),
    _s("jellyfin", "Jellyfin", (8096,), "jellyfin", "emby", "embyserver"),
    _s("bacnet", "BACnet", (47808,), "bacnet", "bacnet-stack", protocol="udp"),
    _s("modbus", "Modbus", (502,), "modbus", "modbus-server"),
    _s("mdns", "mDNS", (5353,), "avahi", "avahi-daemon", "homeassistant", "home-assistant",
       protocol="udp"),
)
