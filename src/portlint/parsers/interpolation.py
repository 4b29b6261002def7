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

from portlint.records import Record

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Interpolated(Record):
    value: str
    missing: list[str]  # variables with no value
    errors: list[str]  # ${VAR:?msg} that fired, bad syntax
    used: list[str]  # variables that gave the value

    __slots__ = ("value", "missing", "errors", "used")

    def __init__(
        self,
        value: str,
        missing: list[str] | None = None,
        errors: list[str] | None = None,
        used: list[str] | None = None,
    ) -> None:
        self.value = value
        self.missing = [] if missing is None else missing
        self.errors = [] if errors is None else errors
        self.used = [] if used is None else used


def interpolate(text: str, env: Mapping[str, str]) -> Interpolated:
    result = Interpolated("")
    result.value = _expand(text, env, result)
    return result


def _expand(text: str, env: Mapping[str, str], result: Interpolated) -> str:
    if "$" not in text:
        return text
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char != "$":
            out.append(char)
            i += 1
            continue
        nxt = text[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "{":
            end = _closing_brace(text, i + 2)
            if end < 0:
                result.errors.append(f"unclosed '${{' in {text!r}")
                return text
            out.append(_braced(text[i + 2 : end], env, result))
            i = end + 1
        else:
            match = _NAME.match(text, i + 1)
            if not match:
                out.append("$")
                i += 1
                continue
            out.append(_lookup(match.group(), env, result))
            i = match.end()
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _braced(inner: str, env: Mapping[str, str], result: Interpolated) -> str:
    match = _NAME.match(inner)
    if not match:
        result.errors.append(f"invalid variable reference ${{{inner}}}")
        return ""
    name, rest = match.group(), inner[match.end() :]
    if not rest:
        return _lookup(name, env, result)
    for operator in (":-", ":?", ":+", "-", "?", "+"):
        if rest.startswith(operator):
            argument = rest[len(operator) :]
            break
    else:
        result.errors.append(f"invalid variable reference ${{{inner}}}")
        return ""
    value = env.get(name)
    unset_or_empty = value is None or (operator.startswith(":") and value == "")
    if operator in (":-", "-"):
        if unset_or_empty:
            return _expand(argument, env, result)
        result.used.append(name)
        return value  # type: ignore[return-value]
    if operator in (":?", "?"):
        if unset_or_empty:
            result.missing.append(name)
            if argument:
                result.errors.append(f"{name}: {argument}")
            return ""
        result.used.append(name)
        return value  # type: ignore[return-value]
    # :+ / + : the alternative when set
    if unset_or_empty:
        return ""
    result.used.append(name)
    return _expand(argument, env, result)


def _lookup(name: str, env: Mapping[str, str], result: Interpolated) -> str:
    value = env.get(name)
    if value is None:
        result.missing.append(name)
        return ""
    result.used.append(name)
    return value
