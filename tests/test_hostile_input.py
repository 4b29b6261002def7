"""Hostile and broken input: every failure is a finding (or one line on stderr), never a
traceback, a hang or a lost finding of another file."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from helpers import run
from portlint.cli import main
from portlint.options import Options
from portlint.report import render

OK_COMPOSE = "services:\n  web:\n    ports: ['0:80']\n"
OK_FINDING = ("PL002", "ok/compose.yaml", 3, 14)  # the good file's finding, always kept


def write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def found(root: Path, config: dict | None = None) -> list[tuple[str, str, int, int]]:
    """(rule, path relative to root, line, column); the engine runs with debug=True, so a
    parser crash fails the test instead of becoming a finding."""
    report = run(root, config=config)
    base = os.path.realpath(root)
    return [
        (
            f.rule,
            os.path.relpath(os.path.abspath(f.location.path), base).replace(os.sep, "/"),
            f.location.line,
            f.location.column,
        )
        for f in report.findings
    ]


def messages(root: Path, rule: str = "PL001", config: dict | None = None) -> list[str]:
    return [f.message for f in run(root, config=config).findings if f.rule == rule]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write(tmp_path, "ok/compose.yaml", OK_COMPOSE)
    return tmp_path


# --- encodings and empty files ---------------------------------------------------------


def test_binary_file_is_pl001_and_other_files_are_still_checked(tree):
    write(tree, "bad/compose.yaml", b"services:\n\x00\x01\x02\xff")
    assert found(tree) == [("PL001", "bad/compose.yaml", 1, 1), OK_FINDING]
    assert messages(tree) == ["binary file (contains NUL bytes)"]


def test_invalid_utf8_names_the_byte(tree):
    write(tree, "bad/compose.yaml", b"services:\n  a:\n    image: caf\xe9\n")
    assert found(tree) == [("PL001", "bad/compose.yaml", 1, 1), OK_FINDING]
    assert messages(tree) == ["not valid UTF-8 (byte 29)"]


@pytest.mark.parametrize(
    "bom, encoding",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_files_with_a_bom_are_read_with_exact_positions(tmp_path, bom, encoding):
    write(tmp_path, "ok/compose.yaml", bom + OK_COMPOSE.encode(encoding))
    assert found(tmp_path) == [OK_FINDING]


def test_utf16_without_its_second_half_is_pl001(tree):
    write(tree, "bad/compose.yaml", codecs.BOM_UTF16_LE + b"s\x00e")
    assert found(tree) == [("PL001", "bad/compose.yaml", 1, 1), OK_FINDING]
    assert messages(tree)[0].startswith("invalid utf-16")


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only\n# comments\n", "---\n", "---\n---\n...\n"],
    ids=["empty", "blank", "comments", "one-dashes", "dashes-and-dots"],
)
def test_empty_documents_are_quiet(tree, text):
    write(tree, "empty/compose.yaml", text)
    write(tree, "empty/k8s.yaml", text)
    assert found(tree) == [OK_FINDING]


# --- YAML bombs, nesting, size ---------------------------------------------------------

BILLION_LAUGHS = (
    "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e", "f"], "abcdefg", strict=True)
    )
    + "services: {w: {ports: ['0:80']}}\n"
)


def test_alias_bomb_is_pl001_at_the_node_over_the_limit(tree):
    write(tree, "bomb/compose.yaml", BILLION_LAUGHS)
    assert found(tree) == [("PL001", "bomb/compose.yaml", 7, 4), OK_FINDING]
    assert messages(tree) == [
        "YAML not checked: alias expansion exceeds 1000000 nodes (max-yaml-nodes)"
    ]


def test_recursive_alias_is_pl001(tree):
    write(tree, "bad/k8s.yaml", "apiVersion: v1\nkind: Pod\nspec: &a\n  containers: [*a]\n")
    assert found(tree) == [("PL001", "bad/k8s.yaml", 3, 7), OK_FINDING]  # the anchor
    assert messages(tree) == ["YAML not checked: a recursive alias refers to its own ancestor"]


DEEP = 50_000
# Levels: the root mapping, services, w, then x's value at level 4 (column 7 below).


@pytest.mark.parametrize(
    "body, line, column",
    [
        ("x: " + "[" * DEEP + "]" * DEEP, 3, 505),  # flow
        ("x:\n" + "      " + "- " * DEEP + "1", 4, 1001),  # compact block sequences
        ("x:\n" + "      " + "? " * DEEP + "1", 4, 1001),  # complex keys
        ("x:\n" + "      " + "- ? " * (DEEP // 2) + "1", 4, 1001),  # both
        ("x:\n" + "      " + "- " * 400 + "[" * 400 + "1", 4, 904),  # block then flow
    ],
    ids=["flow", "block-compact", "complex-keys", "mixed-compact", "block-then-flow"],
)
def test_deep_nesting_is_pl001_at_the_first_level_too_deep(tree, body, line, column):
    write(tree, "deep/compose.yaml", "services:\n  w:\n    " + body + "\n")
    assert found(tree) == [("PL001", "deep/compose.yaml", line, column), OK_FINDING]
    assert messages(tree) == [
        "YAML not checked: nesting deeper than the limit of 500 levels (max-depth)"
    ]


def test_deep_nesting_by_indentation_is_caught_before_libyaml_composes_it(tree):
    # 3,000 levels by indentation alone: no bracket, no compact indicator.
    text = "".join(" " * i + "-\n" for i in range(3000))
    write(tree, "deep/k8s.yaml", text)
    assert found(tree) == [("PL001", "deep/k8s.yaml", 501, 501), OK_FINDING]


def test_indentation_plus_compact_runs_are_caught(tree):
    # 100 lines of 400 compact levels, each line indented past the last: 40,000 levels
    # in 4 MB, which segfaults libyaml's composer if it ever sees it.
    lines = [" " * (800 * i) + "- " * 400 for i in range(100)]
    write(tree, "deep/k8s.yaml", "\n".join(lines) + "x\n")
    assert found(tree) == [("PL001", "deep/k8s.yaml", 2, 1001), OK_FINDING]


def test_quoted_brackets_are_not_nesting(tree):
    write(
        tree,
        "q/compose.yaml",
        'services:\n  w:\n    image: "' + "[" * 5000 + "\"\n    ports: ['0:81']\n",
    )
    assert found(tree) == [OK_FINDING, ("PL002", "q/compose.yaml", 4, 14)]


def test_a_two_megabyte_line_does_not_hide_the_ports(tree):
    write(
        tree,
        "long/compose.yaml",
        'services:\n  w:\n    environment: ["X=' + "y" * 2_000_000 + "\"]\n    ports: ['0:81']\n",
    )
    assert found(tree) == [("PL002", "long/compose.yaml", 4, 14), OK_FINDING]


def test_file_over_the_size_limit_is_pl001_naming_the_limit(tree):
    write(tree, "big/compose.yaml", "# padding\n" * 200 + OK_COMPOSE)
    config = {"limits": {"max-file-bytes": 1024}}
    assert found(tree, config) == [("PL001", "big/compose.yaml", 1, 1), OK_FINDING]
    assert messages(tree, config=config) == [
        "file is 2,037 bytes, over the limit of 1,024 (max-file-bytes)"
    ]


def test_python_object_tags_are_never_constructed(tree, tmp_path):
    marker = tmp_path / "PWNED"
    write(
        tree,
        "py/compose.yaml",
        (
            "services:\n  w:\n"
            f"    image: !!python/object/apply:os.system ['touch {marker}']\n"
            f"    command: !!python/name:os.system\n"
            "    ports: !!python/object/new:list [['0:82']]\n"
            "    expose: [!!python/object/apply:os.system ['touch {marker}']]\n"
        ),
    )
    found(tree)
    assert not marker.exists()
    # The tags are inert text: ports is still read (a list whose item is a list).
    assert ("PL002", "py/compose.yaml", 5, 38) in found(tree)


def test_yaml_syntax_error_is_pl001_at_its_mark(tree):
    write(tree, "bad/compose.yaml", "services:\n  w:\n    ports: ['0:80'\n  x: 1\n")
    assert found(tree) == [("PL001", "bad/compose.yaml", 4, 3), OK_FINDING]


# --- the file system -------------------------------------------------------------------


def test_symlink_loops_are_pl001_and_symlinked_directories_are_not_walked(tree):
    os.symlink("self.yaml", tree / "self.yaml")
    os.symlink("b.yaml", tree / "a.yaml")
    os.symlink("a.yaml", tree / "b.yaml")
    (tree / "loop").mkdir()
    os.symlink("..", tree / "loop" / "up")  # a directory loop
    assert found(tree) == [
        ("PL001", "a.yaml", 1, 1),
        ("PL001", "b.yaml", 1, 1),
        OK_FINDING,
        ("PL001", "self.yaml", 1, 1),
    ]
    assert set(messages(tree)) == {"cannot read file: Too many levels of symbolic links"}


def test_a_symlink_to_a_scanned_file_is_checked_once(tree):
    os.symlink("ok/compose.yaml", tree / "alias.yaml")
    assert [f[0] for f in found(tree)] == ["PL002"]


def test_fifo_is_never_opened(tree):
    os.mkfifo(tree / "ok" / "pipe.yaml")  # opening it would block forever
    assert found(tree) == [OK_FINDING]


def test_permission_error_on_a_file_is_pl001(tree, monkeypatch):
    # Tests run as root, which chmod 000 does not stop: simulate the error instead.
    write(tree, "locked/compose.yaml", OK_COMPOSE)

    real_open = os.open

    def guarded_open(file, *args, **kwargs):
        if Path(file).parent.name == "locked":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    # The one reader (portlint.source.read_bytes) opens files with os.open().
    monkeypatch.setattr(os, "open", guarded_open)
    assert found(tree) == [("PL001", "locked/compose.yaml", 1, 1), OK_FINDING]
    assert messages(tree) == ["cannot read file: Permission denied"]


def test_a_directory_that_cannot_be_listed_is_pl001(tree, monkeypatch):
    write(tree, "locked/compose.yaml", OK_COMPOSE)
    real_scandir = os.scandir

    def guarded_scandir(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    assert found(tree) == [("PL001", "locked", 1, 1), OK_FINDING]
    assert messages(tree) == ["cannot list directory: Permission denied"]


# --- includes --------------------------------------------------------------------------


def test_nginx_include_loops_and_includes_outside_the_roots(tmp_path):
    outside = write(tmp_path, "outside/evil.conf", "server { listen 0; }\n")
    root = tmp_path / "root"
    write(
        root,
        "nginx/nginx.conf",
        (
            "http {\n"
            "  include nginx.conf;\n"
            f"  include {outside};\n"
            "  include ../../outside/*.conf;\n"
            "  server {\n    listen 0;\n  }\n"
            "}\n"
        ),
    )
    report = run(root)
    assert [(f.rule, f.location.line) for f in report.findings] == [("PL002", 6)]
    assert not any("outside" in path for path in report.sources)  # never read


def test_compose_env_file_outside_the_roots_is_never_read(tmp_path):
    write(tmp_path, ".env", "PORT=0\n")
    write(tmp_path, "app/compose.yaml", "services:\n  w:\n    ports: ['${PORT}:80']\n")
    report = run(tmp_path / "app" / "compose.yaml")
    assert [f.rule for f in report.findings] == ["PL003"]
    assert not any(path.endswith(".env") for path in report.sources)


def test_a_symlinked_env_file_pointing_outside_the_roots_is_never_read(tmp_path):
    write(tmp_path, "secrets/real.env", "PORT=0\n")
    write(tmp_path, "root/app/compose.yaml", "services:\n  w:\n    ports: ['${PORT}:80']\n")
    (tmp_path / "root/app/.env").symlink_to(tmp_path / "secrets/real.env")
    report = run(tmp_path / "root")
    assert [f.rule for f in report.findings] == ["PL003"]
    assert not any(path.endswith(".env") for path in report.sources)
    (tmp_path / "root/inside.env").write_text("PORT=0\n")
    (tmp_path / "root/app/.env").unlink()
    (tmp_path / "root/app/.env").symlink_to(tmp_path / "root/inside.env")
    assert [f.rule for f in run(tmp_path / "root").findings] == ["PL002"]  # inside: read


# --- the command line ------------------------------------------------------------------


def test_cli_on_a_hostile_tree_prints_findings_and_no_traceback(tree, capsys):
    write(tree, "bin/compose.yaml", b"\x00\x01")
    write(tree, "bomb/compose.yaml", BILLION_LAUGHS)
    write(tree, "deep/compose.yaml", "x: " + "[" * DEEP + "]" * DEEP + "\n")
    os.symlink("self.yaml", tree / "self.yaml")
    assert main(["check", "--no-color", str(tree)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    assert "Traceback" not in out
    assert [line.split()[1] for line in out.splitlines()[:-1]] == ["PL001"] * 3 + ["PL002", "PL001"]
    assert "PL002" in out  # the good file's finding is kept


# --- secrets ---------------------------------------------------------------------------


def test_env_lines_are_never_printed_even_with_code_frames(tmp_path):
    write(tmp_path, "app/.env", "DB_PASSWORD=hunter2\nWEB_PORT=80\nBAD=0\n")
    write(
        tmp_path,
        "app/compose.yaml",
        "services:\n  w:\n    ports: ['${WEB_PORT}:80', '${BAD}:81', '${NOPE}:82']\n",
    )
    report = run(tmp_path)
    assert report.sources[next(p for p in report.sources if p.endswith(".env"))].secret
    for name in ("text", "json", "sarif", "github", "gitlab"):
        output = render(name, report, Options(), color=True)
        assert "hunter2" not in output and "DB_PASSWORD" not in output, name
    # (no PL201 on '80': it applies to projects that target a rootless engine only)
    assert [f.rule for f in report.findings] == ["PL002", "PL003"]


def test_an_invalid_port_from_a_variable_names_the_variable_not_its_value(tmp_path):
    # A password put where a port belongs must not be echoed by the PL002 message.
    write(tmp_path, "app/.env", "DB_PASSWORD=hunter2\nHIGH=70000\n")
    write(
        tmp_path,
        "app/compose.yaml",
        "services:\n  w:\n    ports:\n      - '${DB_PASSWORD}:80'\n      - '${HIGH}:81'\n"
        "      - target: '${DB_PASSWORD}'\n    expose: ['${DB_PASSWORD}']\n",
    )
    report = run(tmp_path)
    messages = [(f.rule, f.location.line, f.message) for f in report.findings]
    assert messages == [
        (
            "PL002",
            4,
            "host port is not a number in '${DB_PASSWORD}:80' "
            "(the value of ${DB_PASSWORD} is not shown)",
        ),
        (
            "PL002",
            5,
            "host port is out of range 1-65535 in '${HIGH}:81' (the value of ${HIGH} is not shown)",
        ),
        (
            "PL002",
            6,
            "target port is not a number in '${DB_PASSWORD}' "
            "(the value of ${DB_PASSWORD} is not shown)",
        ),
        (
            "PL002",
            7,
            "exposed port is not a number in '${DB_PASSWORD}' "
            "(the value of ${DB_PASSWORD} is not shown)",
        ),
    ]
    for name in ("text", "json", "sarif", "github", "gitlab"):
        assert "hunter2" not in render(name, report, Options(), color=True), name


def test_code_frames_skip_secret_sources_that_findings_point_into(tmp_path):
    write(tmp_path, "app/.env", "A=1\nTOKEN=hunter2 # 8080\n")
    write(tmp_path, "app/compose.yaml", OK_COMPOSE)
    report = run(tmp_path)
    env_path = next(p for p in report.sources if p.endswith(".env"))
    finding = report.findings[0]
    finding.location = type(finding.location).point(env_path, 2, 1, 5)
    assert "hunter2" not in render("text", report, Options(), color=True)


def test_unicode_line_separators_do_not_shift_positions(tree):
    # YAML breaks lines at NEL, LS, PS and a lone CR; editors and GitHub count only LF.
    write(
        tree,
        "odd/compose.yaml",
        "x-a: 'one\u2028two\x85three'\rservices:\n  w:\n    ports: ['0:81']\n",
    )
    assert found(tree) == [("PL002", "odd/compose.yaml", 3, 14), OK_FINDING]
