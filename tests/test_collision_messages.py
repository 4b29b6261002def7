"""PL101 messages say where the other party is and what to do."""

from __future__ import annotations

from helpers import run


def _messages(tmp_path, compose: str, config: dict | None = None) -> dict[int, str]:
    (tmp_path / "compose.yaml").write_text(compose)
    report = run(tmp_path, config=config, config_path=tmp_path / ".portlint.yaml")
    return {f.location.line: f.message for f in report.findings if f.rule == "PL101"}


def test_nearest_free_port_skips_taken_ones(tmp_path):
    messages = _messages(
        tmp_path,
        "services:\n  a:\n    ports: ['8079:79', '8080:80', '8081:81']\n"
        "  b:\n    ports: ['8080:82']\n",
    )
    assert messages[5].endswith("nearest free port: 8082")


def test_nearest_free_port_is_in_the_owners_allotted_range(tmp_path):
    (tmp_path / "policy.yaml").write_text(
        "version: 1\nallocations:\n"
        "  - {owner: payments, match: ['payments-*'], ports: '9000-9099'}\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "services:\n  payments-api:\n    ports: ['8080:80', '9000:90']\n"
        "  web:\n    ports: ['8080:81']\n"
    )
    report = run(
        tmp_path, config={"policy": "policy.yaml"}, config_path=tmp_path / ".portlint.yaml"
    )
    messages = {f.location.line: f.message for f in report.findings if f.rule == "PL101"}
    assert messages[3].endswith("nearest free port in 9000-9099: 9001")
    assert messages[5].endswith("nearest free port: 8081")


def test_cross_directory_collision_on_the_default_host_says_how_to_split(tmp_path):
    """Service configs with no Compose project above them share the scan root's host."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "nginx.conf").write_text("events {}\nhttp { server { listen 3000; } }\n")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "haproxy.cfg").write_text("frontend f\n    bind :3000\n")
    report = run(tmp_path)
    (first, _second) = [f.message for f in report.findings if f.rule == "PL101"]
    assert (
        "on host 'default' (the scan root's host: no Compose project at or above its files; "
        "split them with `hosts:`)"
    ) in first


def test_separate_compose_projects_are_separate_hosts(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "compose.yaml").write_text("services:\n  w:\n    ports: ['3000:3000']\n")
    assert [f for f in run(tmp_path).findings if f.rule == "PL101"] == []


def test_count_of_other_parties(tmp_path):
    services = "".join(f"  s{i}:\n    ports: ['7000:80']\n" for i in range(6))
    messages = _messages(tmp_path, "services:\n" + services)
    assert "and 4 others" in messages[3]


def test_a_service_defined_twice_with_other_target_ports_is_a_duplicate_object(tmp_path):
    # Targets are numbers or port names here, not Compose ranges (this crashed PL103).
    # Two definitions of one object: PL104 on the second, not a PL103 between the copies.
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n"
    (tmp_path / "svc.yaml").write_text(
        service
        + "    - {port: 80, targetPort: 8080}\n---\n"
        + service
        + "    - {port: 80, targetPort: http}\n"
    )
    report = run(tmp_path)
    assert not report.internal_errors
    [finding] = report.findings
    assert (finding.rule, finding.location.line, finding.location.column) == ("PL104", 12, 9)
    assert finding.related[0].location.line == 4
