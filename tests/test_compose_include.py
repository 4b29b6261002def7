"""Compose `include:` and `extends:` join files into one project: an included or
extended-from file is part of the including project (its host, its owners), not a project
of its own; a missing file is PL001 at the entry, a cycle is loaded once, a file outside
the roots is never read, and the result cache sees a change to an included file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import FIXTURES, run

CASES = FIXTURES / "compose-include"


def _found(case: str, *paths: Path) -> list[tuple[str, str, int, int, str]]:
    report = run(*(paths or (CASES / case,)))
    return [
        (
            f.rule,
            Path(f.location.path).resolve().relative_to(CASES / case).as_posix(),
            f.location.line,
            f.location.column,
            f.message,
        )
        for f in report.findings
    ]


def _bindings(case: str) -> list[tuple[str, str, int, int, str]]:
    report = run(CASES / case)
    return sorted(
        (
            b.owner.rsplit("/", 1)[1],
            Path(b.location.path).resolve().relative_to(CASES / case).as_posix(),
            b.location.line,
            b.port,
            b.namespace.group,
        )
        for b in report.model.bindings
        if b.role.value == "publish"
    )


def test_services_of_included_files_are_services_of_the_project():
    found = _found("basic")
    assert [(rule, path, line, column) for rule, path, line, column, _ in found] == [
        ("PL101", "compose.yaml", 10, 10),
        ("PL101", "sub/extra.yml", 5, 10),
    ]
    assert "is also bound by service 'api' (" in found[0][4]
    assert found[0][4].startswith("host port 8080/tcp on the host of compose project ")
    host = _bindings("basic")[0][4]
    # one project, one host; parts/db.yml's DB_PORT comes from the entry's env_file
    assert [(o, p, line, port) for o, p, line, port, _ in _bindings("basic")] == [
        ("api", "sub/extra.yml", 5, 8080),
        ("db", "parts/db.yml", 5, 5433),
        ("web", "compose.yaml", 10, 8080),
    ]
    assert {group for *_, group in _bindings("basic")} == {host}


def test_an_included_file_scanned_alone_is_its_own_project():
    report = run(CASES / "basic" / "sub")  # the including compose.yaml is not scanned
    assert report.findings == []
    assert sorted((b.owner, b.port) for b in report.model.bindings) == [
        (f"{report.model.bindings[0].project}/api", 8000),
        (f"{report.model.bindings[0].project}/api", 8080),
    ]
    assert report.model.bindings[0].project.endswith("sub/extra.yml")


def test_extends_inherits_the_base_services_ports_where_they_are_written():
    found = _found("extends")
    assert [(rule, path, line, column) for rule, path, line, column, _ in found] == [
        ("PL101", "common.yml", 5, 20),
        ("PL101", "compose.yaml", 11, 20),
    ]
    assert "is also bound by service 'other' (" in found[0][4]
    owners = [(o, p, line, port) for o, p, line, port, _ in _bindings("extends")]
    assert owners == [
        ("app-base", "compose.yaml", 16, 8080),
        ("app-dev", "compose.yaml", 16, 8080),  # same-file `extends: app-base`
        ("app-prod", "compose.yaml", 16, 8080),  # other profiles: no collision
        ("cache", "common.yml", 5, 6379),  # from common.yml's redis, appended to its own
        ("cache", "compose.yaml", 7, 6380),
        ("other", "compose.yaml", 11, 6379),
    ]  # common.yml's `unused` is no service of the project, and common.yml no project


def test_a_missing_include_or_extended_service_is_pl001_where_it_is_written():
    assert [(rule, path, line, column) for rule, path, line, column, _ in _found("missing")] == [
        ("PL001", "compose.yaml", 2, 5),
        ("PL001", "compose.yaml", 7, 7),
    ]
    messages = [message for *_, message in _found("missing")]
    assert messages == [
        "'./nowhere.yml' does not exist or cannot be read: `docker compose` fails to load "
        "this project",
        "'extends' names service 'absent', which is not defined",
    ]


def test_cycles_are_loaded_once_and_never_crash():
    found = _found("cycle")
    assert [(rule, path, line, column) for rule, path, line, column, _ in found] == [
        ("PL001", "compose.yaml", 9, 14),
    ]
    assert found[0][4] == "'extends' of service 'loop' is circular"
    assert [(o, p, line) for o, p, line, *_ in _bindings("cycle")] == [
        ("api", "other.yml", 7),
        ("web", "compose.yaml", 7),
    ]


def test_an_included_service_the_project_defines_is_compose_conflict():
    found = _found("conflict")
    assert [(rule, path, line, column) for rule, path, line, column, _ in found] == [
        ("PL001", "extra.yml", 2, 3),
    ]
    assert [(o, p, line, port) for o, p, line, port, _ in _bindings("conflict")] == [
        ("web", "compose.yaml", 7, 8080),
    ]


def test_an_include_path_with_an_unset_variable_is_one_note():
    found = _found("unset")
    assert found == [
        (
            "PL003",
            "compose.yaml",
            2,
            5,
            "STACK has no value: 2 included files ('stacks/$STACK/app.yml' and others) "
            "cannot be located, so their services are checked as separate projects; set it "
            "in the project's .env",
        )
    ]


def test_an_include_outside_the_roots_is_never_read(tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text('services:\n  x:\n    image: nginx\n    ports: ["80:80"]\n')
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(
        "include:\n  - ../outside.yml\nservices:\n  web:\n    image: nginx\n"
    )
    report = run(project)
    assert [(f.rule, f.location.line, f.location.column) for f in report.findings] == [
        ("PL007", 2, 5)
    ]
    assert report.findings[0].message.startswith("'../outside.yml' is outside the scanned roots")
    assert all(b.location.path != str(outside) for b in report.model.bindings)
    assert report.model.bindings == []


def _cached_run(root: Path, cache: Path, *extra: str) -> str:
    env = {**os.environ, "PORTLINT_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", *extra, "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def test_the_result_cache_sees_a_changed_included_file(tmp_path):
    root, cache = tmp_path / "tree", tmp_path / "cache"
    (root / "sub").mkdir(parents=True)
    (root / "compose.yaml").write_text(
        'include: [sub/extra.yml]\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80"]\n'
    )
    extra = 'services:\n  api:\n    image: example/api\n    ports: ["9090:80"]\n'
    (root / "sub" / "extra.yml").write_text(extra)
    assert '"PL101"' not in _cached_run(root, cache)
    assert '"PL101"' not in _cached_run(root, cache)  # warm
    (root / "sub" / "extra.yml").write_text(extra.replace("9090", "8080"))
    warm = _cached_run(root, cache)
    assert warm == _cached_run(root, cache, "--no-cache")
    assert '"PL101"' in warm
    (root / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    # no longer included: sub/extra.yml is a project of its own again
    alone = _cached_run(root, cache)
    assert alone == _cached_run(root, cache, "--no-cache")
    assert '"bindings": 2' in alone


def test_an_unparsable_included_file_is_reported_once_where_it_breaks():
    report = run(CASES / "unparsable")
    found = [
        (Path(f.location.path).name, f.location.line, f.location.column, f.severity.value)
        for f in report.findings
    ]
    assert found == [("compose.yaml", 2, 5, "info"), ("extra.yml", 4, 1, "error")]
    assert report.findings[0].message == (
        "'extra.yml' cannot be parsed (line 4): its services are not checked"
    )


def test_forked_chunks_give_what_one_process_gives(tmp_path, capsys, monkeypatch):
    """The including file and the files it includes land in different chunks (chunks
    are cut between directories): the output is the one-process output."""
    from portlint import workers
    from portlint.cli import main

    if not workers.can_fork():
        return
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "part.yml").write_text(
            f'services:\n  {name}:\n    image: nginx\n    ports: ["8080:80"]\n'
        )
    (tmp_path / "compose.yaml").write_text(
        "include: [a/part.yml, b/part.yml]\nservices:\n  web:\n    image: nginx\n"
    )

    def output(*args: str) -> str:
        assert main(["check", "--no-cache", "--format", "json", *args, str(tmp_path)]) == 1
        return capsys.readouterr().out

    one = output("-j", "1")
    monkeypatch.setattr(workers, "MIN_BYTES_PER_WORKER", 1)  # fork even for this tree
    assert output("-j", "3") == one
    assert one.count('"rule": "PL101"') == 2  # a and b, one project; c is its own


def test_a_hostile_including_file_is_composed_under_the_limits(tmp_path):
    """The include search composes a sibling that mentions `include:` under the same
    depth limit as the scan: 100,000 nested brackets are a PL001, not a crash."""
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "docker-compose.yml").write_text(f"include:\n  - part.yml\nx: {deep}\n")
    (tmp_path / "part.yml").write_text('services:\n  a:\n    image: nginx\n    ports: ["80:80"]\n')
    report = run(tmp_path)
    assert [(f.rule, Path(f.location.path).name) for f in report.findings] == [
        ("PL001", "docker-compose.yml")
    ]
    assert [b.port for b in report.model.bindings if b.role.value == "publish"] == [80]
