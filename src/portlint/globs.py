"""The one glob dialect of a configuration file: `exclude:`, `hosts:` and `clusters:`
(and anything later) match paths with these functions, so one pattern means one thing.

The dialect is gitignore's, as ruff's `exclude` uses it:

- A pattern is matched against a file's path relative to the configuration file's
  directory, with forward slashes. Files outside that directory match no pattern.
- A leading `/` anchors the pattern to that directory; so does a `/` inside it
  (`deploy/*.yaml` is `/deploy/*.yaml`). A pattern without a `/` (`*.env`, `vendor`)
  matches at any depth.
- `*` matches any characters but `/`, `?` one character but `/`, `[abc]`/`[!abc]` one
  character of (or not of) a set; `\\` quotes the next character.
- `**` matches any number of directories: `**/x` is x at any depth, `a/**/b` is b
  anywhere below a, and `dir/**` matches everything below dir and dir itself.
- A pattern that matches a directory matches every file below it (`vendor` excludes
  `a/vendor/x.yaml`).

Matching is case-sensitive, as paths are on Linux.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """The regular expression a pattern stands for (matched against a whole relative path)."""
    text = pattern.rstrip("/") or "/"
    anchored = text.startswith("/") or "/" in text.strip("/")
    text = text.lstrip("/")
    parts: list[str] = ["" if anchored else "(?:.*/)?"]
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if text.startswith("**", index):
            before_ok = index == 0 or text[index - 1] == "/"
            after = index + 2
            if before_ok and text.startswith("/", after):
                parts.append("(?:.*/)?")  # `**/`: zero or more directories
                index = after + 1
                continue
            if before_ok and after == length and index > 0:
                parts.pop()  # `dir/**` is `dir`: itself and, as every match, all below
                index = after
                continue
            if before_ok and after == length:
                parts.append(".*")  # `**` alone: everything
                index = after
                continue
            parts.append("[^/]*")  # `a**b`: as `*`, as in gitignore
            index = after
        elif char == "*":
            parts.append("[^/]*")
            index += 1
        elif char == "?":
            parts.append("[^/]")
            index += 1
        elif char == "[" and (end := _class_end(text, index)) != -1:
            body = text[index + 1 : end]
            negate = body.startswith(("!", "^"))
            body = body[1:] if negate else body
            escaped = body.replace("\\", "\\\\").replace("^", "\\^")
            parts.append(("[^/" if negate else "[") + escaped + "]")
            index = end + 1
        elif char == "\\" and index + 1 < length:
            parts.append(re.escape(text[index + 1]))
            index += 2
        else:
            parts.append(re.escape(char))
            index += 1
    # A match on a directory covers every file below it.
    return re.compile("".join(parts) + "(?:/.*)?", re.DOTALL)


def _class_end(text: str, start: int) -> int:
    """Index of the `]` closing the set opened at `start`, or -1 (then `[` is literal)."""
    index = start + 1
    if index < len(text) and text[index] in "!^":
        index += 1
    if index < len(text) and text[index] == "]":
        index += 1  # `[]a]`: a leading ] is a member
    end = text.find("]", index)
    return -1 if end == -1 or "/" in text[start:end] else end


def glob_match(relative: str, pattern: str) -> bool:
    """Whether a relative path (forward slashes, see `relative_posix`) matches a pattern."""
    return compile_glob(pattern).fullmatch(relative) is not None


def matches_any(relative: str | None, patterns: list[str] | tuple[str, ...]) -> bool:
    """Whether the path matches one of the patterns (None, a path outside: never)."""
    return relative is not None and any(glob_match(relative, p) for p in patterns)


@lru_cache(maxsize=64)
def _directory_prefixes(base: str) -> tuple[str, str]:
    """The base as an absolute and as a real path, each ending in a separator."""
    absolute = os.path.abspath(base)
    real = os.path.realpath(absolute)
    return tuple(p if p.endswith(os.sep) else p + os.sep for p in (absolute, real))  # type: ignore[return-value]


def relative_posix(path: str | Path, base: str | Path) -> str | None:
    """`path` relative to the directory `base`, with forward slashes; None when it is
    not below it. Lexical first (a string prefix, no syscall: every file of a run is
    usually below the config's directory); through the real paths only when the path or
    the base was named through a symlink."""
    absolute = os.path.abspath(path)
    lexical, real = _directory_prefixes(str(base))
    if absolute.startswith(lexical):
        relative = absolute[len(lexical) :]
    else:
        resolved = os.path.realpath(absolute)
        if not resolved.startswith(real):
            return None
        relative = resolved[len(real) :]
    return relative.replace(os.sep, "/") if os.sep != "/" else relative
