"""The resolve stage: parsers leave groups open, `resolve.build` decides host groups,
clusters, per-host owners and Service selection; `Namespace` renders the keys the JSON
output has always printed."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from portlint import resolve
from portlint.k8s_objects import PodTemplate, Service
from portlint.model import Binding, Namespace, ParseResult, Protocol, Role
from portlint.options import HostGroup, Options
from portlint.source import Location


def _listen(path: str, main_file: str = "", daemon: str | None = "nginx") -> Binding:
    return Binding(
        80,
        Protocol.TCP,
        Namespace.host(),
        Role.LISTEN,
        daemon or "nginx:conf",
        "nginx",
        Location.point(path, 1),
        daemon=daemon,
        main_file=main_file,
    )


def test_host_group_follows_the_main_config_and_names_the_daemons_owner():
    options = Options(hosts=[HostGroup("edge", ("edge/**",))])
    own = _listen("edge/nginx.conf")
    included = _listen("shared/ports.conf", main_file="edge/nginx.conf")
    elsewhere = _listen("shared/ports.conf")
    per_file = _listen("edge/other.conf", daemon=None)
    model = resolve.build(ParseResult([own, included, elsewhere, per_file]), options, 4)
    assert [b.namespace.key for b in model.bindings] == [
        "host:edge",
        "host:edge",
        "host:default",
        "host:edge",
    ]
    assert [b.owner for b in model.bindings] == [
        "nginx@edge",
        "nginx@edge",
        "nginx@default",
        "nginx:conf",
    ]
    assert model.bindings[0].namespace is model.bindings[1].namespace  # one shared value
    assert model.files == 4


def test_cluster_kinds_get_the_cluster_and_other_kinds_keep_no_group():
    options = Options(clusters=[HostGroup("prod", ("prod/*",))])
    where = Location.point("prod/app.yaml", 3)
    namespaces = [
        Namespace.pod("shop", "Deployment", "web", init="migrate"),
        Namespace.node(),
        Namespace.node_ports(),
        Namespace.service("shop", "web", "prod/app.yaml"),
        Namespace.container("proj/web"),
        Namespace.dockerfile("prod/Dockerfile"),
    ]
    bindings = [
        Binding(80, Protocol.TCP, ns, Role.CONTAINER, "o", "kubernetes", where) for ns in namespaces
    ]
    model = resolve.build(ParseResult(bindings), options)
    assert [(b.namespace.key, b.namespace.describe()) for b in model.bindings] == [
        ("pod:prod/shop/Deployment/web#init/migrate", "in pod shop/Deployment/web#init/migrate"),
        ("k8s-node:prod", "on the node"),
        ("k8s-nodeports:prod", "in the cluster's NodePorts"),
        ("service:prod/shop/web@prod/app.yaml", "in Service shop/web"),
        ("container:proj/web", "in the network namespace of service 'web'"),
        ("dockerfile:prod/Dockerfile", "in dockerfile:prod/Dockerfile"),
    ]


def test_services_with_one_selector_share_one_selection_of_every_copy():
    where = Location.point("k8s/app.yaml", 1)
    web = PodTemplate(("Deployment", "shop", "web"), "", {"app": "web", "tier": "a"}, [], where)
    patch = PodTemplate(("Deployment", "shop", "web"), "", {"app": "web"}, [], where, True)
    other = PodTemplate(("Deployment", "ops", "web"), "", {"app": "web"}, [], where)
    first, second, none = (
        Service(("Service", "shop", name), "", "ClusterIP", selector, [], where)
        for name, selector in (("a", {"app": "web"}), ("b", {"app": "web"}), ("c", None))
    )
    result = ParseResult(workloads=[web, patch, other], services=[first, second, none])
    model = resolve.build(result, Options())
    assert first.selected is not None and first.selected is second.selected
    assert first.selected.workloads == [[web, patch]]  # not the other namespace's
    assert first.selected.partial is False  # one copy is whole
    assert none.selected is None
    assert {s.cluster for s in model.services} == {"default"}


def test_a_config_mounted_into_a_compose_service_listens_in_its_container(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
        "    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro']\n"
    )
    (tmp_path / "nginx.conf").write_text("events {}\nhttp { server { listen 80; } }\n")
    (listener,) = [b for b in run(tmp_path).model.bindings if b.format == "nginx"]
    assert (listener.role, listener.namespace.key, listener.owner, listener.label) == (
        Role.CONTAINER,
        f"container:{tmp_path}/web",
        f"{tmp_path}/web",
        "nginx in service 'web'",
    )
