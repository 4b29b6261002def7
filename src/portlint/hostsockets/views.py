"""`ports --live` and `port N --live`: the sockets on this machine as rows (JSON) and a
table, each with the service registered for its port and, when a tree was read, the
declared binding it is."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from portlint.hostsockets import HostSnapshot, Socket
from portlint.model import Binding


def run_ports_live(args: argparse.Namespace) -> int:
    from portlint.hostsockets.command import read_live

    host = read_live()
    bindings = None
    if args.paths:
        from portlint.commands.common import check_paths_exist, options_from_args
        from portlint.engine import check

        check_paths_exist(args.paths)
        options = options_from_args(args)
        options.enabled = set()
        bindings = check(args.paths, options, debug=args.debug).model.bindings
    rows = socket_rows(host, bindings)
    if args.format == "json":
        print(json.dumps({"version": 1, "origin": host.origin, "sockets": rows}, indent=2))
    else:
        sys.stdout.write(render_table(rows, host.origin, bindings is not None))
    return 0


def add_live_holders(info: dict[str, Any], port: int, protocols: list[str]) -> None:
    from portlint.hostsockets.command import read_live

    info["live"] = holding(read_live(), port, protocols)


def render_live_holders(info: dict[str, Any]) -> str:
    rows = info.get("live") or []
    if not rows:
        return "  on this machine now: free (no process listens on it)"
    lines = ["  on this machine now:"]
    for row in rows:
        who = row["process"] or "a process portlint may not inspect"
        pid = f" (pid {row['pid']})" if row["pid"] is not None else ""
        lines.append(f"    {_address_text(row)}:{row['port']}/{row['protocol']:<4} {who}{pid}")
    return "\n".join(lines)


# --- rows for `ports --live` and `port N --live` ------------------------------------------


def socket_rows(host: HostSnapshot, bindings: list[Binding] | None) -> list[dict[str, Any]]:
    """One row per socket: what holds it, the service registered for the port, and — when
    a tree was read — which declared binding it is."""
    from portlint.hostsockets.matching import BindingIndex, describe, host_bindings, runs

    index = BindingIndex(host_bindings(bindings)) if bindings is not None else None
    rows = []
    for s in host.sockets:
        row = _socket_row(s)
        if index is not None:
            meeting = index.meeting(s)
            mine = [b for b in meeting if runs(s, b)]
            row["declared_by"] = [_binding_ref(b, describe(b)) for b in mine]
            row["wanted_by"] = [_binding_ref(b, describe(b)) for b in meeting if b not in mine]
        rows.append(row)
    return rows


def _socket_row(s: Socket) -> dict[str, Any]:
    from portlint import registry

    protocol = s.protocol.value
    registered = [name for name, _ in registry.iana(s.port, protocol) if name]
    known = [k.title for k in registry.known(s.port, protocol) if not k.generic]
    return {
        "protocol": protocol,
        "address": None if s.address is None else str(s.address),
        "port": s.port,
        "v6only": s.v6only,
        "pid": s.pid,
        "process": s.process,
        "software": registry.identify(name=s.process) if s.process else None,
        "service": registered[0] if registered else None,
        "known": known,
        **({"line": s.location.line} if s.location else {}),
    }


def _binding_ref(b: Binding, label: str) -> dict[str, Any]:
    loc = b.location
    return {"label": label, "owner": b.owner, "format": b.format, "path": loc.path,
            "line": loc.line, "column": loc.column}  # fmt: skip


def holding(host: HostSnapshot, port: int, protocols: list[str]) -> list[dict[str, Any]]:
    """`port N --live`: the sockets on N now."""
    return [
        _socket_row(s) for s in host.sockets if s.port == port and s.protocol.value in protocols
    ]


_COLUMNS = ("PROTO", "ADDRESS", "PORT", "PID", "PROCESS", "SOFTWARE", "SERVICE")


def render_table(rows: list[dict[str, Any]], origin: str, with_tree: bool) -> str:
    if not rows:
        return f"no listening sockets on {origin}\n"
    header = [*_COLUMNS, "DECLARED"] if with_tree else list(_COLUMNS)
    cells = [header]
    for row in rows:
        address = _address_text(row)
        service = ", ".join([row["service"], *row["known"]] if row["service"] else row["known"])
        pid = "-" if row["pid"] is None else str(row["pid"])
        line = [row["protocol"], address, str(row["port"]), pid, row["process"] or "-",
                row["software"] or "-", service or "-"]  # fmt: skip
        if with_tree:
            line.append(_declared_text(row))
        cells.append(line)
    widths = [max(len(r[i]) for r in cells) for i in range(len(header) - 1)]
    out = [f"sockets listening on {origin} ({len(rows)})"]
    for line in cells:
        body = "  ".join(c.ljust(w) for c, w in zip(line[:-1], widths, strict=False))
        out.append(f"  {body}  {line[-1]}".rstrip())
    return "\n".join(out) + "\n"


def _address_text(row: dict[str, Any]) -> str:
    address = row["address"]
    if address is None:
        return "*"
    if ":" in address:
        return "*" if address == "::" and row["v6only"] is False else f"[{address}]"
    return address


def _declared_text(row: dict[str, Any]) -> str:
    if row["declared_by"]:
        ref = row["declared_by"][0]
        return f"declared by {ref['label']} ({ref['path']}:{ref['line']})"
    if row["wanted_by"]:
        ref = row["wanted_by"][0]
        return f"not declared; {ref['label']} wants it ({ref['path']}:{ref['line']}): PL105"
    return "not declared anywhere in the tree"
