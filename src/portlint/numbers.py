"""The one parser for port numbers and other counts read from untrusted text, and the one
way a PL002 message may quote a value that is not a port.

Why one module: `str.isdigit()` accepts `²` and other Unicode digits that `int()` then
rejects or reads differently, and `int()` on thousands of digits raises (Python's
integer-string limit) where a parser expected a number. Every parser reads numbers here:
ASCII digits only, at most `MAX_DIGITS` of them.

What a message may quote (`quote_value`): a value written where a port belongs is often a
secret put in the wrong place (`port = 'postgresql://u:pw@h/db'`, `containerPort:
hunter2`, `server.port=${X:pw}`). A message quotes the value only when it is short and
cannot be a secret:

- number-like text: at most 60 characters of ASCII digits and `.` `_` `+` `-` `:` `[`
  `]`, with at least one digit, and an optional `/` and up to 5 letters (`'80.5'`, `'-1'`,
  `'127.0.0.1:8080:80/tcp'`);
- a bare variable reference with no default: `${NAME}`, `$NAME`;
- a URL, as `scheme://host[:port]` only: user info, path, query and fragment dropped.

A protocol is shown when it is at most 5 ASCII letters (`'tpc'`). Anything else is
described, never echoed: "is not a number".
"""

from __future__ import annotations

import re

#: More digits than any port or count needs; longer runs are "not a number".
MAX_DIGITS = 10
MAX_PORT = 65535

_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_NUMBER_LIKE = re.compile(r"(?=[^0-9]*[0-9])[0-9._+-]{1,20}")
_MAPPING_LIKE = re.compile(r"(?=[^0-9]*[0-9])[0-9.:\[\]_+-]{1,60}(?:/[A-Za-z]{0,5})?")
_VARIABLE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_.]{0,40}\}|\$[A-Za-z_][A-Za-z0-9_]{0,40}")
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]{0,15})://(?:[^/?#@\s]*@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9._-]{1,63})(?P<port>:[^/?#\s]{0,20})?"
)


def parse_int(text: str) -> int | None:
    """A non-negative decimal integer written with ASCII digits only (surrounding
    whitespace allowed), or None: no sign, no `_`, no Unicode digits, at most
    MAX_DIGITS digits."""
    text = text.strip()
    found = _SEEN.get(text)
    if found is not None:
        return found
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    if len(_SEEN) < _SEEN_LIMIT:
        _SEEN[text] = value
    return value


#: Numbers read before, by their text: the same few ports are written thousands of times,
#: and one int object each (28 bytes above 256) is shared by every binding holding it.
_SEEN: dict[str, int] = {}
_SEEN_LIMIT = 65536


def parse_port(text: str) -> int | None:
    """A decimal port 1-65535, or None (not a number, or out of range)."""
    value = parse_int(text)
    return value if value is not None and 1 <= value <= MAX_PORT else None


def is_digits(text: str) -> bool:
    """Whether text (stripped) is a run of ASCII digits of any length: a number that may
    be too long to read, for messages that say "out of range" rather than "not a number"."""
    text = text.strip()
    return bool(text) and text.isascii() and text.isdigit()


def shown(text: str) -> str | None:
    """The form of `text` a message may show, unquoted (see the module docstring), or
    None: the caller then describes the value instead of echoing it."""
    text = text.strip()
    if _MAPPING_LIKE.fullmatch(text) or _VARIABLE.fullmatch(text):
        return text
    url = _URL.match(text)
    if url:
        port = url.group("port") or ""
        if port and not _NUMBER_LIKE.fullmatch(port[1:]) and not _VARIABLE.fullmatch(port[1:]):
            port = ":…"
        rest = "/…" if len(text) > url.end() else ""
        return f"{url.group('scheme')}://{url.group('host')}{port}{rest}"
    return None


def quote_value(text: str) -> str | None:
    """`shown(text)` quoted, or None."""
    safe = shown(text)
    return None if safe is None else repr(safe)


def label(name: str, text: str) -> str:
    """`"<name> <value>"` when the value may be shown, else just the name (`EXPOSE 80`,
    `EXPOSE`)."""
    safe = shown(text)
    return name if safe is None else f"{name} {safe}"


def mention(text: str) -> str:
    """`" '<value>'"` to follow a label in a message when the value may be shown, else ""."""
    quoted = quote_value(text)
    return f" {quoted}" if quoted is not None else ""


_PROTOCOL_WORD = re.compile(r"[A-Za-z]{1,5}")


def mention_protocol(text: str) -> str:
    """`" '<word>'"` for a mistyped protocol (`tpc`, `http`): up to 5 ASCII letters are
    shown; anything longer cannot be a protocol name and is not."""
    return f" {text!r}" if _PROTOCOL_WORD.fullmatch(text) else ""


def not_a_number(text: str, what: str = "") -> str:
    """`'<value>' is not a port number`, or `<what> is not a number` when the value must
    not be echoed."""
    quoted = quote_value(text)
    if quoted is not None:
        return f"{quoted} is not a port number"
    return f"{what or 'the value'} is not a number"


def port_problem(text: str, what: str = "") -> str:
    """Why `text` is not a valid port, for PL002 messages (`what` names the field, for the
    case where the value is not shown)."""
    if is_digits(text):
        value = parse_int(text)
        if value == 0:
            return "port 0 asks the OS for any free port; peers cannot reach a fixed 0"
        if value is None:
            return f"port of {len(text.strip())} digits is outside 1-65535"
        return f"port {value} is outside 1-65535"
    return not_a_number(text, what)
