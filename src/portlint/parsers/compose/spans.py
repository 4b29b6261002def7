"""Where a YAML scalar's value sits in its file's text: the one quote-aware check that a
finding may point inside the value (at the host port of `"8080:80"`, at one word of a
`command`) rather than at the whole scalar."""

from __future__ import annotations

from portlint.source import SourceFile
from portlint.yamlnodes import ScalarNode


def verbatim_start(source: SourceFile, node: ScalarNode) -> int | None:
    """The offset of the value inside the scalar's written text (1 after an opening quote)
    when the text holds the value character for character; None when escapes, folding or
    a block style make them differ, so offsets into the value would point elsewhere."""
    raw = source.text[node.start_mark.index : node.end_mark.index]
    quote = 1 if node.style in ('"', "'") else 0
    return quote if raw[quote : quote + len(node.value)] == node.value else None
