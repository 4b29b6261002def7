"""Software commonly deployed on ports the IANA registry does not reflect, or assigns to
something else (written by hand; the IANA snapshot is generated).

Each entry names the software's canonical identity (what `identify` returns), the image
and software names that identify it (`aliases`: drop-in servers such as MariaDB for MySQL
count as the software), software that speaks its protocol and may stand in on its ports
(`compatible`: poolers and protocol proxies), and whether the port is sensitive — a
database, cache, broker or admin API that must not be published on every interface (PL501).

A port is another software's (PL301) only where someone connecting to it, or a scanner
classifying it, expects that software: a wire protocol or an API whose clients default to
it. A port a software uses that nothing else expects — a web UI people open by its URL
(HDFS NameNode's 9870, ActiveMQ's console on 8161), a peer port announced to peers — is
listed in `own_only`: it is the software's own default (PL302 is quiet on it), but no claim
against other software; two of them on one host are a collision (PL101), not a clash.
"""

from __future__ import annotations

from portlint.records import FrozenRecord


class KnownService(FrozenRecord):
    name: str  # canonical identity, e.g. "postgresql"
    title: str  # e.g. "PostgreSQL"
    ports: tuple[int, ...]
    protocol: str = "tcp"
    aliases: tuple[str, ...] = ()  # image / software names that identify it
    sensitive: bool = False  # database, cache, broker or admin API (PL501)
    generic: bool = False  # any web service may use it (80, 8080, 3000...)
    compatible: tuple[str, ...] = ()  # software that may stand in on its ports
    note: str = ""  # what the port is for, when the ports differ in kind
    own_only: tuple[int, ...] = ()  # its defaults nothing else expects (a web UI): no PL301

    def claims(self, port: int) -> bool:
        """Whether other software on `port` is a clash: not a generic web port, and a
        port its clients or scanners expect (not a web UI only people open by URL)."""
        return not self.generic and port in self.ports and port not in self.own_only


def _s(name: str, title: str, ports: tuple[int, ...], *aliases: str, **kw) -> KnownService:
    """Software: `aliases` are other names of the same software; `own_only=True`: none
    of its ports is expected by anything but itself (a self-hosted app's web UI)."""
    if kw.get("own_only") is True:
        kw["own_only"] = ports
    return KnownService(name, title, ports, aliases=(name, *aliases), **kw)


def _proto(name: str, title: str, ports: tuple[int, ...], *servers: str, **kw) -> KnownService:
    """A protocol's ports and the software commonly serving it (which keeps its own name)."""
    return KnownService(name, title, ports, aliases=(name,), compatible=servers, **kw)


def _db(name: str, title: str, ports: tuple[int, ...], *aliases: str, **kw) -> KnownService:
    return _s(name, title, ports, *aliases, sensitive=True, **kw)


# fmt: off
#: Ports that speak TLS from their first byte, by the plain-text protocol name people give
#: them by mistake: port -> (its own name, protocol, the plain name, the plain port).
#: submissions 465, imaps 993, pop3s 995: RFC 8314 (sections 3.3, 7.3); ldaps 636: IANA.
IMPLICIT_TLS: dict[int, tuple[str, str, str, int]] = {
    465: ("submissions", "SMTP", "smtp", 25),
    993: ("imaps", "IMAP", "imap", 143),
    995: ("pop3s", "POP3", "pop3", 110),
    636: ("ldaps", "LDAP", "ldap", 389),
}

#: Proxies, load balancers and tunnels: they listen on whatever port they front.
PROXIES = frozenset({
    "nginx", "openresty", "angie", "haproxy", "envoy", "traefik", "caddy", "apache",
    "httpd", "socat", "stunnel", "ghostunnel", "kong", "tyk", "varnish", "squid",
    "nginx-ingress-controller", "ingress-nginx", "contour", "istio-proxy", "proxyv2",
    "linkerd-proxy", "cloudflared", "frp", "frpc", "frps", "ngrok", "toxiproxy", "sish",
    "tailscale", "nginx-proxy", "jwilder-nginx-proxy", "nginx-proxy-manager", "pomerium",
    "oauth2-proxy", "haproxy-ingress", "emissary", "gloo", "skipper", "pingora",
    # An authorising proxy in front of an exporter (kube-prometheus' node-exporter pod).
    "kube-rbac-proxy", "brancz/kube-rbac-proxy",
})

_TRACING = ("jaeger", "jaeger-all-in-one", "jaegertracing/all-in-one", "tempo",
            "otel-collector", "opentelemetry-collector", "opentelemetry-collector-contrib",
            "grafana/agent", "alloy", "otel-lgtm", "signoz-otel-collector", "aspire-dashboard",
            "zipkin", "openzipkin", "datadog/agent", "datadog-agent")
_MAIL = ("postfix", "mailcow", "docker-mailserver", "mailserver", "maddy", "stalwart-mail",
         "mailu", "poste-io", "poste.io", "iredmail", "mail-server", "dovecot", "mox")
_DNS = ("bind", "bind9", "named", "coredns", "unbound", "dnsmasq", "pihole", "pi-hole",
        "adguardhome", "powerdns", "pdns", "pdns-recursor", "pdns-auth", "knot",
        "knot-resolver", "technitium", "dnsserver", "dnsdist", "blocky", "nsd", "kube-dns",
        "node-cache", "k8s-dns-node-cache", "systemd-resolved", "consul", "cloudflared",
        "dnscrypt-proxy", "stubby", "technitium/dns-server")
_SIP = ("asterisk", "freeswitch", "kamailio", "opensips", "freepbx")

_WEB = (80, 81, 82, 443, 591, 888, 3000, 4000, 4200, 5000, 5173, 8000, 8001, 8008, 8080,
        8081, 8082, 8088, 8090, 8443, 8888, 9000, 9080,
        # HTTPS beside 8443: controller-runtime's webhook default (book.kubebuilder.io
        # "webhook server" Port 9443), Portainer's and authentik's HTTPS, WSO2's.
        9443)

KNOWN: tuple[KnownService, ...] = (
    # Generic web ports: any web service may use them.
    KnownService("http", "generic HTTP", _WEB, generic=True),
    KnownService("http", "generic HTTP/3 (QUIC)", (443, 8443), protocol="udp", generic=True),
    # Relational databases and poolers.
    _db("postgresql", "PostgreSQL", (5432,), "postgres", "postgis", "timescaledb",
        "timescaledb-ha", "pgvector", "supabase-postgres", "citus", "patroni", "spilo",
        "postgresql-repmgr", "crunchy-postgres", "paradedb", "postgresql-ha",
        compatible=("pgbouncer", "pgpool", "pgpool-ii", "pgpool2", "odyssey", "pgcat",
                    "supavisor", "cloud-sql-proxy", "yugabyte", "cockroachdb", "cockroach")),
    _db("pgbouncer", "PgBouncer", (6432,), "pgbouncer-docker"),
    _db("mysql", "MySQL", (3306, 33060), "mariadb", "mysql-server", "percona",
        "percona-server", "percona-xtradb-cluster", "mariadb-galera", "galera",
        "mysql-cluster",
        compatible=("proxysql", "maxscale", "mysql-router", "vtgate", "vitess", "tidb")),
    _db("mssql", "Microsoft SQL Server", (1433,), "mssql-server", "sql-server",
        "azure-sql-edge"),
    _db("oracle", "Oracle Database", (1521,), "oracle-database", "oracle-xe",
        "oracle-free", "database-enterprise", "oracle-db"),
    _db("db2", "IBM Db2", (50000,)),
    _db("cockroachdb", "CockroachDB", (26257,), "cockroach"),
    _db("yugabyte", "YugabyteDB", (7100,), "yugabytedb"),
    # Document, wide-column, graph, time-series and search stores.
    _db("mongodb", "MongoDB", (27017, 27018, 27019), "mongo", "mongodb-community-server",
        "mongodb-enterprise-server", "percona-server-mongodb",
        compatible=("mongos", "ferretdb")),
    _db("cassandra", "Cassandra", (9042, 7000, 7001, 7199), "dse-server",
        compatible=("scylla", "scylladb", "yugabyte"),
        note="9042 CQL, 7000/7001 internode, 7199 JMX"),
    _db("couchdb", "CouchDB", (5984,)),
    _db("couchbase", "Couchbase", (8091, 8092, 8093, 11210), "couchbase-server"),
    _db("neo4j", "Neo4j", (7474, 7687), "neo4j-enterprise", compatible=("memgraph",)),
    _db("influxdb", "InfluxDB", (8086,), "influx"),
    _db("clickhouse", "ClickHouse", (8123, 9000, 9009), "clickhouse-server",
        note="8123 HTTP, 9000 native protocol"),
    _db("elasticsearch", "Elasticsearch", (9200, 9300), "elasticsearch-oss",
        compatible=("opensearch", "opendistro-for-elasticsearch", "zincsearch", "manticore")),
    _db("solr", "Apache Solr", (8983,)),
    _db("questdb", "QuestDB", (8812, 9009)),
    _db("victoriametrics", "VictoriaMetrics", (8428,), "victoria-metrics"),
    _db("rethinkdb", "RethinkDB", (28015, 29015)),
    _db("arangodb", "ArangoDB", (8529,)),
    _db("hbase", "HBase", (16000, 16010, 16020), own_only=(16010,), note="16010 web UI"),
    _db("hdfs", "HDFS NameNode", (8020, 9870, 50070), "namenode", compatible=("hadoop",),
        own_only=(9870, 50070), note="8020 RPC, 9870/50070 web UI"),
    # Caches, key-value stores and coordination.
    _db("redis", "Redis", (6379,), "valkey", "keydb", "redis-stack", "redis-stack-server",
        "redis-cluster",
        compatible=("dragonfly", "kvrocks", "garnet", "twemproxy", "nutcracker", "envoy",
                    "redis-sentinel", "predixy")),
    _db("redis-sentinel", "Redis Sentinel", (26379,), "sentinel",
        compatible=("redis", "valkey")),
    _db("memcached", "Memcached", (11211,), "memcache", compatible=("mcrouter",)),
    _db("etcd", "etcd", (2379, 2380), "etcd-server", note="2379 client, 2380 peers"),
    _db("zookeeper", "ZooKeeper", (2181, 2888, 3888), "cp-zookeeper"),
    _db("consul", "Consul", (8500, 8501, 8300, 8301, 8302, 8600), "consul-enterprise"),
    _db("vault", "Vault", (8200, 8201), "vault-enterprise", compatible=("openbao",)),
    _db("nomad", "Nomad", (4646, 4647, 4648)),
    # Brokers and streaming.
    _db("kafka", "Apache Kafka", (9092, 9093, 9094, 29092), "cp-kafka", "cp-server",
        "kafka-native", "confluent-local", "kafka-kraft",
        compatible=("redpanda", "kafka-proxy", "warpstream", "automq")),
    _db("schema-registry", "Confluent Schema Registry", (8081,), "cp-schema-registry"),
    _db("redpanda", "Redpanda admin API", (9644,)),
    _db("rabbitmq", "RabbitMQ", (5672, 5671, 15672, 15671, 25672), compatible=("lavinmq",),
        note="5672 AMQP, 15672 management UI"),
    _db("nats", "NATS", (4222, 6222, 8222), "nats-server", "nats-streaming"),
    _db("activemq", "ActiveMQ", (61616, 8161, 61613), "activemq-artemis", "artemis",
        own_only=(8161,), note="61616 OpenWire, 61613 STOMP, 8161 web console"),
    _db("mqtt", "MQTT broker", (1883, 8883),
        compatible=("mosquitto", "eclipse-mosquitto", "emqx", "hivemq", "hivemq-ce",
                    "hivemq4", "vernemq", "nanomq", "activemq", "rabbitmq")),
    _db("pulsar", "Apache Pulsar", (6650,), "pulsar-all"),
    _db("beanstalkd", "beanstalkd", (11300,)),
    _db("nsq", "NSQ", (4150, 4151, 4160, 4161), "nsqd", "nsqlookupd"),
    _db("epmd", "Erlang port mapper", (4369,),
        compatible=("rabbitmq", "couchdb", "ejabberd", "emqx", "vernemq", "elixir", "erlang")),
    # Container, cluster and cloud admin APIs.
    _db("docker", "Docker Engine API", (2375, 2376), "dind", "docker-dind", "dockerd",
        compatible=("docker-socket-proxy", "socket-proxy"),
        note="2375 is plain text: root on the host"),
    _db("kubernetes-api", "Kubernetes API server", (6443,), "kube-apiserver",
        compatible=("k3s", "rke2", "kind-node", "kindest/node", "k0s", "vcluster")),
    _db("kubelet", "kubelet", (10250, 10255), note="10250 API, 10255 read-only"),
    _db("kube-controller-manager", "kube-controller-manager", (10257,)),
    _db("kube-scheduler", "kube-scheduler", (10259,)),
    _s("kube-proxy", "kube-proxy", (10256, 10249)),
    _db("portainer", "Portainer", (9443,), "portainer-ce", "portainer-ee", "portainer/agent"),
    _db("php-fpm", "PHP-FPM (FastCGI)", (9000,), "php", "wordpress-fpm"),
    _db("jupyter", "Jupyter", (8888,), "base-notebook", "minimal-notebook",
        "scipy-notebook", "datascience-notebook", "jupyterlab"),
    _db("jenkins", "Jenkins agents (JNLP)", (50000,)),
    _db("minio", "MinIO", (9000,), note="S3 API"),
    KnownService("minio-console", "MinIO console", (9001,), aliases=("minio",),
                 generic=True, note="a web UI: any web service may use the port"),
    _db("spark", "Apache Spark master", (7077,), "spark-master"),
    _db("flink", "Apache Flink", (6123,)),
    _db("hazelcast", "Hazelcast", (5701,)),
    _db("ignite", "Apache Ignite", (10800, 47500, 47100)),
    _s("keycloak", "Keycloak", (8080, 8443, 9000)),
    # Observability.
    _s("prometheus", "Prometheus", (9090,),
       compatible=("thanos", "cortex", "mimir", "victoria-metrics", "victoriametrics",
                   "vmagent", "cockpit")),
    _s("alertmanager", "Alertmanager", (9093,)),
    _s("pushgateway", "Prometheus Pushgateway", (9091,)),
    _s("node-exporter", "Prometheus node exporter", (9100,), "node_exporter"),
    _s("cadvisor", "cAdvisor", (8080,)),
    _s("grafana", "Grafana", (3000,), "grafana-oss", "grafana-enterprise"),
    _s("loki", "Grafana Loki", (3100,)),
    _s("tempo", "Grafana Tempo", (3200,)),
    _s("kibana", "Kibana", (5601,), compatible=("opensearch-dashboards",), own_only=True),
    _s("logstash", "Logstash", (5044, 9600), note="5044 Beats input"),
    _s("fluentd", "Fluentd forward", (24224,), compatible=("fluent-bit", "fluentbit")),
    _s("zipkin", "Zipkin", (9411,), "openzipkin",
       compatible=_TRACING),
    _s("jaeger", "Jaeger", (16686, 14268, 14250), "jaeger-all-in-one",
       "jaegertracing/all-in-one", "jaeger-collector", "jaeger-query", own_only=(16686,),
       note="16686 web UI, 14268/14250 collector"),
    _s("jaeger-agent", "Jaeger agent", (6831, 6832), protocol="udp",
       compatible=("jaeger", "jaeger-all-in-one", "jaegertracing/all-in-one", *_TRACING)),
    _proto("otlp", "OpenTelemetry OTLP", (4317, 4318), *_TRACING),
    _proto("statsd", "StatsD", (8125,), "statsd", "graphite", "graphite-statsd",
           "datadog/agent", "datadog-agent", "statsd-exporter", "telegraf", "netdata",
           protocol="udp"),
    _proto("graphite", "Graphite (carbon)", (2003, 2004), "graphite", "graphite-statsd",
           "go-carbon", "carbon", "influxdb", "victoria-metrics"),
    _proto("syslog", "syslog", (514,), "rsyslog", "syslog-ng", "fluentd", "fluent-bit",
           "logstash", "vector", "graylog", protocol="udp"),
    # Well-known-range protocols and the software that commonly serves them.
    _proto("ssh", "SSH", (22,), "sshd", "openssh", "openssh-server", "dropbear",
           "gitlab-ce", "gitlab-ee", "gitea", "forgejo", "gogs", "gerrit", "sftp",
           "soft-serve", "onedev", "git-server", "sftpgo", "tailscale", "teleport"),
    _proto("smtp", "SMTP", (25, 465, 587), *_MAIL, "exim", "exim4", "sendmail",
           "opensmtpd", "haraka", "mailhog", "mailpit", "smtp-relay", "smtp4dev",
           "inbucket", "mailcrab", "smtp"),
    _proto("imap", "IMAP/POP3", (110, 143, 993, 995), *_MAIL, "cyrus", "greenmail"),
    _proto("dns", "DNS", (53,), *_DNS),
    _proto("dns", "DNS", (53,), *_DNS, protocol="udp"),
    _proto("dhcp", "DHCP", (67, 68, 547), "dnsmasq", "pihole", "pi-hole", "isc-dhcp-server",
           "kea", "kea-dhcp4", "adguardhome", "netboot", "netbootxyz", protocol="udp"),
    _proto("tftp", "TFTP", (69,), "tftpd", "tftp-hpa", "dnsmasq", "netboot", "netbootxyz",
           protocol="udp"),
    _proto("ntp", "NTP", (123,), "chrony", "chronyd", "ntpd", "ntp", "openntpd",
           protocol="udp"),
    _proto("ldap", "LDAP", (389, 636), "openldap", "slapd", "389ds", "389-ds", "lldap",
           "glauth", "samba", "samba-ad-dc", "freeipa-server", "keycloak", "authentik"),
    _proto("smb", "SMB/CIFS", (139, 445), "samba", "smbd", "samba-ad-dc", "dperson-samba"),
    _proto("nfs", "NFS", (2049, 111), "nfs-server", "nfs-ganesha", "ganesha", "nfsd",
           "nfs-server-alpine", "volume-nfs"),
    _proto("ftp", "FTP", (20, 21), "vsftpd", "proftpd", "pure-ftpd", "pureftpd", "ftpd",
           "sftpgo", "filezilla", "ftp-server"),
    _proto("rsync", "rsync", (873,), "rsyncd", "rsync"),
    # Well-known ports that clients and scanners still expect, once covered only by the
    # IANA snapshot (which by default no longer counts: most of its well-known range is
    # registered to software nobody deploys, like 83 mit-ml-dev).
    _proto("telnet", "Telnet", (23,), "telnetd", "busybox-telnetd"),
    _proto("kerberos", "Kerberos", (88, 464), "krb5-kdc", "kdc", "samba", "samba-ad-dc",
           "freeipa-server", "heimdal"),
    _proto("kerberos", "Kerberos", (88, 464), "krb5-kdc", "kdc", "samba", "samba-ad-dc",
           "freeipa-server", "heimdal", protocol="udp"),
    _proto("nntp", "NNTP", (119, 563), "inn", "inn2", "leafnode"),
    _proto("bgp", "BGP", (179,), "bird", "bird2", "frr", "frrouting", "gobgp", "quagga",
           "openbgpd", "metallb-speaker", "calico-node", "cilium"),
    _proto("rtsp", "RTSP", (554,), "mediamtx", "rtsp-simple-server", "go2rtc", "frigate",
           "live555", "wowza"),
    _proto("lpd", "LPD printing", (515,), "cups", "cupsd", "lprng"),
    _proto("ftps", "FTP over TLS", (989, 990), "vsftpd", "proftpd", "pure-ftpd", "pureftpd",
           "ftpd", "sftpgo", "filezilla", "ftp-server"),
    _proto("ipp", "IPP/CUPS", (631,), "cups", "cupsd"),
    _proto("snmp", "SNMP", (161, 162), "snmpd", "net-snmp", "snmp-exporter", protocol="udp"),
    _proto("rdp", "RDP", (3389,), "xrdp", "guacd", "rdesktop", "windows", "webtop"),
    _proto("vnc", "VNC", (5900, 5901), "vnc", "tigervnc", "x11vnc", "novnc", "selenium",
           "standalone-chrome", "standalone-firefox", "webtop"),
    _proto("sip", "SIP", (5060, 5061), *_SIP),
    _proto("sip", "SIP", (5060,), *_SIP, protocol="udp"),
    _proto("xmpp", "XMPP", (5222, 5269), "ejabberd", "prosody", "openfire"),
    _proto("irc", "IRC", (6667, 6697), "inspircd", "unrealircd", "ngircd", "ergo", "oragono"),
    _proto("openvpn", "OpenVPN", (1194,), "openvpn", "openvpn-as", protocol="udp"),
    _proto("wireguard", "WireGuard", (51820,), "wireguard", "wg-easy", "boringtun",
           "netmaker", "firezone", "headscale", "innernet", "wireguard-ui", "tailscale",
           protocol="udp"),
    _proto("ipsec", "IPsec IKE", (500, 4500), "strongswan", "libreswan", "ipsec-vpn-server",
           protocol="udp"),
    _proto("minecraft", "Minecraft", (25565,), "minecraft-server", "minecraft", "paper",
           "spigot", "velocity", "bungeecord"),
    _proto("minecraft-bedrock", "Minecraft Bedrock", (19132,), "minecraft-bedrock-server",
           "bedrock", protocol="udp"),
    # support.plex.tv "What network ports do I need to allow": 32400; 33400 WebTools.
    _s("plex", "Plex", (32400, 33400), "pms-docker", "plex-media-server", "plexinc/pms-docker",
       note="32400 Plex Media Server, 33400 the WebTools plugin", own_only=(33400,)),
    _s("jellyfin", "Jellyfin", (8096,), compatible=("emby", "embyserver")),
    # Self-hosted software on its vendors' documented default ports (PL302 is quiet on
    # them, and PL301 does not call them another software's). Web UIs and peer ports:
    # nothing but the software expects them, so they claim nothing from others (own_only).
    # duplicati.readthedocs.io "Using Duplicati from Docker": web UI on 8200.
    _s("duplicati", "Duplicati", (8200,), own_only=True),
    # authelia.com/configuration/miscellaneous/server: `address` default tcp://:9091/.
    _s("authelia", "Authelia", (9091,), own_only=True),
    # transmission settings.json: rpc-port 9091, peer-port 51413 (TCP and UDP).
    _s("transmission", "Transmission", (9091, 51413), "transmission-openvpn",
       "haugene/transmission-openvpn", note="9091 web UI and RPC, 51413 peers",
       own_only=True),
    _s("transmission-peer", "Transmission peers", (51413,), "transmission",
       "transmission-openvpn", "haugene/transmission-openvpn", protocol="udp",
       own_only=True),
    # docs.goauthentik.io/docs/install-config/install/docker-compose: 9000 HTTP, 9443 HTTPS.
    _s("authentik", "authentik", (9000, 9443), "goauthentik/server", "authentik-server"),
    # glances.readthedocs.io/en/latest/quickstart.html: web server mode on 61208.
    _s("glances", "Glances", (61208, 61209), "nicolargo/glances", own_only=True),
    # github.com/wg-easy/wg-easy README: web UI on 51821/tcp (WireGuard itself 51820/udp).
    _s("wg-easy", "wg-easy web UI", (51821,), "wg-easy/wg-easy", "weejewel/wg-easy",
       own_only=True),
    # github.com/Forceu/Gokapi docs (setup): default port 53842.
    _s("gokapi", "Gokapi", (53842,), "f0rc3/gokapi", own_only=True),
    # github.com/xteve-project/xTeVe README: default port 34400.
    _s("xteve", "xTeVe", (34400,), "alturismo/xteve", own_only=True),
    # owncloud.dev/services/proxy: oCIS serves on 9200 by default (OCIS_URL :9200).
    _s("ocis", "ownCloud Infinite Scale", (9200,), "owncloud/ocis", own_only=True),
    _proto("bacnet", "BACnet", (47808,), "bacnet-stack", protocol="udp"),
    _proto("modbus", "Modbus", (502,), "modbus-server"),
    _proto("mdns", "mDNS", (5353,), "avahi", "avahi-daemon", "homeassistant",
           "home-assistant", protocol="udp"),
)
# fmt: on
