"""PL301-PL305 messages and severities, beyond the fixture cases' positions."""

from __future__ import annotations

from helpers import FIXTURES, run


def _findings(case: str, rule: str, config: dict | None = None):
    path = FIXTURES / rule / case
    config_path = path / "config.yaml"
    if config is None and config_path.is_file():
        import yaml

        config = yaml.safe_load(config_path.read_text())
    report = run(path, config=config or {}, config_path=config_path)
    return [f for f in report.findings if f.rule == rule]


def test_pl304_offers_the_nearest_free_port_in_the_owners_range():
    worker, search, web = _findings("fail-allocations", "PL304")
    assert "outside the range payments is allotted (9000-9099)" in worker.message
    assert worker.message.endswith("nearest free port in 9000-9099: 9099")
    assert "inside 9000-9099, allotted to payments" in search.message
    assert search.message.endswith("nearest free port in 9200-9299: 9200")
    assert "outside the range" not in web.message


def test_pl303_hostport_inside_range_is_a_warning_unless_overridden():
    findings = _findings("fail-nodeport-and-hostport", "PL303")
    assert [f.severity.value for f in findings] == ["error", "warning"]
    overridden = _findings(
        "fail-nodeport-and-hostport", "PL303", config={"severity": {"PL303": "info"}}
    )
    assert [f.severity.value for f in overridden] == ["info", "info"]


def test_pl301_strict_registry_is_info_and_curated_is_warning():
    (strict,) = _findings("fail-strict-registry", "PL301")
    assert strict.severity.value == "info"
    assert "registered with IANA to search-agent" in strict.message
    findings = _findings("fail-cache-shim", "PL301")
    assert {f.severity.value for f in findings} == {"warning"}
    assert "commonly used by Redis" in findings[0].message


def test_pl305_message_carries_the_policy_reason():
    rdp, vnc = _findings("fail-forbidden-rdp", "PL305")
    assert rdp.message.endswith("RDP must not face the network; use the VPN")
    assert "5900-5910" in vnc.message


def test_pl301_a_plain_protocol_name_on_its_implicit_tls_port_says_they_disagree():
    relay, mta, imap = _findings("fail-name-mismatch", "PL301")
    assert relay.message == (
        "published port 465/tcp of service 'relay' (example/relay:1) is named 'smtp', but "
        "465 is submissions (SMTP with implicit TLS) and smtp is 25: clients of 465 start TLS "
        "with their first byte; name the port 'submissions' if it serves TLS there, or use 25 "
        "for plain SMTP"
    )
    assert mta.message.startswith(
        "hostPort 465/tcp of 'Deployment/mail/mail' (example/mta:1) is named 'smtp', but 465 "
        "is submissions"
    )
    assert "is named 'imap', but 993 is imaps (IMAP with implicit TLS) and imap is 143" in (
        imap.message
    )
    assert "commonly used by" not in relay.message + mta.message + imap.message


def test_pl301_judges_a_pod_port_by_the_container_that_declares_it():
    (finding,) = _findings("fail-container-owns-port", "PL301")
    assert finding.message.startswith(
        "hostPort 9200/tcp of 'DaemonSet/monitoring/agent' (example/app:1) is commonly used "
        "by Elasticsearch:"
    )


def test_pl301_web_uis_claim_nothing_but_the_protocol_ports_of_the_same_software_do():
    from portlint.registry.claims import claim

    assert claim(9870, "tcp", "example-app", "example/app") is None  # HDFS web UI
    assert claim(8161, "tcp", "jackett", "linuxserver/jackett") is None  # ActiveMQ console
    assert claim(9443, "tcp", "nextcloud", "linuxserver/nextcloud") is None  # generic HTTPS
    assert claim(8020, "tcp", "example-app", "example/app").owners == ("HDFS NameNode",)
    assert claim(61616, "tcp", "example-app", "example/app").owners == ("ActiveMQ",)


def test_pl301_iana_registrations_count_only_with_the_full_registry(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  dash:\n    image: example/dash\n    ports: ['83:80']\n"
    )
    assert [f for f in run(tmp_path).findings if f.rule == "PL301"] == []
    (strict,) = [
        f for f in run(tmp_path, config={"policy": "strict"}).findings if f.rule == "PL301"
    ]
    assert "is registered with IANA to mit-ml-dev (MIT ML Device)" in strict.message
    assert strict.severity.value == "warning"  # well-known range, asked for by the policy


def test_pl301_a_systemd_socket_is_judged_by_the_service_it_activates():
    (finding,) = _findings("fail-systemd-socket", "PL301")
    assert finding.message.startswith(
        "listening port 3306/tcp of 'systemd:" + run_display("fail-systemd-socket/api.socket")
    )
    assert "(example-api) is commonly used by MySQL" in finding.message
    assert _findings("pass-systemd-own-unit", "PL301") == []


def test_pl302_quiet_on_a_softwares_own_default_but_not_on_another_on_that_port(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  torrent:\n    image: lscr.io/linuxserver/transmission\n    ports: ['51413:51413']\n"
        "  api:\n    image: example/api\n    ports: ['51413:8080']\n"
    )
    found = [f for f in run(tmp_path).findings if f.rule == "PL302"]
    assert [(f.location.line, f.location.column) for f in found] == [(7, 14)]
    assert found[0].message.startswith(
        "published port 51413/tcp of service 'api' is inside the ephemeral range"
    )


def run_display(case_path: str) -> str:
    from portlint.source import display_path

    return display_path(FIXTURES / "PL301" / case_path)
