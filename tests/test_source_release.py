"""A file's text is let go once it is parsed (SourceFile.release) and read again only where
something needs it: snippets, fixes and directives stay right, a file changed or removed
since the parse costs its snippet, never a crash or another text's lines, and text that
was never on disk (stdin) is kept."""

from __future__ import annotations

import pickle
from pathlib import Path

from portlint.config import build_options
from portlint.engine import check
from portlint.report import render
from portlint.source import SourceFile, read_source

COMPOSE = """\
services:
  web:
    image: nginx
    ports:
      - "8080:80"
  api:
    image: httpd
    ports:
      - "8080:80"
"""


def _tree(tmp_path: Path, text: str = COMPOSE) -> Path:
    (tmp_path / "app").mkdir()
    compose = tmp_path / "app" / "compose.yaml"
    compose.write_text(text)
    return compose


def _check(paths: list[str], stdin: str | None = None, stdin_filename: str | None = None):
    """The report, not yet rendered (rendering reads snippets)."""
    return check(paths, build_options({}, None), stdin_text=stdin, stdin_filename=stdin_filename)


def _text(report) -> str:
    return render("text", report, build_options({}, None))


def test_snippet_of_a_released_file_is_read_again_and_right(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path)
    report = _check(["app"])
    source = report.sources["app/compose.yaml"]
    assert source._text is None  # released after parsing
    collisions = [(f.rule, f.location.line, f.location.column) for f in report.findings]
    assert ("PL101", 9, 10) in collisions
    text = _text(report)
    assert '    9 |       - "8080:80"' in text
    assert "app/compose.yaml:9:10: PL101" in text


def test_a_file_edited_after_the_parse_loses_its_snippet_not_the_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    compose = _tree(tmp_path)
    report = _check(["app"])
    compose.write_text(COMPOSE.replace("nginx", "caddy"))  # same length, other text
    text = _text(report)
    assert "app/compose.yaml:9:10: PL101" in text
    assert "8080:80" not in text.split("app/compose.yaml:9:10:")[1].split("\n")[1]
    assert report.sources["app/compose.yaml"].text == ""


def test_a_file_swapped_for_a_symlink_out_of_the_roots_is_not_read_again(tmp_path, monkeypatch):
    """The same text outside the scanned root (so the length and CRC-32 match): the read
    again keeps to the roots as the first read did, and the snippet is lost, not shown."""
    monkeypatch.chdir(tmp_path)
    compose = _tree(tmp_path)
    outside = tmp_path / "outside.yaml"
    outside.write_text(COMPOSE)
    report = _check(["app"])
    compose.unlink()
    compose.symlink_to(outside)
    text = _text(report)
    assert "app/compose.yaml:9:10: PL101" in text
    assert "8080:80" not in text and "|" not in text
    assert report.sources["app/compose.yaml"].text == ""


def test_a_symlink_inside_the_roots_is_read_again(tmp_path, monkeypatch):
    """A file that is a symlink to another file in the roots keeps its snippet."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "real.yaml").write_text(COMPOSE)
    (tmp_path / "app" / "compose.yaml").symlink_to("real.yaml")
    report = _check(["app"])
    source = report.sources["app/compose.yaml"]
    assert source._text is None
    assert '    9 |       - "8080:80"' in _text(report)


def test_a_file_removed_after_the_parse_does_not_crash_the_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    compose = _tree(tmp_path)
    report = _check(["app"])
    compose.unlink()
    text = _text(report)
    sarif = render("sarif", report, build_options({}, None))
    assert "app/compose.yaml:9:10: PL101" in text and "|" not in text
    assert '"ruleId": "PL101"' in sarif


def test_stdin_text_is_kept_and_its_snippet_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "services: {}\n")  # on disk: nothing like what stdin holds
    report = _check(["-"], stdin=COMPOSE, stdin_filename="app/compose.yaml")
    assert report.sources["app/compose.yaml"]._text == COMPOSE  # never released
    assert '    9 |       - "8080:80"' in _text(report)
    report = _check(["-"], stdin=COMPOSE)
    assert report.sources["<stdin>"]._text == COMPOSE
    assert '    9 |       - "8080:80"' in _text(report)


def test_a_directive_in_a_released_file_still_suppresses(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, COMPOSE.replace('- "8080:80"\n', '- "8080:80"  # portlint: disable=PL101\n'))
    report = _check(["app"])
    assert report.sources["app/compose.yaml"]._stamp  # released, then read for its directives
    assert not [f for f in report.findings if f.rule == "PL101"]
    assert {s.rules for s in report.suppressions} == {frozenset({"PL101"})}


def test_release_keeps_what_the_text_said_and_pickles_released(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text("a: 1  # portlint: disable=PL101\nb: 2\n")
    source = read_source(path, "compose.yaml", 1 << 20)
    source.release()
    assert source._text is None and source.mentions_portlint
    copy = pickle.loads(pickle.dumps(source))
    assert copy._text is None  # no read to pickle it
    assert copy.line_text(2) == "b: 2" and copy.offset_to_position(7) == (1, 8)
    assert source.text == "a: 1  # portlint: disable=PL101\nb: 2\n"


def test_text_given_in_memory_is_never_released():
    source = SourceFile(Path("rendered.yaml"), "rendered.yaml", "a: 1\n")
    source.release()
    assert source._text == "a: 1\n" and not source.mentions_portlint
