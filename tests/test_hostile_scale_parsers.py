"""Small inputs that were quadratic, on sizes where quadratic work takes minutes (linear
work: a second or two). No timing here: the figures live in
benchmarks/hostile_scale_parsers.py; a regression shows as a test that does not finish."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from portlint.parsers.dotenv import parse_dotenv
from portlint.parsers.interpolation import interpolate


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_nginx_with_sixty_thousand_listen_lines(tmp_path):
    # 40k lines took 66 s: each listen re-split the whole file to find its line.
    n = 60_000
    listens = "".join(f"  listen 127.0.{i // 250}.{1 + i % 250}:8080;\n" for i in range(n))
    write(tmp_path, "nginx/nginx.conf", f"http {{\n server {{\n{listens} }}\n}}\n")
    report = run(tmp_path)
    assert report.bindings == n
    last = report.model.bindings[-1]
    assert (last.location.line, last.location.column, last.location.end_column) == (n + 2, 24, 28)


def test_sixty_thousand_disable_next_line_comments(tmp_path):
    # 20k took 23 s: each comment scanned every following comment for the next code line.
    n = 60_000
    comments = "    # portlint: disable-next-line=PL002\n" * n
    write(tmp_path, "app/compose.yaml", f"services:\n  w:\n    ports:\n{comments}      - '0:80'\n")
    report = run(tmp_path)
    assert report.findings == []
    assert all(s.first_line == n + 4 for s in report.suppressions)


def test_an_unclosed_quote_before_a_hundred_thousand_lines():
    # 20k lines took 12 s: the value grown so far was re-scanned after every line.
    n = 100_000
    values = parse_dotenv("A='unclosed\n" + "".join(f"V{i}=x\n" for i in range(n)))
    assert list(values) == ["A"]
    assert values["A"].value.count("\n") == n


def test_a_long_run_of_spaces_in_a_dotenv_value():
    # `\s+#` and `(.*?)\s*$` backtracked over every space: minutes for 200k spaces.
    values = parse_dotenv("A=x" + " " * 200_000 + "y # comment\nB=2\n")
    assert values["A"].value == "x" + " " * 200_000 + "y"
    assert values["B"].value == "2"


def test_defaults_nested_480_deep_around_a_megabyte():
    # 29 s and 1.4 GB: every level re-scanned and copied the text inside it.
    depth, body = 480, "8" * 1_000_000
    result = interpolate("${V:-" * depth + body + "}" * depth + ":80", {})
    assert result.value == body + ":80"
    assert result.errors == [] and result.missing == []


def test_defaults_nested_deeper_than_the_recursion_limit():
    depth = 50_000
    result = interpolate("${V:-" * depth + "8080" + "}" * depth, {"W": "1"})
    assert result.value == "8080"
