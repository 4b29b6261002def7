"""Hover on a port: what is registered there, its ranges, and who else in the workspace
binds it — `portlint port N` and `portlint ports` for the one value under the cursor."""

from __future__ import annotations

import re

from portlint.model import Binding, Model
from portlint.options import Policy

_NUMBER = re.compile(r"\d+")
MAX_OTHERS = 12


def binding_at(model: Model, path: str, line: int, column: int) -> Binding | None:
    """The binding whose port value covers the 1-based (line, column) in `path`."""
    best: Binding | None = None
    for b in model.bindings:
        loc = b.location
        if loc.path != path or loc.line != line or not loc.column <= column <= loc.end_column:
            continue
        if best is None or (loc.end_column - loc.column) < (
            best.location.end_column - best.location.column
        ):
            best = b
    return best


def port_at(line_text: str, column: int) -> int | None:
    """The number under a 1-based column, when it is a port (1-65535)."""
    for match in _NUMBER.finditer(line_text):
        if match.start() + 1 <= column <= match.end() + 1:
            value = int(match.group())
            return value if 0 < value <= 65535 else None
    return None


def hover_text(
    model: Model, path: str, line: int, column: int, line_text: str, policy: Policy
) -> str | None:
    """Markdown for the port at the position, or None when there is no port there."""
    from portlint.commands.port import describe

    binding = binding_at(model, path, line, column)
    port = binding.port if binding is not None else port_at(line_text, column)
    if port is None:
        return None
    protocols = [binding.protocol.value] if binding is not None else ["tcp", "udp"]
    info = describe(port, protocols, policy)
    title = f"**{port}/{protocols[0]}**" if len(protocols) == 1 else f"**port {port}**"
    if binding is not None:
        title += f" — {binding.role.value} by `{binding.owner}`"
    lines = [title, ""]
    if info["iana"]:
        registered = ", ".join(
            f"{e['service'] or '(reserved)'} ({e['description']})"
            if e["description"]
            else (e["service"] or "(reserved)")
            for e in _unique(info["iana"])
        )
        lines.append(f"IANA: {registered}")
    else:
        lines.append("IANA: unassigned")
    if info["known"]:
        known = ", ".join(
            s["title"] + (" (sensitive)" if s["sensitive"] else "") for s in _unique(info["known"])
        )
        lines.append(f"\nCommonly deployed: {known}")
    lines.append(f"\nRanges: {'; '.join(info['ranges'])}")
    others = [
        b
        for b in model.bindings
        if b.port <= port <= max(b.port, b.end_port)
        and (binding is None or b.owner != binding.owner)
    ]
    if others:
        lines.append("\nAlso in this workspace:")
        for b in others[:MAX_OTHERS]:
            loc = b.location
            lines.append(
                f"- {b.role.value} {b.port_text()} by `{b.owner}` in {b.namespace} "
                f"({loc.path}:{loc.line})"
            )
        if len(others) > MAX_OTHERS:
            lines.append(f"- and {len(others) - MAX_OTHERS} more")
    return "\n".join(lines)


def _unique(entries: list[dict]) -> list[dict]:
    """Entries without the repeats that one name registered for tcp and udp gives."""
    seen: set[tuple] = set()
    kept = []
    for entry in entries:
        key = (entry.get("service") or entry.get("title"), entry.get("description", ""))
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept
