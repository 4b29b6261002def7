"""Start-up: a check of one file imports only that file's parser and the rules it runs
(the pre-commit case), and the registry's stand-ins never lose a file a parser would take.

Figures live in benchmarks/startup.py; these tests assert what is imported, not how long
it takes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import CORPUS, FIXTURES
from portlint import parsers, rules
from portlint.options import Limits
from portlint.parsers import catalogue
from portlint.source import SourceFile
from portlint.yamlnodes import YamlLimitError, compose_documents

ROOT = Path(__file__).resolve().parents[1]

#: Runs the CLI in a fresh interpreter, then prints the modules it imported.
CHILD = """
import json, sys
from portlint.cli import main
code = main(sys.argv[1:])
print("MODULES " + json.dumps(sorted(sys.modules)))
"""

FILES = {
    "compose.yaml": "services:\n  web:\n    ports: ['8080:80']\n",
    "deploy.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    "spec:\n  ports:\n    - port: 80\n",
    "nginx.conf": "events {}\nhttp {\n  server {\n    listen 8080;\n  }\n}\n",
    "Dockerfile": "FROM nginx:1.27\nEXPOSE 8080\n",
}
PARSER_MODULES = {
    "compose": "portlint.parsers.compose",
    "kubernetes": "portlint.parsers.kubernetes",
    "nginx": "portlint.parsers.nginx",
    "dockerfile": "portlint.parsers.dockerfile",
    "haproxy": "portlint.parsers.haproxy",
    "envoy": "portlint.parsers.envoy",
    "keyvalue": "portlint.parsers.keyvalue",
}


def _imported(tmp_path: Path, *args: str) -> tuple[str, list[str]]:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    output, _, modules = done.stdout.rpartition("MODULES ")
    return output, json.loads(modules)


@pytest.mark.parametrize(
    ("name", "own", "bindings"),
    [
        ("compose.yaml", "compose", 2),
        ("deploy.yaml", "kubernetes", 1),
        ("nginx.conf", "nginx", 1),
        ("Dockerfile", "dockerfile", 1),
    ],
)
def test_a_check_of_one_file_imports_only_its_own_parser(tmp_path, name, own, bindings):
    output, modules = _imported(tmp_path, "check", "--no-cache", name)
    assert output == (
        f"No problems found in 1 file ({bindings} port binding{'s' if bindings > 1 else ''}).\n"
    )
    assert PARSER_MODULES[own] in modules
    others = [m for f, m in PARSER_MODULES.items() if f != own and m in modules]
    assert others == []
    assert ("crossplane" in modules) == (own == "nginx")
    # PyYAML only for a YAML file: a hook run on text formats does not pay its import.
    assert ("yaml" in modules) == (own in ("compose", "kubernetes"))
    assert ("portlint.parsers.document_claims" in modules) == (own in ("compose", "kubernetes"))
    for unneeded in ("jsonschema", "tomllib", "importlib.metadata", "portlint.report.json"):
        assert unneeded not in modules


def test_a_check_imports_only_the_rule_modules_of_the_rules_it_runs(tmp_path):
    output, modules = _imported(
        tmp_path, "check", "--no-cache", "--select", "PL101", "compose.yaml"
    )
    assert output.startswith("No problems found in 1 file")
    families = {f"portlint.rules.{name}" for name in rules.RULE_MODULES}
    assert sorted(families.intersection(modules)) == ["portlint.rules.collisions"]


def test_the_json_format_imports_its_reporter_and_not_the_others(tmp_path):
    output, modules = _imported(tmp_path, "check", "--no-cache", "--format", "json", "deploy.yaml")
    assert json.loads(output)["findings"] == []
    reporters = sorted(m for m in modules if m.startswith("portlint.report."))
    assert reporters == ["portlint.report.json"]


# --- the stand-ins against the parsers themselves ----------------------------------------


#: The registry's order before stand-ins (which parser wins a file two could take): by
#: module, then each module's PARSERS; text parsers first, then document parsers.
MODULE_ORDER = [
    "compose",
    "kubernetes",
    "dockerfile",
    "nginx",
    "apache",
    "haproxy",
    "systemd",
    "systemd_service",
    "runscripts",
    "quadlet",
    "envoy",
    "traefik",
    "caddy",
    "keyvalue",
    "spring",
    "postfix",
    "dovecot",
    "bind",
]


def test_every_built_in_parser_has_one_stand_in_in_the_registry_order():
    package = ROOT / "src" / "portlint" / "parsers"
    declared = {}  # (module, index in its PARSERS) -> the parser
    for path in [*package.glob("*.py"), *package.glob("*/__init__.py")]:
        module = path.stem if path.name != "__init__.py" else path.parent.name
        if "\nPARSERS = [" in path.read_text():
            loaded = __import__(f"portlint.parsers.{module}", fromlist=["PARSERS"])
            for index, parser in enumerate(loaded.PARSERS):
                declared[(module, index)] = parser
    ordered = sorted(declared, key=lambda key: (MODULE_ORDER.index(key[0]), key[1]))
    text, documents = catalogue.text_parsers(), catalogue.document_parsers()
    assert [(p.module, p.index) for p in text] == [
        key for key in ordered if hasattr(declared[key], "matches")
    ]
    assert [(p.module, p.index) for p in documents] == [
        key for key in ordered if hasattr(declared[key], "claims")
    ]
    for stand_in in (*text, *documents):
        parser = stand_in.load()
        assert parser is declared[(stand_in.module, stand_in.index)]
        assert parser.format == stand_in.format
        assert getattr(parser, "group_by_directory", None) == getattr(
            stand_in, "group_by_directory", None
        )


def _paths() -> list[Path]:
    trees = [FIXTURES, ROOT / "examples", CORPUS]
    found = [p for tree in trees if tree.is_dir() for p in sorted(tree.rglob("*")) if p.is_file()]
    made = [
        "Dockerfile", "api.Dockerfile", "Containerfile.dev", "nginx.conf", "NGINX.CONF",
        "conf.d/default", "sites-enabled/site", "etc/nginx/mime.types", "httpd.conf",
        "apache2/ports.conf", "haproxy.cfg", "HAPROXY.CFG", "app.socket", "app.socket.d/x.conf",
        "app.service", "run.sh", "build.mk", "Makefile", "GNUmakefile", "web.container",
        "web.pod", "web.kube", "traefik.toml", "Caddyfile", "site.caddyfile", "redis.conf",
        "sentinel.conf", "postgresql.conf.sample", "my.cnf.fallback", "mysql/extra.cnf",
        "sshd_config", "sshd_config.d/port.conf", "application-prod.properties", "master.cf",
        "dovecot.conf", "named.conf", "named.conf.local",
    ]  # fmt: skip
    return found + [Path("/nonexistent") / name for name in made]


def test_the_nginx_stand_in_knows_the_directories_nginx_reads_without_a_suffix():
    from portlint.parsers import nginx

    assert nginx._FRAGMENT_DIRS is catalogue.NGINX_FRAGMENT_DIRS  # one set, not a copy
    assert "sites-enabled" in catalogue.NGINX_FRAGMENT_DIRS


def test_a_stand_in_lets_through_every_file_its_parser_matches():
    paths = _paths()
    assert len(paths) > 1000 or not CORPUS.is_dir()
    for stand_in in catalogue.text_parsers():
        parser = stand_in.load()
        for path in paths:
            if parser.matches(path):
                assert stand_in.may_match(path, path.name.lower()), (stand_in.module, path)


def test_a_stand_in_lets_through_every_document_its_parser_claims():
    stand_ins = [(p, p.load()) for p in catalogue.document_parsers()]
    claimed = dict.fromkeys((p.module for p, _ in stand_ins), 0)
    for path in _paths():
        if path.suffix.lower() not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            documents = compose_documents(SourceFile(path, str(path), text), Limits())
        except (UnicodeDecodeError, yaml.YAMLError, YamlLimitError, RecursionError):
            continue
        for document in documents:
            for stand_in, parser in stand_ins:
                if parser.claims(document):
                    claimed[stand_in.module] += 1
                    assert stand_in.may_claim(document), (stand_in.module, path)
    assert all(claimed.values()), claimed  # every parser claimed something here


def test_load_all_imports_every_parser_and_then_the_registry_is_the_parsers_own():
    registry = parsers.load_all()
    for stand_in in (*registry.text, *registry.documents):
        load = getattr(stand_in, "load", None)
        if load is None:
            continue  # a third-party parser: itself
        parser = load()
        if hasattr(parser, "matches"):
            assert stand_in.matches == parser.matches
        else:
            assert stand_in.claims == parser.claims
        assert stand_in.parse == parser.parse


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="no os.fork here")
def test_a_fork_imports_every_parser_first_so_workers_share_the_imports(monkeypatch):
    monkeypatch.setattr(parsers, "_REGISTRY", None)
    registry = parsers.registry()
    stand_ins = [*registry.text, *registry.documents]
    assert not any(p._parser for p in stand_ins if hasattr(p, "load"))  # fresh stand-ins
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os._exit(0)
    os.waitpid(pid, 0)
    assert all(p._parser for p in stand_ins if hasattr(p, "load"))


# --- the rules ---------------------------------------------------------------------------


def test_rule_modules_register_the_rules_the_table_names_in_that_order():
    checks = rules.load_all()
    assert [rule for rule, _ in checks] == [r for ids in rules.RULE_MODULES.values() for r in ids]
    modules = [function.__module__.rpartition(".")[2] for _, function in checks]
    assert modules == [m for m, ids in rules.RULE_MODULES.items() for _ in ids]
    registered = {
        module.rpartition(".")[2]: tuple(rule for rule, _ in found)
        for module, found in rules._REGISTERED.items()
    }
    assert registered == rules.RULE_MODULES
