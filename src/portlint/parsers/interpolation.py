"""Compose variable interpolation in the values portlint reads (ports, image, replicas).

`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?msg}`, `${VAR?msg}`,
`${VAR:+alt}`, `${VAR+alt}`, nested defaults, and `$$` for a literal `$`. Values come from
the project's `.env` file (and the shell only with --env-from-shell): a linter's result
must not depend on the machine it runs on. A variable with no value is reported, never
guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from portlint.records import Record, field

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Interpolated(Record):
    value: str
    missing: list[str] = field(default_factory=list)  # variables with no value
    errors: list[str] = field(default_factory=list)  # ${VAR:?msg} that fired, bad syntax
    used: list[str] = field(default_factory=list)  # variables that gave the value


def interpolate(text: str, env: Mapping[str, str]) -> Interpolated:
    """`text` with its variables expanded.

    Linear in the text: the braces are matched once, in one pass, and nested defaults are
    expanded from a work stack into one output list (`${V:-${V:-...}}` nested hundreds
    deep around a large value is neither re-scanned nor copied at each level, and deep
    nesting cannot exhaust Python's recursion limit)."""
    result = Interpolated(text)
    if "$" not in text:
        return result
    closing = _matching_braces(text) if "${" in text else {}
    out: list[str] = []
    stack = [(0, len(text))]
    while stack:
        index, end = stack.pop()
        while index < end:
            dollar = text.find("$", index, end)
            if dollar < 0:
                out.append(text[index:end])
                break
            out.append(text[index:dollar])
            following = text[dollar + 1] if dollar + 1 < end else ""
            if following == "$":
                out.append("$")
                index = dollar + 2
            elif following == "{":
                close = closing.get(dollar + 1, -1)
                if close < 0:
                    # Only possible outside every brace pair: the value stays as written.
                    result.errors.append(f"unclosed '${{' in {_excerpt(text)!r}")
                    return result
                argument = _braced(text, dollar + 2, close, env, result, out)
                if argument is not None:
                    stack.append((close + 1, end))
                    stack.append((argument, close))
                    break
                index = close + 1
            else:
                match = _NAME.match(text, dollar + 1, end)
                if not match:
                    out.append("$")
                    index = dollar + 1
                    continue
                out.append(_lookup(match.group(), env, result))
                index = match.end()
    result.value = "".join(out)
    return result


def _matching_braces(text: str) -> dict[int, int]:
    """Index of each `{` -> index of the `}` that closes it (unclosed ones are absent)."""
    found: dict[int, int] = {}
    open_at: list[int] = []
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            open_at.append(match.start())
        elif open_at:
            found[open_at.pop()] = match.start()
    return found


_BRACE = re.compile(r"[{}]")


def _excerpt(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _braced(
    text: str,
    start: int,
    close: int,
    env: Mapping[str, str],
    result: Interpolated,
    out: list[str],
) -> int | None:
    """Expand `${...}` whose inside is text[start:close]: a value goes to `out`; returns
    where the argument to expand next starts (`${V:-default}` unset, `${V:+alt}` set), or
    None when nothing more is to be expanded."""
    match = _NAME.match(text, start, close)
    if not match:
        result.errors.append(f"invalid variable reference ${{{_excerpt(text[start:close])}}}")
        return None
    name, rest_at = match.group(), match.end()
    if rest_at == close:
        out.append(_lookup(name, env, result))
        return None
    for operator in (":-", ":?", ":+", "-", "?", "+"):
        if text.startswith(operator, rest_at, close):
            argument = rest_at + len(operator)
            break
    else:
        result.errors.append(f"invalid variable reference ${{{_excerpt(text[start:close])}}}")
        return None
    value = env.get(name)
    unset_or_empty = value is None or (operator.startswith(":") and value == "")
    if operator in (":-", "-"):
        if unset_or_empty:
            return argument
        result.used.append(name)
        out.append(value)  # type: ignore[arg-type]
        return None
    if operator in (":?", "?"):
        if unset_or_empty:
            result.missing.append(name)
            if argument < close:
                result.errors.append(f"{name}: {_excerpt(text[argument:close], 200)}")
            return None
        result.used.append(name)
        out.append(value)  # type: ignore[arg-type]
        return None
    # :+ / + : the alternative when set
    if unset_or_empty:
        return None
    result.used.append(name)
    return argument


def _lookup(name: str, env: Mapping[str, str], result: Interpolated) -> str:
    value = env.get(name)
    if value is None:
        result.missing.append(name)
        return ""
    result.used.append(name)
    return value
