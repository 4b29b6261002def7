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
