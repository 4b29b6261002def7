"""Errors that end a run with exit 2, and the one way their messages quote a file.

Here, not in `config` or `cli`, so that config, policy, baseline and the commands can
raise them without importing each other.
"""

from __future__ import annotations

from typing import Any


class ConfigError(Exception):
    """A usage or configuration error (exit 2)."""


class UsageError(Exception):
    """Bad arguments; printed as one line, exit 2."""


#: The most characters of a file's contents a message quotes.
EXCERPT_CHARS = 40


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """`repr(value)` as a short, single-line excerpt: a message about a hostile file
    (`policy: /etc/passwd`) must never print its contents."""
    return one_line(repr(value), limit)


def one_line(text: str, limit: int) -> str:
    """Text with control characters escaped, cut to `limit` characters."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def excerpt_key(part: object) -> str:
    """A key of a file's data as a message names it (`hosts.0.paths`), bounded."""
    text = str(part)
    return text if len(text) <= EXCERPT_CHARS and text.isprintable() else excerpt(text)


def short_message(error: Any) -> str:
    """A jsonschema error's message with the offending value cut to an excerpt: its
    messages quote the whole instance (`'root:x:0:0:...' is not of type 'object'`)."""
    message = str(error.message)
    whole = repr(error.instance)
    if len(whole) > EXCERPT_CHARS and whole in message:
        message = message.replace(whole, excerpt(error.instance))
    return one_line(message, 200)
