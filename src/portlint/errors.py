"""Errors that end a run with exit 2, and the one way their messages quote a file.

Here, not in `config` or `cli`, so that config, policy, baseline and the commands can
raise them without importing each other.
"""

from __future__ import annotations


class ConfigError(Exception):
    """A usage or configuration error (exit 2)."""


class UsageError(Exception):
    """Bad arguments; printed as one line, exit 2."""


#: The most characters of a file's contents a message quotes.
EXCERPT_CHARS = 40


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """`repr(value)` as a short, single-line excerpt: a message about a hostile file
    (`policy: /etc/passwd`) must never print its contents."""
    text = repr(value)
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    if len(text) <= limit:
        return text
    return text[: limit - 3] + "..."
