"""nginx and Apache includes: each file read once per parse (no walk in every permutation),
globs matched inside the scanned roots only, permission errors as PL001."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import run


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def ports(report) -> list[tuple[str, int]]:
    return sorted((b.format, b.port) for b in report.model.bindings)


def test_nginx_fragments_that_include_each_other_are_walked_once(tmp_path):
    # Ten fragments that each include conf.d/*.conf: 10! walks before (hours), now one each.
    write(tmp_path, "nginx/nginx.conf", "http {\n include conf.d/*.conf;\n}\n")
    for i in range(10):
        write(
            tmp_path,
            f"nginx/conf.d/f{i}.conf",
            f"include conf.d/*.conf;\nserver {{\n listen {8000 + i};\n}}\n",
        )
    report = run(tmp_path)
    assert ports(report) == [("nginx", 8000 + i) for i in range(10)]
    assert report.findings == []


def test_apache_files_that_include_each_other_bind_each_listen_once(tmp_path):
    # Seven files: 64 s and 13,703 bindings before; one binding per Listen line now.
    write(tmp_path, "apache2/apache2.conf", "Include conf.d/*.conf\n")
    for i in range(9):
        write(tmp_path, f"apache2/conf.d/f{i}.conf", f"Include conf.d/*.conf\nListen {8000 + i}\n")
    report = run(tmp_path)
    assert ports(report) == [("apache", 8000 + i) for i in range(9)]


def test_an_nginx_server_sharing_a_snippet_keeps_its_listens(tmp_path):
    # A snippet included by two servers still gives both their listen (no default *:80).
    write(
        tmp_path,
        "nginx/nginx.conf",
        "http {\n server {\n  include snippets/l.conf;\n }\n"
        " server {\n  include snippets/l.conf;\n  server_name b;\n }\n}\n",
    )
    write(tmp_path, "nginx/snippets/l.conf", "listen 8443;\n")
    assert ports(run(tmp_path)) == [("nginx", 8443)]


def _record_listings(monkeypatch) -> list[str]:
    listed: list[str] = []
    real_scandir, real_listdir = os.scandir, os.listdir

    def scandir(path="."):
        listed.append(os.path.abspath(os.fspath(path)))
        return real_scandir(path)

    def listdir(path="."):
        listed.append(os.path.abspath(os.fspath(path)))
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "listdir", listdir)
    return listed


@pytest.mark.parametrize(
    ("name", "directive"),
    [
        ("nginx/nginx.conf", "http {{\n include {}/*/*.conf;\n}}\n"),
        ("apache2/apache2.conf", "Include {}/*/*.conf\n"),
    ],
)
def test_include_globs_are_never_matched_outside_the_roots(tmp_path, monkeypatch, name, directive):
    outside = tmp_path / "outside"
    write(outside, "a/x.conf", "server {\n listen 9999;\n}\nListen 9999\n")
    root = tmp_path / "repo"
    write(root, name, directive.format(outside))
    listed = _record_listings(monkeypatch)
    report = run(root)
    assert [p for p in listed if p.startswith(str(outside))] == []
    assert all(b.port != 9999 for b in report.model.bindings)


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "word"),
    [
        (
            "nginx/nginx.conf",
            "http {\n listen_here;\n include extra/*.inc;\n}\n",
            3,
            2,
            "include",
        ),
        ("apache2/apache2.conf", "Listen 80\n  Include extra/*.inc\n", 2, 3, "Include"),
    ],
)
def test_a_permission_error_while_statting_an_include_is_a_pl001(
    tmp_path, monkeypatch, name, text, line, column, word
):
    write(tmp_path, name, text.replace("listen_here;", "server { listen 81; }"))
    locked = write(tmp_path, str(Path(name).parent / "extra" / "locked.inc"), "Listen 82\n")
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    report = run(tmp_path)
    got = [(f.rule, f.location.line, f.location.column, f.message) for f in report.findings]
    assert got == [("PL001", line, column, f"{word} cannot stat {locked}: permission denied")]
    assert [b.port for b in report.model.bindings] == [80 if "apache" in name else 81]


def test_a_directory_that_cannot_be_listed_is_a_pl001(tmp_path, monkeypatch):
    write(
        tmp_path, "nginx/nginx.conf", "http {\n server { listen 81; }\n include conf.d/*.conf;\n}\n"
    )
    locked = tmp_path / "nginx" / "conf.d"
    locked.mkdir()
    real_listdir = os.listdir

    def listdir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    report = run(tmp_path)
    got = [(f.rule, f.location.line, f.location.column, f.message) for f in report.findings]
    assert got == [("PL001", 3, 2, f"include cannot list {locked}: permission denied")]
    assert [b.port for b in report.model.bindings] == [81]
