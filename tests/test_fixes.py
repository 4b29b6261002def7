"""Fix edits (portlint.fixes): each one applied to a real file and the file re-checked; the
edit touches only its span, so every other byte stays as it was."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from portlint.fixes import Fix, TextEdit, apply_edits, fix_for, suppression_fix

COMPOSE = """\
services:
  web:
    image: nginx
    ports:
      - 2222:22   # ssh
      - "8080:80"
  db:
    image: postgres:16
    ports:
      - "8080:8080"
      - '5432:5432'
  cache:
    image: redis:7
    ports:
      - 0.0.0.0:6379:6379
  kv:
    image: redis:7
    ports:
      - target: 6379
        published: 6380
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx
      ports:
        - containerPort: 80
          protocol: "tcp"   # lower case
"""


def _check(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_bytes(text.encode())
    report = run(str(tmp_path))
    return path, report


def _one(report, rule: str, line: int):
    [finding] = [f for f in report.findings if f.rule == rule and f.location.line == line]
    return finding


def _fixed(tmp_path: Path, name: str, text: str, rule: str, line: int) -> tuple[Fix, str]:
    path, report = _check(tmp_path, name, text)
    fix = fix_for(_one(report, rule, line), text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    path.write_bytes(fixed.encode())
    return fix, fixed


def _rules_at(tmp_path: Path) -> list[tuple[str, int]]:
    return [(f.rule, f.location.line) for f in run(str(tmp_path)).findings]


def test_pl004_quotes_the_mapping_and_keeps_the_comment(tmp_path):
    fix, fixed = _fixed(tmp_path, "compose.yaml", COMPOSE, "PL004", 5)
    assert fix.safe and fix.title == 'Quote the port mapping: "2222:22"'
    assert fixed == COMPOSE.replace("- 2222:22   # ssh", '- "2222:22"   # ssh')
    assert ("PL004", 5) not in _rules_at(tmp_path)


def test_pl002_upper_cases_a_kubernetes_protocol_inside_its_quotes(tmp_path):
    fix, fixed = _fixed(tmp_path, "pod.yaml", POD, "PL002", 11)
    assert fix.safe and fix.title == "Upper-case the protocol: TCP"
    assert fixed == POD.replace('"tcp"', '"TCP"')
    assert _rules_at(tmp_path) == []


def test_pl101_moves_to_the_suggested_free_port(tmp_path):
    fix, fixed = _fixed(tmp_path, "compose.yaml", COMPOSE, "PL101", 6)
    assert not fix.safe and fix.title == "Move to the nearest free port 8081"
    assert fixed == COMPOSE.replace('"8080:80"', '"8081:80"')
    assert [r for r in _rules_at(tmp_path) if r[0] == "PL101"] == []


def test_pl501_prefixes_loopback_in_short_syntax(tmp_path):
    fix, fixed = _fixed(tmp_path, "compose.yaml", COMPOSE, "PL501", 11)
    assert not fix.safe
    assert fixed == COMPOSE.replace("'5432:5432'", "'127.0.0.1:5432:5432'")
    assert ("PL501", 11) not in _rules_at(tmp_path)


def test_pl501_replaces_a_wildcard_address(tmp_path):
    _fix, fixed = _fixed(tmp_path, "compose.yaml", COMPOSE, "PL501", 15)
    assert fixed == COMPOSE.replace("0.0.0.0:6379:6379", "127.0.0.1:6379:6379")
    assert ("PL501", 15) not in _rules_at(tmp_path)


def test_pl501_adds_host_ip_beside_published_in_long_syntax(tmp_path):
    _fix, fixed = _fixed(tmp_path, "compose.yaml", COMPOSE, "PL501", 20)
    assert fixed == COMPOSE.replace(
        "published: 6380\n", "published: 6380\n        host_ip: 127.0.0.1\n"
    )
    assert [r for r in _rules_at(tmp_path) if r[0] == "PL501"] == [("PL501", 11), ("PL501", 15)]


def test_crlf_line_endings_are_kept(tmp_path):
    text = COMPOSE.replace("\n", "\r\n")
    _fix, fixed = _fixed(tmp_path, "compose.yaml", text, "PL501", 20)
    assert fixed == text.replace(
        "published: 6380\r\n", "published: 6380\r\n        host_ip: 127.0.0.1\r\n"
    )


def test_no_fix_when_the_text_changed_under_the_finding(tmp_path):
    _path, report = _check(tmp_path, "compose.yaml", COMPOSE)
    finding = _one(report, "PL004", 5)
    assert fix_for(finding, COMPOSE.replace("2222:22", "abcd:ef")) is None


def test_suppression_comment_silences_the_finding(tmp_path):
    path, report = _check(tmp_path, "compose.yaml", COMPOSE)
    fix = suppression_fix(_one(report, "PL101", 6), COMPOSE)
    assert fix is not None and fix.title == "Disable PL101 for this line"
    fixed = apply_edits(COMPOSE, fix.edits)
    assert fixed.splitlines()[5] == '      - "8080:80"  # portlint: disable=PL101'
    path.write_text(fixed)
    assert ("PL101", 6) not in _rules_at(tmp_path)


def test_suppression_joins_an_existing_directive(tmp_path):
    text = COMPOSE.replace('"8080:80"', '"8080:80"  # portlint: disable=PL301 reason')
    path, report = _check(tmp_path, "compose.yaml", text)
    fix = suppression_fix(_one(report, "PL101", 6), text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed.splitlines()[5] == '      - "8080:80"  # portlint: disable=PL301,PL101 reason'


def test_apply_edits_keeps_other_bytes_and_orders_edits():
    text = "a1b2\nc3\n"
    edits = [TextEdit("f", 2, 2, 2, 3, "X"), TextEdit("f", 1, 1, 1, 1, ">")]
    assert apply_edits(text, edits) == ">a1b2\ncX\n"


def test_suppression_above_the_line_where_trailing_comments_are_not_allowed(tmp_path):
    text = "FROM nginx\n  EXPOSE 99999\n"
    path, report = _check(tmp_path, "Dockerfile", text)
    fix = suppression_fix(_one(report, "PL002", 2), text)
    assert fix is not None
    fixed = apply_edits(text, fix.edits)
    assert fixed == "FROM nginx\n  # portlint: disable-next-line=PL002\n  EXPOSE 99999\n"
    path.write_text(fixed)
    assert _rules_at(tmp_path) == []


def test_suppression_joins_a_directive_on_the_line_above(tmp_path):
    text = "FROM nginx\n# portlint: disable-next-line=PL301\nEXPOSE 99999\n"
    _path, report = _check(tmp_path, "Dockerfile", text)
    fix = suppression_fix(_one(report, "PL002", 3), text)
    assert fix is not None
    assert (
        apply_edits(text, fix.edits).splitlines()[1] == "# portlint: disable-next-line=PL301,PL002"
    )
    already = text.replace("PL301", "PL002")
    assert suppression_fix(_one(report, "PL002", 3), already) is None


def test_no_suppression_comment_in_json(tmp_path):
    _path, report = _check(tmp_path, "compose.json", '{"services": {"a": {"ports": ["0:80"]}}}')
    assert [suppression_fix(f, "") for f in report.findings] == [None] * len(report.findings)
    assert report.findings
