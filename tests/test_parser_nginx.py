"""nginx listen directives: address defaults, IPv6 only-ness, UDP, includes, syntax errors."""

from __future__ import annotations

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


def test_missing_crossplane_is_one_clear_error_per_file(tmp_path, monkeypatch, capsys):
    """A broken install (crossplane missing) names the package to install instead of an
    "internal error" with a traceback hint, and the rest of the run goes on."""
    import sys

    from cli_rows import check_rows

    for name in ("crossplane", "crossplane.lexer", "crossplane.errors"):
        monkeypatch.setitem(sys.modules, name, None)  # `import crossplane` raises ImportError
    (tmp_path / "nginx.conf").write_text("events {}\nhttp { server { listen 8123; } }\n")
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["0:80"]\n')
    code, found = check_rows(capsys, tmp_path)
    assert code == 1
    assert found == [
        ("PL002", "compose.yaml", 3, 14, found[0][4]),
        ("PL001", "nginx.conf", 1, 1, MISSING_CROSSPLANE),
    ]
    assert "crossplane" in MISSING_CROSSPLANE and "pip install crossplane" in MISSING_CROSSPLANE
