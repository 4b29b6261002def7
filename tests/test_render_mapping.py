"""Rendered output mapped back without a scan per line: Helm's document cut written out
(stream.helm_documents) and the line matching by index (mapping.match_lines) find what
the plain versions they replace found, on generated texts."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from portlint.render.mapping import _key, bare, match_lines
from portlint.render.stream import helm_documents
from portlint.source import SourceFile

HELM_SPLIT = re.compile(r"(?:^|\s*\n)---\s*")  # Helm's releaseutil.SplitManifests


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["-", "---", "\n", "\n---", " ", "\t", "\xa0", "a", "#"])))
def test_helm_documents_cuts_where_helms_pattern_does(pieces):
    text = "".join(pieces)
    assert helm_documents(text) == HELM_SPLIT.split(text)


def _scanned(rendered: str, origin: SourceFile) -> list[tuple[int] | None]:
    """match_lines as it was: each rendered line looked for line by line."""
    lines = origin.text.splitlines()
    stripped = [bare(line) for line in lines]
    keys = [_key(line) for line in lines]

    def find(values, wanted, start, wrap=True):
        for index in [*range(start, len(values)), *(range(0, start) if wrap else ())]:
            if values[index] == wanted:
                return index
        return None

    result: list[tuple[int] | None] = []
    cursor = 0
    for line in rendered.splitlines():
        text = bare(line)
        if not text or text == "---" or text.startswith("#"):
            result.append(None)
            continue
        found = find(stripped, text, cursor)
        if found is None:
            key = _key(line)
            found = find(keys, key, cursor, wrap=False) if key else None
        if found is None:
            found = cursor
        else:
            cursor = found
        result.append((found + 1,))
    return result


LINES = ["a: 1", "- a: 1", "  b: 2", "b: {{ .x }}", "c:", "---", "# c", "", "- d", "a: 2"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12), st.lists(st.sampled_from(LINES)))
def test_match_lines_finds_the_lines_the_line_by_line_search_found(template, rendered):
    origin = SourceFile(Path("t.yaml"), "t.yaml", "\n".join(template))
    text = "\n".join(rendered)
    found = [None if o is None else (o.line,) for o in match_lines(text, origin)]
    assert found == _scanned(text, origin)
