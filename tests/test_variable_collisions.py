"""PL101 on one unset variable used as the host port of two services of one host: the
value is unknown, the port is the same (portlint.parsers.compose.variables)."""

from __future__ import annotations

from helpers import FIXTURES, run

CASE = FIXTURES / "PL101" / "fail-same-unset-variable"


def test_the_message_says_the_value_is_unknown_but_the_variable_is_the_same():
    report = run(CASE)
    found = [f for f in report.findings if f.rule == "PL101" and "${" in f.message]
    assert [(f.location.line, f.location.column, f.location.end_column) for f in found] == [
        (5, 10, 21),
        (9, 20, 29),
    ]
    project = found[0].location.path.rsplit("/", 1)[0]
    assert found[0].message == (
        f"host port ${{WEB_PORT}}/tcp on the host of compose project {project}/ is also "
        f"published by service 'admin' ({project}/compose.yaml:9) with the same variable: "
        "WEB_PORT has no value here, but whatever it is set to, both bind that port; give "
        "one of them a variable of its own"
    )
    assert found[1].message.startswith("host port 127.0.0.1:${WEB_PORT}/tcp on the host of")
    assert [(r.location.line, r.message) for r in found[0].related] == [
        (9, "service 'admin' publishes ${WEB_PORT} here")
    ]


def test_an_unset_variable_port_is_no_binding_of_the_model():
    report = run(CASE)
    assert sorted(b.port for b in report.model.bindings if b.role.value == "publish") == [
        8080,
        8080,
    ]
    assert [b.source for b in report.model.variable_ports] == [
        "variable WEB_PORT",
        "variable WEB_PORT",
        "variable API_PORT",
        "variable WEB_PORT",
    ]
