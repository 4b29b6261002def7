"""The command-line flags that set a listen port, per program, as data (each with the
program's documented default), and the conservative generic reading used for programs not
listed.

How a program is recognised: by the executable's base name (`names`) or, when a command
gives only arguments to the image's own entrypoint, by the image's last path component
(`images`, without registry, path or tag). How a flag's value is read (`kind`):

- `port`: a port number (`--port=9090`, `--port 9090`);
- `address`: `[host]:port` (`:9090`, `0.0.0.0:9090`, `[::]:9090`, `localhost:9090`);
- `urls`: comma-separated URLs (`http://0.0.0.0:2379,http://127.0.0.1:4001`);
- `host`: an address without a port, for the program's `port` flags (`--bind-address`).

`go` programs take `-flag` as well as `--flag` (Go's flag package); others only the
spellings listed. Port 0 means "disabled" for the flags that say so (`--secure-port=0`).
"""

from __future__ import annotations

from portlint.records import FrozenRecord


class Flag(FrozenRecord):
    name: str  # without dashes for `go` programs ("web.listen-address"), else as written
    kind: str  # "port", "address", "urls", "host"
    default: str = ""  # the documented default value ("" none: the port is off by default)
    protocol: str = "tcp"
    what: str = ""  # what the port serves, for `portlint ports` and docs ("metrics")
    key: str = ""  # a `key=value` setting flag (`postgres -c port=5433`): the key


class Program(FrozenRecord):
    name: str  # the software, as the registry names it ("prometheus")
    title: str
    names: tuple[str, ...]  # executables
    images: tuple[str, ...]  # image names (last path component)
    flags: tuple[Flag, ...]
    go: bool = False  # single-dash long flags accepted
    subcommand: str = ""  # flags only after this word ("server" for minio)
    #: An interpreter: the words after its script are the script's own, read generically.
    interpreter: bool = False

    @property
    def partial(self) -> bool:
        """Its flags are read, but not every port it may serve is listed here (one name for
        several binaries, ports in config files): never judged by PL405."""
        return self.name in PARTIAL


def _f(name: str, kind: str, default: str = "", what: str = "", **kw: str) -> Flag:
    return Flag(name, kind, default, what=what, **kw)


_KUBE_SECURE = _f("secure-port", "port", what="HTTPS API")
_BIND = _f("bind-address", "host", "0.0.0.0")

# fmt: off
PROGRAMS: tuple[Program, ...] = (
    # --- Kubernetes components -----------------------------------------------------
    Program("kube-apiserver", "kube-apiserver", ("kube-apiserver",), ("kube-apiserver",), (
        _f("secure-port", "port", "6443", "HTTPS API"), _f("insecure-port", "port", "", "HTTP API"),
        _BIND), go=True),
    Program("kubelet", "kubelet", ("kubelet",), ("kubelet",), (
        _f("port", "port", "10250", "API"), _f("read-only-port", "port", "", "read-only API"),
        _f("healthz-port", "port", "10248", "healthz"), _f("address", "host", "0.0.0.0"),
        _f("healthz-bind-address", "host", "127.0.0.1")), go=True),
    Program("kube-scheduler", "kube-scheduler", ("kube-scheduler",), ("kube-scheduler",), (
        _f("secure-port", "port", "10259", "HTTPS"), _BIND), go=True),
    Program("kube-controller-manager", "kube-controller-manager", ("kube-controller-manager",),
            ("kube-controller-manager",), (_f("secure-port", "port", "10257", "HTTPS"), _BIND),
            go=True),
    Program("kube-proxy", "kube-proxy", ("kube-proxy",), ("kube-proxy",), (
        _f("metrics-bind-address", "address", "127.0.0.1:10249", "metrics"),
        _f("healthz-bind-address", "address", "0.0.0.0:10256", "healthz")), go=True),
    Program("kube-state-metrics", "kube-state-metrics", ("kube-state-metrics",),
            ("kube-state-metrics",), (
        _f("port", "port", "8080", "metrics"), _f("telemetry-port", "port", "8081", "telemetry"),
        _f("host", "host", "::"), _f("telemetry-host", "host", "::")), go=True),
    Program("metrics-server", "metrics-server", ("metrics-server",), ("metrics-server",), (
        _KUBE_SECURE.replace(default="10250"), _BIND), go=True),
    Program("prometheus-adapter", "prometheus-adapter", ("prometheus-adapter",),
            ("prometheus-adapter",), (_KUBE_SECURE.replace(default="6443"), _BIND), go=True),
    Program("kube-rbac-proxy", "kube-rbac-proxy", ("kube-rbac-proxy",), ("kube-rbac-proxy",), (
        _f("secure-listen-address", "address", "", "HTTPS proxy"),
        _f("insecure-listen-address", "address", "", "HTTP proxy"),
        _f("proxy-endpoints-port", "port", "", "health")), go=True),
    Program("coredns", "CoreDNS", ("coredns",), ("coredns",), (
        _f("dns.port", "port", "53", "DNS", protocol="udp"),), go=True),
    Program("ingress-nginx", "ingress-nginx controller", ("nginx-ingress-controller",),
            ("ingress-nginx/controller", "nginx-ingress-controller"), (
        _f("http-port", "port", "80", "HTTP"), _f("https-port", "port", "443", "HTTPS"),
        _f("healthz-port", "port", "10254", "healthz and metrics"),
        _f("status-port", "port", "10246", "status"),
        _f("stream-port", "port", "10247", "stream"),
        _f("default-server-port", "port", "8181", "default backend"),
        _f("ssl-passthrough-proxy-port", "port", "442", "SSL passthrough"),
        _f("validating-webhook", "address", "", "admission webhook"),
        _f("profiler-port", "port", "10245", "profiler")), go=True),
    Program("cert-manager", "cert-manager", ("cert-manager",),
            ("cert-manager-controller", "cert-manager-webhook", "cert-manager-cainjector"), (
        _f("secure-port", "port", "", "webhook HTTPS"),
        _f("healthz-port", "port", "", "healthz"),
        _f("metrics-listen-address", "address", "0.0.0.0:9402", "metrics"),
        _f("healthz-listen-address", "address", "", "healthz")), go=True),
    # --- Prometheus, exporters, Alertmanager ----------------------------------------
    Program("prometheus", "Prometheus", ("prometheus",), ("prometheus",), (
        _f("web.listen-address", "address", "0.0.0.0:9090", "web UI and API"),), go=True),
    Program("alertmanager", "Alertmanager", ("alertmanager",), ("alertmanager",), (
        _f("web.listen-address", "address", ":9093", "web UI and API"),
        _f("cluster.listen-address", "address", "0.0.0.0:9094", "cluster gossip")), go=True),
    Program("node-exporter", "node exporter", ("node_exporter",), ("node-exporter",), (
        _f("web.listen-address", "address", ":9100", "metrics"),), go=True),
    Program("blackbox-exporter", "blackbox exporter", ("blackbox_exporter",),
            ("blackbox-exporter",), (_f("web.listen-address", "address", ":9115", "metrics"),),
            go=True),
    Program("prometheus-operator", "Prometheus Operator", ("prometheus-operator",),
            ("prometheus-operator",), (_f("web.listen-address", "address", ":8080", "metrics"),),
            go=True),
    Program("prometheus-config-reloader", "config reloader", ("prometheus-config-reloader",),
            ("prometheus-config-reloader",), (
        _f("listen-address", "address", ":8080", "metrics"),), go=True),
    Program("redis-exporter", "Redis exporter", ("redis_exporter",), ("redis_exporter",), (
        _f("web.listen-address", "address", ":9121", "metrics"),), go=True),
    Program("postgres-exporter", "PostgreSQL exporter", ("postgres_exporter",),
            ("postgres-exporter", "postgres_exporter"), (
        _f("web.listen-address", "address", ":9187", "metrics"),), go=True),
    Program("mysqld-exporter", "MySQL exporter", ("mysqld_exporter",), ("mysqld-exporter",), (
        _f("web.listen-address", "address", ":9104", "metrics"),), go=True),
    Program("pushgateway", "Pushgateway", ("pushgateway",), ("pushgateway",), (
        _f("web.listen-address", "address", ":9091", "push API"),), go=True),
    # --- Dashboards, storage, databases ---------------------------------------------
    Program("minio", "MinIO", ("minio",), ("minio",), (
        _f("address", "address", ":9000", "S3 API"),
        _f("console-address", "address", "", "console")), go=True, subcommand="server"),
    Program("redis", "Redis", ("redis-server",), ("redis", "valkey", "redis-stack-server"), (
        _f("--port", "port", "6379", "clients"), _f("--tls-port", "port", "", "TLS clients"),
        _f("--bind", "host", "")), ),
    Program("postgresql", "PostgreSQL", ("postgres", "postmaster"),
            ("postgres", "postgresql", "postgis"), (
        _f("-p", "port", "5432", "clients"), _f("-c", "port", "5432", "clients", key="port"),
        _f("-h", "host", "")), ),
    Program("mysql", "MySQL", ("mysqld", "mariadbd"), ("mysql", "mariadb", "percona"), (
        _f("--port", "port", "3306", "clients"), _f("-P", "port", "3306", "clients"),
        _f("--mysqlx-port", "port", "33060", "X protocol"),
        _f("--bind-address", "host", "")), ),
    Program("mongodb", "MongoDB", ("mongod", "mongos"), ("mongo", "mongodb"), (
        _f("--port", "port", "27017", "clients"), _f("--bind_ip", "host", "")), ),
    Program("etcd", "etcd", ("etcd",), ("etcd",), (
        _f("listen-client-urls", "urls", "http://localhost:2379", "clients"),
        _f("listen-peer-urls", "urls", "http://localhost:2380", "peers"),
        _f("listen-metrics-urls", "urls", "", "metrics")), go=True),
    Program("consul", "Consul", ("consul",), ("consul",), (
        _f("http-port", "port", "8500", "HTTP API"), _f("https-port", "port", "", "HTTPS API"),
        _f("grpc-port", "port", "", "gRPC"), _f("dns-port", "port", "8600", "DNS"),
        _f("server-port", "port", "8300", "server RPC"),
        _f("serf-lan-port", "port", "8301", "LAN gossip"),
        _f("serf-wan-port", "port", "8302", "WAN gossip")), go=True, subcommand="agent"),
    Program("vault", "Vault", ("vault",), ("vault",), (
        _f("dev-listen-address", "address", "127.0.0.1:8200", "dev server API"),), go=True,
            subcommand="server"),
    # --- Proxies and application servers -------------------------------------------
    Program("caddy", "Caddy", ("caddy",), ("caddy",), (
        _f("--listen", "address", "", "file server"), _f("--from", "address", "", "proxy"),
        _f("-l", "address", "", "file server")), ),
    Program("gunicorn", "Gunicorn", ("gunicorn",), (), (
        _f("--bind", "address", "127.0.0.1:8000", "HTTP"), _f("-b", "address", "", "HTTP")), ),
    Program("uvicorn", "Uvicorn", ("uvicorn",), (), (
        _f("--port", "port", "8000", "HTTP"), _f("--host", "host", "127.0.0.1")), ),
    Program("hypercorn", "Hypercorn", ("hypercorn",), (), (
        _f("--bind", "address", "127.0.0.1:8000", "HTTP"), _f("-b", "address", "", "HTTP")), ),
    Program("daphne", "Daphne", ("daphne",), (), (
        _f("--port", "port", "8000", "HTTP"), _f("-p", "port", "", "HTTP"),
        _f("--bind", "host", "127.0.0.1"), _f("-b", "host", "")), ),
    Program("flask", "Flask", ("flask",), (), (
        _f("--port", "port", "5000", "HTTP"), _f("-p", "port", "", "HTTP"),
        _f("--host", "host", "127.0.0.1"), _f("-h", "host", "")), subcommand="run"),
    Program("node", "Node.js", ("node", "nodejs"), ("node",), (
        _f("--inspect", "address", "", "inspector"),
        _f("--inspect-brk", "address", "", "inspector")), interpreter=True),
    Program("tiller", "Tiller", ("tiller",), ("tiller",), (
        _f("listen", "address", ":44134", "gRPC API"),
        _f("probe-listen", "address", ":44135", "probes")), go=True),
    Program("istio-echo", "Istio echo test app", (), ("istio/app", "testing/app"), (
        _f("port", "port", "", "HTTP"), _f("grpc", "port", "", "gRPC"),
        _f("tcp", "port", "", "TCP"), _f("metrics", "port", "", "metrics")), go=True),
)
# fmt: on

#: Programs whose other ports come from config files or vary by binary or mode.
PARTIAL = frozenset({"cert-manager", "consul", "vault", "caddy", "node", "coredns"})

#: Generic reading, for programs not listed: only these flag names, `--` or `-`.
GENERIC_PORT = frozenset({"port", "listen-port", "http-port", "https-port", "grpc-port"})
GENERIC_ADDRESS = frozenset({"listen", "bind", "listen-address", "bind-address", "addr"})
#: `--<word>-port` / `--<word>-address` / `--<word>-bind-address` read generically only
#: for these words (a `--db-port` is where the program connects to, not where it listens).
GENERIC_WORDS = frozenset(
    {
        "metrics",
        "health",
        "healthz",
        "health-probe",
        "probe",
        "liveness",
        "readiness",
        "web",
        "admin",
        "status",
        "debug",
        "pprof",
        "profiling",
        "webhook",
        "telemetry",
        "monitoring",
        "prometheus",
        "listen",
        "secure-listen",
        "insecure-listen",
        "http-listen",
        "grpc-listen",
    }
)


def by_name(name: str) -> Program | None:
    return _BY_NAME.get(name)


def by_image(image: str) -> Program | None:
    """The program an image runs, by its path without registry and tag: an entry matches
    the last components (`ingress-nginx/controller`, `prometheus`)."""
    path = image.split("@", 1)[0]
    last = path.rsplit("/", 1)[-1]
    if ":" in last:
        path = path[: len(path) - len(last) + last.index(":")]
    parts = path.lower().split("/")
    for count in (2, 1):
        program = _BY_IMAGE.get("/".join(parts[-count:]))
        if program is not None and len(parts) >= count:
            return program
    return None


_BY_NAME = {n: p for p in PROGRAMS for n in p.names}
_BY_IMAGE = {n: p for p in PROGRAMS for n in p.images}
