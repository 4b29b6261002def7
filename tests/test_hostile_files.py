"""Hostile trees: every file portlint opens goes through one guarded reader
(portlint.source.read_bytes): inside the roots, regular files only, bounded; committed
configuration files cannot name a policy outside their repository; no error message
quotes more than a short single-line excerpt of a file."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from portlint.cli import main
from portlint.source import ReadError, Roots, read_source

COMPOSE = "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n"
SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository (with .git) beside a directory of secrets, as the current directory."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_text("listen 9999; SECRET-TOKEN\n" + SECRET)
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(root)
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    return root


def _json(capsys, *args: str) -> tuple[int, list[tuple[str, str, int, int, str]], str]:
    code = main(["check", "--format", "json", *args])
    captured = capsys.readouterr()
    found = [
        (f["rule"], f["path"], f["line"], f["column"], f["message"])
        for f in json.loads(captured.out)["findings"]
    ]
    return code, found, captured.out + captured.err


def test_a_file_symlink_leaving_the_roots_is_pl001_naming_the_link(repo, capsys):
    (repo / "nginx").mkdir()
    (repo / "nginx" / "nginx.conf").symlink_to(repo.parent / "outside" / "secret")
    code, found, output = _json(capsys, ".")
    assert code == 1
    assert found == [
        ("PL001", "nginx/nginx.conf", 1, 1, "symlink leads outside the scanned roots: not read"),
    ]
    assert "SECRET" not in output and "root:" not in output and "9999" not in output


def test_a_symlink_inside_the_roots_is_read(repo, capsys):
    (repo / "other.yaml").symlink_to(repo / "compose.yaml")
    (repo / "sub").mkdir()
    (repo / "sub" / "compose.yaml").symlink_to(repo / "compose.yaml")
    code, found, _ = _json(capsys, ".")
    assert [f[:2] for f in found if f[0] == "PL001"] == []


def test_an_env_fifo_does_not_block_and_the_project_is_still_checked(repo):
    (repo / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    ports: ['${WEB_PORT}:80', '8080:81']\n"
        "  api:\n    image: nginx\n    ports: ['8080:80']\n"
    )
    os.mkfifo(repo / ".env")
    # A subprocess with a bound: on a reader that opens FIFOs, this run never ends.
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", "."],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(done.stdout)["findings"]]
    assert done.returncode == 1
    assert found == [("PL003", 4, 13), ("PL101", 4, 32), ("PL101", 7, 14)]


@pytest.mark.parametrize("kind", ["fifo", "device", "directory"])
def test_the_reader_opens_only_regular_files(tmp_path, kind):
    path = tmp_path / "x"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path = Path("/dev/zero")
    else:
        path.mkdir()
    with pytest.raises(ReadError) as error:
        read_source(path, "x", 1024, roots=Roots([tmp_path, Path("/dev")]))
    assert str(error.value) == "not a regular file (a FIFO, socket or device): not read"


def test_an_include_outside_the_roots_is_not_read(tmp_path):
    (tmp_path / "inside").mkdir()
    (tmp_path / "inside" / "link.conf").symlink_to(tmp_path / "secret.conf")
    (tmp_path / "secret.conf").write_text("SECRET")
    with pytest.raises(ReadError) as error:
        read_source(
            tmp_path / "inside" / "link.conf", "x", 1024, roots=Roots([tmp_path / "inside"])
        )
    assert str(error.value) == "symlink leads outside the scanned roots: not read"
    with pytest.raises(ReadError) as error:
        read_source(
            tmp_path / "inside" / ".." / "secret.conf",
            "x",
            1024,
            roots=Roots([tmp_path / "inside"]),
        )
    assert str(error.value) == "path is outside the scanned roots: not read"


def _limited_run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """portlint in a process with 1 GiB of address space and a time bound: on a reader
    without a bound, /dev/zero ends in MemoryError instead of the machine's memory."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "portlint", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )


@pytest.mark.parametrize("policy", ["/etc/passwd", "/dev/zero", "../outside/secret"])
def test_a_committed_config_cannot_name_a_policy_outside_its_repository(repo, policy):
    (repo / ".portlint.yaml").write_text(f"policy: {policy}\n")
    done = _limited_run(repo, ".")
    assert done.returncode == 2
    assert done.stderr == (
        f"portlint: error: policy '{policy}': outside the repository ({repo}); a policy named "
        "by a configuration file must be inside it (or give it with --policy)\n"
    )
    assert done.stdout == ""


def test_a_policy_symlink_in_the_repository_leading_out_is_not_read(repo):
    (repo / "policy.yaml").symlink_to("/etc/passwd")
    (repo / ".portlint.yaml").write_text("policy: policy.yaml\n")
    done = _limited_run(repo, ".")
    assert done.returncode == 2
    assert "outside the repository" in done.stderr and "root:" not in done.stderr


def test_a_device_given_as_policy_on_the_command_line_is_not_read(repo):
    done = _limited_run(repo, "--policy", "/dev/zero", ".")
    assert done.returncode == 2
    assert done.stderr == (
        "portlint: error: /dev/zero: cannot read policy: "
        "not a regular file (a FIFO, socket or device): not read\n"
    )


def test_a_schema_error_quotes_only_a_short_excerpt_of_the_file(repo, capsys):
    (repo / "policy.yaml").write_text(SECRET)  # a plain scalar: the whole file is the value
    (repo / ".portlint.yaml").write_text("policy: policy.yaml\n")
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"portlint: error: {repo / 'policy.yaml'}:1:1: (top level): "
        "'root:x:0:0:root:/root:/bin/bash daem... is not of type 'object'\n"
    )


def test_a_config_with_a_long_value_is_quoted_as_an_excerpt(repo, capsys):
    (repo / ".portlint.yaml").write_text("fail-on: " + "x" * 5000 + "\n")
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"portlint: error: {repo / '.portlint.yaml'}:1:1: fail-on: 'xxxx")
    assert len(err) < 300 and err.count("\n") == 1


def test_a_committed_config_symlink_leading_out_of_the_repository_is_not_read(repo, capsys):
    (repo / ".portlint.yaml").symlink_to(repo.parent / "outside" / "secret")
    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {repo / '.portlint.yaml'}: cannot read configuration: "
        "symlink leads outside the repository: not read\n"
    )


BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1},"
    f" *a{i - 1}, *a{i - 1}, *a{i - 1}]\n"
    for i in range(1, 8)
)


def test_an_alias_bomb_in_the_config_is_bounded_like_a_scanned_document(repo, capsys):
    (repo / ".portlint.yaml").write_text(BOMB)
    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {repo / '.portlint.yaml'}:7:5: YAML not checked: "
        "alias expansion exceeds 1000000 nodes (max-yaml-nodes)\n"
    )


def test_an_alias_bomb_in_a_policy_is_bounded_too(repo, capsys):
    (repo / "policy.yaml").write_text(BOMB)
    assert main(["check", "--policy", "policy.yaml", "."]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {repo / 'policy.yaml'}:7:5: YAML not checked: "
        "alias expansion exceeds 1000000 nodes (max-yaml-nodes)\n"
    )


def test_a_link_out_of_the_roots_that_nothing_would_read_is_skipped(repo, capsys):
    (repo / "README").symlink_to(repo.parent / "outside" / "secret")
    (repo / "site.conf").symlink_to(repo.parent / "outside" / "secret")  # sniffed: never read
    code, found, _ = _json(capsys, ".")
    assert (code, found) == (0, [])


def test_a_fifo_named_on_the_command_line_does_not_block(repo):
    os.mkfifo(repo / "site.conf")
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", "site.conf", "."],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")},
    )
    found = [
        (f["rule"], f["path"], f["line"], f["message"]) for f in json.loads(done.stdout)["findings"]
    ]
    assert found == [
        ("PL001", "site.conf", 1, "not a regular file (a FIFO, socket or device): not read")
    ]


def test_a_config_nested_too_deep_is_bounded_like_a_scanned_document(repo, capsys):
    (repo / ".portlint.yaml").write_text("exclude: " + "[" * 600 + "]" * 600 + "\n")
    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {repo / '.portlint.yaml'}:1:509: YAML not checked: "
        "nesting deeper than the limit of 500 levels (max-depth)\n"
    )


def test_a_directory_the_walk_entered_is_inside_without_a_syscall(tmp_path, monkeypatch):
    """A Dockerfile's directory as its build context: discovery walked it, so it is
    inside; any other directory is still resolved."""
    walked = {str(tmp_path / "app")}
    roots = Roots([tmp_path], walked)
    resolved: list[str] = []
    real = os.path.realpath

    def counting(path, *args, **kwargs):
        resolved.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counting)
    monkeypatch.setattr(os.path, "islink", lambda p: pytest.fail(f"lstat of {p}"))
    assert roots.contains(tmp_path / "app")
    assert resolved == []
    assert not roots.contains(tmp_path.parent)
    assert resolved == [str(tmp_path.parent)]
