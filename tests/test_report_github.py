"""`--format github`: workflow commands GitHub turns into annotations, with paths relative
to the repository and the Actions toolkit's escaping."""

from __future__ import annotations

from helpers import FIXTURES
from portlint.cli import main
from portlint.report.github import escape_data, escape_property

CASE = FIXTURES / "integrations"


def github(capsys, monkeypatch, workspace, *args: str) -> tuple[int, list[str]]:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    monkeypatch.chdir(CASE)
    code = main(["check", *args, "--format", "github"])
    return code, capsys.readouterr().out.splitlines()


def test_collision_is_one_error_command_per_party_with_repository_paths(capsys, monkeypatch):
    code, lines = github(capsys, monkeypatch, FIXTURES, "collision", "--select", "PL101")
    assert code == 1
    assert [line.split("::")[1] for line in lines] == [
        "error file=integrations/collision/api/compose.yaml,line=6,col=10,endLine=6,"
        "endColumn=15,title=PL101 port-collision",
        "error file=integrations/collision/web/compose.yaml,line=5,col=10,endLine=5,"
        "endColumn=15,title=PL101 port-collision",
    ]
    message = lines[1].split("::", 2)[2]
    assert message.startswith("host port 18080/tcp on host 'deploy' (`hosts:` group 'deploy' in ")
    # The other party follows on its own line (an escaped newline), repository-relative.
    assert message.endswith(
        "%0A  integrations/collision/api/compose.yaml:6:10: service 'api' binds 18080/tcp here"
    )


def test_warnings_are_warning_commands(capsys, monkeypatch, tmp_path):
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["80:80"]\n')
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    main(["check", ".", "--format", "github", "--select", "PL201"])
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith(
        "::warning file=compose.yaml,line=3,col=14,endLine=3,endColumn=16,"
        "title=PL201 privileged-host-port::"
    )


def test_paths_are_relative_to_the_git_root_when_run_from_a_subdirectory(
    capsys, monkeypatch, tmp_path
):
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    (tmp_path / ".git").mkdir()
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    (deploy / "compose.yaml").write_text('services:\n  web:\n    ports: ["80:80"]\n')
    (deploy / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    monkeypatch.chdir(deploy)
    main(["check", ".", "--format", "github", "--select", "PL201"])
    assert "::warning file=deploy/compose.yaml,line=3," in capsys.readouterr().out


def test_no_findings_prints_nothing(capsys, monkeypatch, tmp_path):
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["18080:80"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", ".", "--format", "github"]) == 0
    assert capsys.readouterr().out == ""


def test_escaping_follows_the_actions_toolkit():
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
