"""Inputs that would be quadratic (or exponential) in the Postfix, Dovecot and BIND
parsers, on sizes where that takes minutes; linear work takes a second or two. No
timing here: a regression shows as a test that does not finish."""

from __future__ import annotations

from pathlib import Path

from helpers import run


def _write(root: Path, relative: str, content: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def test_master_cf_with_sixty_thousand_services(tmp_path) -> None:
    n = 60_000
    lines = "".join(f"127.0.{i // 250}.{1 + i % 250}:2525 inet n - n - - smtpd\n" for i in range(n))
    _write(tmp_path, "postfix/master.cf", lines)
    report = run(tmp_path)
    assert report.bindings == n
    assert report.model.bindings[-1].location.line == n


def test_dovecot_sections_nested_sixty_thousand_deep(tmp_path) -> None:
    """Each section used to look up its service through every enclosing section."""
    n = 60_000
    text = "service imap-login {\n" + "inet_listener x {\n" * n + "}\n" * n + "}\n"
    _write(tmp_path, "dovecot/dovecot.conf", text)
    assert run(tmp_path).findings == []


def test_dovecot_value_with_a_long_run_of_spaces(tmp_path) -> None:
    """`(.*?)\\s*$` backtracks over every space: minutes for 200k spaces."""
    text = "service imap-login {\n inet_listener imap {\n  port = 1" + " " * 200_000 + "x\n }\n}\n"
    _write(tmp_path, "dovecot/dovecot.conf", text)
    (finding,) = run(tmp_path).findings
    assert (finding.rule, finding.location.line, finding.location.column) == ("PL002", 3, 10)


def test_named_conf_with_fifty_thousand_unclosed_comments(tmp_path) -> None:
    """Each `/*` used to scan to the end of the file for its `*/`."""
    _write(tmp_path, "named.conf", "options { };\n" + "/* open\n" * 50_000)
    (finding,) = run(tmp_path).findings
    assert (finding.rule, finding.location.line, finding.location.column) == ("PL001", 2, 1)
    assert finding.message == "named.conf syntax error: unclosed comment"


def test_named_conf_acls_that_fan_out(tmp_path) -> None:
    """acl a0 { a1; a1; a1; } ... forty levels: 3**40 expansions without memoising."""
    depth = 40
    acls = "".join(f"acl a{i} {{ a{i + 1}; a{i + 1}; a{i + 1}; }};\n" for i in range(depth))
    text = acls + f"acl a{depth} {{ 10.0.0.1; }};\noptions {{ listen-on {{ a0; }}; }};\n"
    _write(tmp_path, "named.conf", text)
    addresses = {str(b.address) for b in run(tmp_path).model.bindings if b.location.line > depth}
    assert addresses == {"10.0.0.1", "::"}


def test_dovecot_line_of_three_hundred_thousand_quoted_strings(tmp_path) -> None:
    """The statement used to grow by one piece at a time: a copy per quoted string."""
    text = "service imap-login {\n  x = " + '"a"' * 300_000 + "\n  inet_listener imap {\n"
    _write(tmp_path, "dovecot/dovecot.conf", text + "    port = 1143\n  }\n}\n")
    (binding, _) = run(tmp_path).model.bindings
    assert (binding.port, binding.location.line, binding.location.column) == (1143, 4, 12)
