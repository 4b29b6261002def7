"""Rendered manifest streams: `helm template` output cut at its `# Source:` comments.

Helm writes every rendered document as `---` then `# Source: <chart>/templates/x.yaml`;
the documents of one template are one virtual file, named after that template, so
findings are reported against the file a user edits, not against `<stdin>`.
"""

from __future__ import annotations

import re

_SOURCE = re.compile(r"^# Source: (\S.*?)\s*$", re.MULTILINE)
_SEPARATOR = re.compile(r"^---\s*$", re.MULTILINE)
#: Helm's own document separator (releaseutil.SplitManifests): `---` at a line start,
#: even when whitespace chomping glued a comment to it (`---# Source`).
_HELM_SPLIT = re.compile(r"(?:^|\s*\n)---\s*")


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
        for document in _HELM_SPLIT.split(manifests[path]):
            if document.strip():
                body = document.strip("\n")
                parts.append(f"---\n# Source: {path}\n{body}\n")
    return "".join(parts)
