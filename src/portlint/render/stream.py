"""Rendered manifest streams: `helm template` output cut at its `# Source:` comments.

Helm writes every rendered document as `---` then `# Source: <chart>/templates/x.yaml`;
the documents of one template are one virtual file, named after that template, so
findings are reported against the file a user edits, not against `<stdin>`.
"""

from __future__ import annotations

import re

_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.MULTILINE)
_SEPARATOR = re.compile(r"^---\s*$", re.MULTILINE)


def has_sources(text: str) -> bool:
    return _SOURCE.search(text) is not None


def split_sources(text: str) -> dict[str, str]:
    """Template path -> its rendered documents, in stream order (each template once)."""
    chunks: dict[str, list[str]] = {}
    matches = list(_SOURCE.finditer(text))
    for index, match in enumerate(matches):
        start = match.end() + 1
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[start:end]
        # The next document's `---` belongs to the next chunk.
        separators = list(_SEPARATOR.finditer(body))
        if separators and not body[separators[-1].end() :].strip():
            body = body[: separators[-1].start()]
        chunks.setdefault(match.group(1), []).append(body)
    return {path: "---\n".join(parts) for path, parts in chunks.items()}


def join_sources(manifests: dict[str, str]) -> str:
    """What `helm template` prints for the SDK's template -> manifest mapping: notes and
    templates that render to nothing are left out, as Helm does."""
    parts = []
    for path in sorted(manifests):
        if path.endswith("NOTES.txt"):
            continue
        for document in helm_documents(manifests[path]):
            if document.strip():
                body = document.strip("\n")
                parts.append(f"---\n# Source: {path}\n{body}\n")
    return "".join(parts)


def helm_documents(text: str) -> list[str]:
    r"""`text` cut as Helm's releaseutil.SplitManifests cuts it, `re.split` by
    `(?:^|\s*\n)---\s*`: at `---` at the text's start or after a newline (even when
    whitespace chomping glued a comment to it, `---# Source`), the whitespace before it
    since the last cut and after it going with it. Written out because that pattern tries
    `\s*\n` at every character: 50 ms for one chart's 1 MB of CRDs, 1 ms this way."""
    parts: list[str] = []
    done = 0  # where the last cut ended
    at = text.find("---")
    while at != -1:
        if at == 0:
            start = 0
        elif at > done and text[at - 1] == "\n":
            start = at - 1
            while start > done and text[start - 1].isspace():  # `\s` is str.isspace
                start -= 1
        else:
            at = text.find("---", at + 1)
            continue
        end = at + 3
        while end < len(text) and text[end].isspace():
            end += 1
        parts.append(text[done:start])
        done = end
        at = text.find("---", end)
    parts.append(text[done:])
    return parts
