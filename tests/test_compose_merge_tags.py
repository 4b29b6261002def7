"""Compose's `!reset` and `!override` in the override merge, and duplicate mapping keys
(PL001 at the second key, in any YAML document)."""

from __future__ import annotations

from pathlib import Path

from helpers import run

BASE = (
    "services:\n  web:\n    image: nginx\n    ports: ['8080:80', '8443:443']\n"
    "    expose: ['9000']\n  db:\n    image: postgres\n    ports: ['5432:5432']\n"
)


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def published(root: Path) -> list[tuple[str, int, str, int]]:
    return sorted(
        (b.owner.rsplit("/", 1)[-1], b.port, Path(b.location.path).name, b.location.line)
        for b in run(root).model.bindings
        if b.role.value == "publish"
    )


def test_a_reset_port_list_is_not_bound(tmp_path):
    write(tmp_path, "app/compose.yaml", BASE)
    write(tmp_path, "app/compose.override.yaml", "services:\n  web:\n    ports: !reset []\n")
    assert published(tmp_path) == [("db", 5432, "compose.yaml", 8)]


def test_reset_with_a_null_value_is_no_type_error(tmp_path):
    write(tmp_path, "app/compose.yaml", BASE)
    write(tmp_path, "app/compose.override.yaml", "services:\n  web:\n    ports: !reset null\n")
    report = run(tmp_path)
    assert [f.rule for f in report.findings] == ["PL501"]  # db's 5432 on every interface
    assert [b.port for b in report.model.bindings if b.role.value == "publish"] == [5432]


def test_an_override_port_list_replaces_instead_of_merging(tmp_path):
    write(tmp_path, "app/compose.yaml", BASE)
    write(
        tmp_path,
        "app/compose.override.yaml",
        "services:\n  web:\n    ports: !override\n      - '9443:443'\n",
    )
    assert published(tmp_path) == [
        ("db", 5432, "compose.yaml", 8),
        ("web", 9443, "compose.override.yaml", 4),
    ]


def test_a_reset_service_binds_nothing(tmp_path):
    write(tmp_path, "app/compose.yaml", BASE)
    write(tmp_path, "app/compose.override.yaml", "services:\n  db: !reset {}\n")
    assert published(tmp_path) == [
        ("web", 8080, "compose.yaml", 4),
        ("web", 8443, "compose.yaml", 4),
    ]


def test_without_tags_an_override_still_merges(tmp_path):
    write(tmp_path, "app/compose.yaml", BASE)
    write(tmp_path, "app/compose.override.yaml", "services:\n  web:\n    ports: ['9443:443']\n")
    assert [p[1] for p in published(tmp_path)] == [5432, 8080, 8443, 9443]


def test_a_duplicate_key_is_a_pl001_at_the_second_key(tmp_path):
    write(
        tmp_path,
        "app/compose.yaml",
        "services:\n  web:\n    ports: ['8080:80']\n    image: nginx\n    ports: ['9090:80']\n",
    )
    write(tmp_path, "ok/compose.yaml", "services:\n  w:\n    ports: ['0:80']\n")
    report = run(tmp_path)
    got = [
        (f.rule, Path(f.location.path).parent.name, f.location.line, f.location.column, f.message)
        for f in report.findings
    ]
    assert got == [
        (
            "PL001",
            "app",
            5,
            5,
            "YAML not checked: duplicate key 'ports' (first at line 3, column 5): YAML "
            "forbids repeated keys, and Compose and kubectl reject the file",
        ),
        (
            "PL002",
            "ok",
            3,
            14,
            "host port 0 is not a fixed port (0 asks the OS for any free port) in '0:80'",
        ),
    ]


def test_duplicate_keys_in_a_later_document_and_nested_first(tmp_path):
    write(
        tmp_path,
        "k8s/pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  name: t\nspec: {}\nspec: {}\n",
    )
    got = [(f.rule, f.location.line, f.location.column) for f in run(tmp_path).findings]
    assert got == [("PL001", 9, 3)]


def test_repeated_merge_keys_and_equal_text_of_other_types_are_no_duplicates(tmp_path):
    write(
        tmp_path,
        "app/compose.yaml",
        "x-a: &a {image: nginx}\nx-b: &b {restart: always}\n"
        "x-c: {1: one, '1': also}\n"
        "services:\n  web:\n    <<: *a\n    <<: *b\n    ports: ['8080:80']\n",
    )
    report = run(tmp_path)
    assert report.findings == []
    assert report.bindings == 2
