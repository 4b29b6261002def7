"""nginx listen directives: address defaults, IPv6 only-ness, UDP, includes, syntax errors."""

from __future__ import annotations

from pathlib import Path

from portlint.parsers.nginx import MISSING_CROSSPLANE
from service_helpers import binding_list, bindings, diagnostics


def test_listen_forms_in_http_and_stream_with_includes():
    assert bindings("nginx/basic") == [
        ("nginx.conf", 4, 16, "0.0.0.0:80/tcp", "nginx"),
        ("nginx.conf", 5, 21, "[::]:443/tcp", "nginx"),
        ("nginx.conf", 6, 18, "0.0.0.0:8080/tcp", "nginx"),
        ("nginx.conf", 7, 26, "127.0.0.1:8000/tcp", "nginx"),
        ("nginx.conf", 7, 26, "[::1]:8000/tcp", "nginx"),
        ("nginx.conf", 8, 16, "0.0.0.0:443/udp", "nginx"),
        ("default", 2, 12, "127.0.0.1:80/tcp", "nginx"),
        ("nginx.conf", 17, 16, "0.0.0.0:53/udp", "nginx"),
        ("nginx.conf", 18, 21, "[::]:5353/tcp", "nginx"),
    ]


def test_ipv6_wildcard_is_v6only_unless_ipv6only_off():
    by_line = {b.location.line: b for b in binding_list("nginx/basic")}
    assert by_line[5].v6only is True
    assert by_line[18].v6only is False


def test_address_without_port_defaults_to_80_and_says_so():
    default = [b for b in binding_list("nginx/basic") if b.location.path.endswith("default")]
    assert default[0].default is True


def test_out_of_range_port_is_pl002_at_the_port():
    assert diagnostics("nginx/basic") == [("PL002", "nginx.conf", 10, 16)]


def test_include_loop_stops():
    assert bindings("nginx/loop") == [("nginx.conf", 4, 16, "0.0.0.0:9000/tcp", "nginx")]


def test_missing_semicolon_is_pl001_with_its_line():
    assert diagnostics("nginx/broken") == [("PL001", "nginx.conf", 4, 1)]


def test_server_blocks_sharing_listen_80_are_one_owner():
    owners = {b.owner for b in binding_list("host-tree/nginx")}
    assert owners == {"nginx@default"}


def _without_crossplane(monkeypatch) -> None:
    import sys

    for name in ("crossplane", "crossplane.lexer", "crossplane.errors"):
        monkeypatch.setitem(sys.modules, name, None)  # `import crossplane` raises ImportError


def _nginx_tree(root, count: int) -> None:
    for i in range(count):
        (root / f"site{i:02d}").mkdir()
        (root / f"site{i:02d}" / "nginx.conf").write_text(
            f"events {{}}\nhttp {{ server {{ listen {8100 + i}; }} }}\n"
        )
    (root / "compose.yaml").write_text('services:\n  web:\n    ports: ["0:80"]\n')


def _check_json(capsys, root, *options: str) -> tuple[int, dict]:
    import json

    from portlint.cli import main

    code = main(["check", "--format", "json", *options, str(root)])
    return code, json.loads(capsys.readouterr().out)


def test_missing_crossplane_is_one_clear_error(tmp_path, monkeypatch, capsys):
    """A broken install (crossplane missing) names the package to install instead of an
    "internal error" with a traceback hint, and the rest of the run goes on."""
    from cli_rows import check_rows

    _without_crossplane(monkeypatch)
    (tmp_path / "nginx.conf").write_text("events {}\nhttp { server { listen 8123; } }\n")
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["0:80"]\n')
    code, found = check_rows(capsys, tmp_path)
    assert code == 1
    assert found == [
        ("PL002", "compose.yaml", 3, 14, found[0][4]),
        ("PL001", "nginx.conf", 1, 1, MISSING_CROSSPLANE),
    ]
    assert "crossplane" in MISSING_CROSSPLANE and "pip install crossplane" in MISSING_CROSSPLANE


def test_missing_crossplane_is_one_finding_for_all_nginx_files(tmp_path, monkeypatch, capsys):
    """Not one error per nginx file (51 on the corpus): one, at the first file, naming
    how many were not checked, with the next ten as related locations."""
    _without_crossplane(monkeypatch)
    _nginx_tree(tmp_path, 13)
    code, data = _check_json(capsys, tmp_path, "--no-cache")
    assert code == 1
    rows = [(f["rule"], Path(f["path"]).relative_to(tmp_path).as_posix()) for f in data["findings"]]
    assert rows == [("PL002", "compose.yaml"), ("PL001", "site00/nginx.conf")]
    [missing] = [f for f in data["findings"] if f["rule"] == "PL001"]
    assert (missing["line"], missing["column"], missing["severity"]) == (1, 1, "error")
    assert missing["message"] == (
        MISSING_CROSSPLANE + "; 13 files are not checked: this one, and the first 10 others listed"
    )
    related = [
        (Path(r["path"]).relative_to(tmp_path).as_posix(), r["line"], r["column"], r["message"])
        for r in missing["related"]
    ]
    assert related == [
        (f"site{i:02d}/nginx.conf", 1, 1, "not checked either") for i in range(1, 11)
    ]


def test_missing_crossplane_few_files_lists_them_all(tmp_path, monkeypatch, capsys):
    _without_crossplane(monkeypatch)
    _nginx_tree(tmp_path, 3)
    _code, data = _check_json(capsys, tmp_path, "--no-cache", "--jobs", "2")
    [missing] = [f for f in data["findings"] if f["rule"] == "PL001"]
    assert missing["path"].endswith("site00/nginx.conf")
    assert missing["message"].endswith("; 3 files are not checked: this one, and the others listed")
    assert [Path(r["path"]).parent.name for r in missing["related"]] == ["site01", "site02"]


def test_missing_crossplane_sarif_and_warm_run(tmp_path, monkeypatch, capsys):
    """The related files reach SARIF as relatedLocations; a warm run (cached per-file
    results) says exactly what the cold one said."""
    import json

    from portlint.cli import main

    _without_crossplane(monkeypatch)
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    tree = tmp_path / "tree"
    tree.mkdir()
    _nginx_tree(tree, 4)
    outputs = []
    for _ in range(2):  # cold, then warm
        main(["check", "--format", "json", str(tree)])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert (tmp_path / "cache").is_dir()
    main(["check", "--no-cache", "--format", "sarif", str(tree)])
    [run] = json.loads(capsys.readouterr().out)["runs"]
    [result] = [r for r in run["results"] if r["ruleId"] == "PL001"]
    uris = [r["physicalLocation"]["artifactLocation"]["uri"] for r in result["relatedLocations"]]
    assert [u.rsplit("/", 2)[-2] for u in uris] == ["site01", "site02", "site03"]


def test_a_consul_template_nginx_config_is_pl007_at_its_action_not_a_syntax_error(tmp_path):
    """`{{ range service "web" }}` makes no nginx syntax until consul-template renders it:
    the template's PL007, as for YAML and TOML; a config that is just broken is PL001."""
    from helpers import run

    (tmp_path / "nginx.conf").write_text(
        'upstream app {\n{{ range service "web" }}\n  server {{ .Address }}:{{ .Port }};\n'
        "{{ end }}\n}\nserver {\n  listen 80;\n}\n"
    )
    (tmp_path / "broken.conf").write_text("server {\n  listen 80;\n")
    rows = [
        (f.rule, f.location.path.rsplit("/", 1)[-1], f.location.line, f.location.column)
        for f in run(tmp_path).findings
    ]
    assert rows == [("PL001", "broken.conf", 2, 1), ("PL007", "nginx.conf", 2, 1)]
