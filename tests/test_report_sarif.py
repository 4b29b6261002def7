"""`--format sarif`: valid against the official SARIF 2.1.0 schema and Microsoft's validator,
every rule described, PL101 carrying the other party, fingerprints that survive moves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from helpers import FIXTURES
from portlint.cli import main
from portlint.rules.catalogue import CATALOGUE

SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0.json"
CASE = FIXTURES / "integrations"
MULTITOOL_CACHE = Path.home() / ".cache" / "portlint" / "sarif-multitool"
MULTITOOL_PACKAGE = "@microsoft/sarif-multitool-linux@5.7.0"


def sarif(capsys, *args: str) -> dict:
    code = main(["check", *args, "--format", "sarif"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return json.loads(out)


REPO = Path(__file__).resolve().parents[1]
IN_REPO = "tests/fixtures/integrations/collision"


@pytest.fixture
def collision_sarif(capsys, monkeypatch) -> dict:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.chdir(CASE)
    return sarif(capsys, "collision")


def test_sarif_passes_the_official_schema(collision_sarif):
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(collision_sarif)
    ]
    assert errors == []


def test_pl101_result_has_exact_region_and_the_other_party_as_related_location(
    collision_sarif,
):
    run = collision_sarif["runs"][0]
    results = [r for r in run["results"] if r["ruleId"] == "PL101"]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    web = by_uri[f"{IN_REPO}/web/compose.yaml"]
    assert web["level"] == "error"
    assert run["tool"]["driver"]["rules"][web["ruleIndex"]]["id"] == "PL101"
    physical = web["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uriBaseId"] == "SRCROOT"
    assert physical["region"] == {"startLine": 5, "startColumn": 10, "endLine": 5, "endColumn": 15}
    [related] = web["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == f"{IN_REPO}/api/compose.yaml"
    assert related["physicalLocation"]["region"]["startLine"] == 6
    assert related["physicalLocation"]["region"]["startColumn"] == 10
    assert "api" in related["message"]["text"]
    fingerprints = web["partialFingerprints"]
    assert set(fingerprints) == {"portlint/v1", "primaryLocationLineHash"}
    assert fingerprints["primaryLocationLineHash"] == fingerprints["portlint/v1"][:16] + ":1"
    # The other party is a link to relatedLocations[id=1] (SARIF 3.11.6 embedded links).
    assert f"([{IN_REPO}/api/compose.yaml:6](1))" in web["message"]["text"]


def test_srcroot_is_the_repository_root_wherever_portlint_runs(collision_sarif):
    run = collision_sarif["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == REPO.as_uri() + "/"
    assert run["automationDetails"] == {"id": "portlint/"}


def test_github_sees_the_same_paths_in_sarif_and_in_annotations(capsys, monkeypatch):
    """Run from a subdirectory, SARIF and the github format both name files from the root."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.delenv("CI_PROJECT_DIR", raising=False)
    monkeypatch.chdir(CASE / "collision")
    run = sarif(capsys, "web", "api")["runs"][0]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    main(["check", "web", "api", "--format", "github"])
    annotations = capsys.readouterr().out
    for uri in uris:
        assert uri.startswith(IN_REPO + "/")
        assert f"file={uri}," in annotations


def test_security_rules_carry_tags_and_security_severity(collision_sarif):
    rules = {r["id"]: r for r in collision_sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["PL501"]["properties"]["security-severity"] == "7.5"
    assert "security" in rules["PL501"]["properties"]["tags"]
    assert rules["PL305"]["properties"]["security-severity"] == "6.5"
    assert "security-severity" not in rules["PL101"]["properties"]
    assert rules["PL101"]["properties"]["tags"] == ["ports", "collision"]
    assert rules["PL101"]["properties"]["precision"] == "high"
    driver = collision_sarif["runs"][0]["tool"]["driver"]
    assert driver["fullName"].startswith("portlint ")


def test_driver_describes_every_rule_with_help_and_default_level(collision_sarif):
    driver = collision_sarif["runs"][0]["tool"]["driver"]
    assert driver["name"] == "portlint" and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == [info.id for info in CATALOGUE]
    for rule, info in zip(driver["rules"], CATALOGUE, strict=True):
        assert rule["name"] == info.name
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert rule["helpUri"].endswith(f"/docs/rules/{info.id}-{info.name}.md")
        level = rule["defaultConfiguration"]["level"]
        assert level == {"error": "error", "warning": "warning", "info": "note"}.get(
            info.default.value if info.default else "warning"
        )
        assert rule["defaultConfiguration"].get("enabled", True) is (info.default is not None)


def test_output_is_byte_identical_across_runs(capsys, monkeypatch):
    monkeypatch.chdir(CASE)
    main(["check", "collision", "--format", "sarif"])
    first = capsys.readouterr().out
    main(["check", "collision", "--format", "sarif"])
    assert capsys.readouterr().out == first


def test_partial_fingerprints_survive_moved_lines(tmp_path, capsys, monkeypatch):
    shutil.copytree(CASE / "collision", tmp_path / "collision")
    monkeypatch.chdir(tmp_path)

    def fingerprints() -> dict[str, tuple[str, int]]:
        results = sarif(capsys, "collision")["runs"][0]["results"]
        return {
            r["partialFingerprints"]["portlint/v1"]: (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in results
        }

    before = fingerprints()
    web = tmp_path / "collision" / "web" / "compose.yaml"
    web.write_text("# moved down by a comment\n\n" + web.read_text())
    after = fingerprints()
    assert set(after) == set(before)
    moved = [fp for fp in before if before[fp][0] == "collision/web/compose.yaml"]
    assert [after[fp][1] for fp in moved] == [before[fp][1] + 2 for fp in moved]


def test_unknown_rule_in_a_suppression_is_a_tool_configuration_notification(
    tmp_path, capsys, monkeypatch
):
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    ports: ["18080:80"]  # portlint: disable=PL999\n'
    )
    monkeypatch.chdir(tmp_path)
    document = sarif(capsys, ".")
    [notification] = document["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
    assert notification["level"] == "warning"
    assert "PL999" in notification["message"]["text"]
    region = notification["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 46)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)


def _multitool() -> Path | None:
    """Microsoft's SARIF Multitool: $SARIF_MULTITOOL, on PATH, or in the test cache
    (installed there by `npm install --prefix ~/.cache/portlint/sarif-multitool ...`)."""
    candidates = [
        os.environ.get("SARIF_MULTITOOL"),
        shutil.which("Sarif.Multitool"),
        str(MULTITOOL_CACHE / "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def test_sarif_passes_microsofts_multitool_validate(tmp_path, capsys, monkeypatch):
    tool = _multitool()
    if tool is None:
        pytest.skip(
            "Sarif.Multitool not installed; install it with: npm install --prefix "
            f"{MULTITOOL_CACHE} {MULTITOOL_PACKAGE}"
        )
    monkeypatch.chdir(CASE)
    main(["check", "collision", "--format", "sarif", "--output", str(tmp_path / "run.sarif")])
    capsys.readouterr()
    _validate(tool, tmp_path)


def test_sarif_fixes_pass_microsofts_multitool_validate(tmp_path, capsys, monkeypatch):
    """Results with `fixes` (a safe PL004 quote, unsafe PL101 moves) are valid SARIF."""
    tool = _multitool()
    if tool is None:
        pytest.skip("Sarif.Multitool not installed (see the test above)")
    project = tmp_path / "project"
    project.mkdir()
    (project / "compose.yaml").write_text(FIXABLE_COMPOSE)
    monkeypatch.chdir(project)
    main(["check", ".", "--format", "sarif", "--output", str(tmp_path / "run.sarif")])
    capsys.readouterr()
    document = json.loads((tmp_path / "run.sarif").read_text())
    fixes = [r["fixes"][0] for r in document["runs"][0]["results"] if "fixes" in r]
    assert [f["description"]["text"].split(" (")[0] for f in fixes] == [
        'Quote the port mapping: "22:22"',
        "Move to the nearest free port 8081",
        "Move to the nearest free port 8081",
    ]
    assert fixes[0]["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 4, "startColumn": 9, "endLine": 4, "endColumn": 14},
            "insertedContent": {"text": '"22:22"'},
        }
    ]
    _validate(tool, tmp_path)


FIXABLE_COMPOSE = """services:
  web:
    ports:
      - 22:22
      - "8080:80"
  api:
    ports: ["8080:8080"]
"""


def _validate(tool: Path, tmp_path: Path) -> None:
    log = tmp_path / "validation.sarif"
    env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1")
    completed = subprocess.run(
        [
            str(tool),
            "validate",
            str(tmp_path / "run.sarif"),
            "--output",
            str(log),
            "--rule-kind",
            "Sarif;Gh",
            "--log",
            "ForceOverwrite",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads(log.read_text())["runs"][0].get("results", [])
    problems = [
        f"{r['ruleId']}: {r['message']}" for r in results if r.get("level") in ("error", "warning")
    ]
    assert problems == []
