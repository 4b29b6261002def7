"""Templates and files that are not deployment configs: PL007 info for templates, nothing
for files no parser would claim, test data not walked, /etc snapshot links resolved."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, run
from portlint import filekinds

CASE = FIXTURES / "render" / "notconfigs"


def rows(report):
    return [
        (
            f.rule,
            f.severity.value,
            f.location.path.split("notconfigs/", 1)[1],
            f.location.line,
            f.location.column,
        )
        for f in report.findings
    ]


def test_templates_are_one_info_each_and_other_files_are_not_reported():
    # Not reported: tsconfig.json and appsettings.json (JSON with comments), typedoc.json
    # (entryPoints is not Traefik's), fail2ban's filter.d/nginx-http-auth.conf (not
    # nginx), README.md.tmpl (a template of nothing portlint reads), a vendored library's
    # unparsable spec.yaml, testdata/ and tests/fixtures/ trees, the dangling link.
    assert rows(run(CASE)) == [
        ("PL007", "info", "tmpl/app.yaml.tmpl", 1, 1),
        ("PL007", "info", "tmpl/compose.template.yaml", 1, 1),
        ("PL007", "info", "tmpl/nginx.conf.j2", 1, 1),
        # {{env "DOMAIN"}} in Traefik's dynamic configuration, at the action itself.
        ("PL007", "info", "traefik-rules/middlewares.yml", 5, 67),
    ]


def test_template_messages_name_the_engine():
    messages = {Path(f.location.path).name: f.message for f in run(CASE).findings}
    assert messages["nginx.conf.j2"] == (
        "Jinja file not rendered, so its ports are not checked: render it and check the "
        "output (`... | portlint check -`)"
    )
    assert messages["middlewares.yml"].startswith("Go template file not rendered")


def test_an_unparsable_file_a_parser_claims_is_still_a_parse_error(tmp_path):
    (tmp_path / "compose.yaml").write_text("services: [unclosed\n")
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Service\nspec: [\n")
    (tmp_path / "random.yaml").write_text("key: [unclosed\n")
    found = [(f.rule, Path(f.location.path).name) for f in run(tmp_path).findings]
    assert found == [("PL001", "compose.yaml"), ("PL001", "deploy.yaml")]


def test_test_data_trees_are_walked_when_the_config_empties_default_exclude():
    report = run(CASE / "vendor", config={"default-exclude": []})
    found = sorted((f.rule, f.location.path.split("vendor/", 1)[1]) for f in report.findings)
    assert found == [
        ("PL001", "lib/testdata/broken.yaml"),
        ("PL001", "lib/tests/fixtures/compose.yaml"),
    ]


def test_a_fixture_directory_named_on_the_command_line_is_still_checked():
    report = run(CASE / "vendor" / "lib" / "testdata")
    assert [(f.rule, Path(f.location.path).name) for f in report.findings] == [
        ("PL001", "broken.yaml")
    ]


def test_default_exclude_matches_directories_at_any_depth():
    patterns = filekinds.DEFAULT_EXCLUDE
    assert filekinds.default_excluded("./testdata", patterns)
    assert filekinds.default_excluded("./a/b/tests/fixtures", patterns)
    assert not filekinds.default_excluded("./testdatabase", patterns)
    assert not filekinds.default_excluded("./fixtures", patterns)


def test_an_absolute_link_in_an_etc_snapshot_resolves_inside_the_snapshot():
    snapshot = CASE / "etc-snapshot"
    link = snapshot / "etc" / "nginx" / "sites-enabled" / "default"
    assert (
        filekinds.snapshot_target(link, CASE)
        == (snapshot / "etc" / "nginx" / "sites-available" / "default").absolute()
    )
    missing = snapshot / "etc" / "nginx" / "sites-enabled" / "missing"
    assert filekinds.snapshot_target(missing, CASE) is filekinds.SKIP
    assert filekinds.snapshot_target(snapshot / "etc", CASE) is None  # not a link


def test_a_dangling_snapshot_link_is_no_parse_error_and_the_target_is_read_once():
    report = run(CASE / "etc-snapshot")
    assert not [f for f in report.findings if f.rule == "PL001"]
    assert report.files == 1  # sites-available/default, reached by its name and the link


def test_an_envoy_config_dump_is_neither_compose_nor_envoy_config(tmp_path):
    # `curl localhost:9901/config_dump`: the running config, wrapped; its listeners are
    # the dump of a proxy's state, not a file anyone deploys.
    (tmp_path / "config_dump.json").write_text(
        '{"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",'
        ' "bootstrap": {"static_resources": {"listeners": [{"name": "l",'
        ' "address": {"socket_address": {"address": "0.0.0.0", "port_value": 99999}}}]}}}]}'
    )
    report = run(tmp_path)
    assert report.findings == [] and report.files == 0
