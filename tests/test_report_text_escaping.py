"""Text output escapes control characters from file names and contents in every line: a
name holding `\\n::error file=...` must not become a GitHub workflow command in a CI log,
and a raw ESC in a config must not reach the terminal."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from portlint.options import Options
from portlint.report import render
from portlint.report.text import escape


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def test_escape_writes_controls_as_visible_escapes():
    assert escape("a\nb\rc\td\x1b[2Je\x85f\u2028g\x7f") == (
        "a\\nb\\rc\\td\\x1b[2Je\\x85f\\u2028g\\x7f"
    )
    assert escape("a\u202eb\u2066c") == "a\\u202eb\\u2066c"
    assert escape("plain ünïcode: ok") == "plain ünïcode: ok"


def test_a_file_name_with_a_newline_cannot_start_a_workflow_command(tmp_path):
    bad = "x\n::error file=evil.yaml,line=1::pwned"
    write(tmp_path, f"{bad}/compose.yaml", "services:\n  w:\n    ports: ['0:80']\n")
    output = render("text", run(tmp_path), Options())
    lines = output.splitlines()
    assert not any(line.startswith("::") for line in lines)
    assert lines[0].endswith(
        "x\\n::error file=evil.yaml,line=1::pwned/compose.yaml:3:14: PL002 [error] host port 0 "
        "is not a fixed port (0 asks the OS for any free port) in '0:80'"
    )


def test_code_frames_escape_control_characters_and_keep_the_caret_under_the_value(tmp_path):
    write(tmp_path, "nginx/nginx.conf", "http {\n server {\n  listen 0; # \x1b[2J\x07\n }\n}\n")
    output = render("text", run(tmp_path), Options(), color=True)
    assert "\x07" not in output and "\x1b[2J" not in output
    frame = [line for line in output.splitlines() if " | " in line]
    assert frame[0].endswith("listen 0; # \\x1b[2J\\x07")
    assert frame[1].endswith("|          \x1b[31m^\x1b[0m")


def test_suppression_notices_escape_the_path(tmp_path):
    from portlint.source import Location
    from portlint.suppress import Notice

    notice = Notice(Location.point("a\n::error::x/compose.yaml", 2, 5), "unknown rule 'PL9'")
    assert notice.text() == "a\\n::error::x/compose.yaml:2:5: unknown rule 'PL9'"
