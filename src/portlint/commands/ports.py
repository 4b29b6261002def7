"""`portlint ports PATHS`: the inventory of every binding, grouped by host or namespace,
with the service registered for each port — what listens where, before anything changes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import lru_cache
from typing import Any

from portlint.commands.common import (
    add_input_arguments,
    check_paths_exist,
    options_from_args,
    read_stdin_if_needed,
)
from portlint.model import Binding, Model

_ROLE_ORDER = ("listen", "publish", "host-port", "node-port", "service-port", "container", "expose")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    parser.add_argument("--format", choices=("table", "json", "html"), default="table")
    parser.add_argument(
        "--output", metavar="FILE", help="write to FILE (html: the self-contained port map)"
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="list the sockets listening on this machine now; with PATHS, say which "
        "declared binding each one is",
    )
    parser.add_argument(
        "--port", metavar="N|N-M", help="only bindings of this port or range (8080, 8000-8100)"
    )
    parser.add_argument(
        "--host",
        metavar="NAME",
        help="only bindings on this host group (`hosts:`) or cluster, or bound to this address",
    )
    parser.add_argument(
        "--collisions", action="store_true", help="only bindings in a collision (PL101)"
    )
    parser.set_defaults(paths=None)  # --live reads a tree only when PATHS are given


def run(args: argparse.Namespace) -> int:
    from portlint.engine import check

    if args.live:
        from portlint.hostsockets.views import run_ports_live

        return run_ports_live(args)
    args.paths = args.paths or ["."]
    check_paths_exist(args.paths)
    options = options_from_args(args)
    # The inventory needs the model, not the rules (the map marks collisions: PL101).
    options.enabled = {"PL101"} if args.format == "html" or args.collisions else set()
    stdin_text = read_stdin_if_needed(args.paths, args.stdin_filename)
    report = check(
        args.paths,
        options,
        stdin_text=stdin_text,
        debug=args.debug,
        stdin_filename=args.stdin_filename,
    )
    rows = filtered(inventory(report.model), args, report.findings)
    if args.format == "json":
        text = json.dumps({"version": 1, "bindings": rows, "files": report.files}, indent=2) + "\n"
    elif args.format == "html":
        from portlint.portmap import render

        text = render(rows, report.findings, report.files, args.output)
    else:
        text = render_table(rows, report.model.hosts)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    problems = len(report.model.diagnostics)
    if problems:
        print(
            f"portlint: {problems} problem(s) found while reading; run `portlint check` "
            "for details",
            file=sys.stderr,
        )
    return 0


def filtered(
    rows: list[dict[str, Any]], args: argparse.Namespace, findings
) -> list[dict[str, Any]]:
    """The rows `--port`, `--host` and `--collisions` keep (all of them without those)."""
    if getattr(args, "port", None):
        from portlint.commands.port import parse_span

        start, end = parse_span(args.port)
        rows = [r for r in rows if r["port"] <= end and start <= r["end_port"]]
    if getattr(args, "host", None):
        host = args.host
        rows = [
            r
            for r in rows
            if r["namespace"].partition(":")[2] == host
            or r["namespace"] == host
            or r["address"] == host
        ]
    if getattr(args, "collisions", False):
        places = {
            (loc.path, loc.line, loc.column)
            for f in findings
            if f.rule == "PL101"
            for loc in (f.location, *(r.location for r in f.related))
        }
        rows = [r for r in rows if (r["path"], r["line"], r["column"]) in places]
    return rows


_NAMESPACE_ORDER = ("host", "k8s-node", "k8s-nodeports", "service", "pod", "container")


def _sort_key(b: Binding) -> tuple:
    """Shared namespaces (hosts, nodes) first, then per-workload ones."""
    kind = b.namespace.kind
    rank = _NAMESPACE_ORDER.index(kind) if kind in _NAMESPACE_ORDER else 99
    role = _ROLE_ORDER.index(b.role.value) if b.role.value in _ROLE_ORDER else 99
    return (rank, b.namespace.key, b.port, b.protocol.value, role, b.location.path, b.location.line)


def inventory(model: Model) -> list[dict[str, Any]]:
    """One row per binding, sorted by namespace, port, protocol and role."""
    from portlint import registry

    rows = []
    for b in sorted(model.bindings, key=_sort_key):
        registered = [n for n, _ in registry.iana(b.port, b.protocol.value) if n]
        known = (
            []
            if registry.is_generic(b.port, b.protocol.value)
            else [s.title for s in registry.known(b.port, b.protocol.value)]
        )
        rows.append(
            {
                "path": b.location.path,
                "line": b.location.line,
                "column": b.location.column,
                "format": b.format,
                "owner": repo_relative(b.owner),
                "identity": b.identity,
                "namespace": b.namespace.key,
                "role": b.role.value,
                "protocol": b.protocol.value,
                "address": None if b.address is None else str(b.address),
                "port": b.port,
                "end_port": b.end_port,
                "service": registered[0] if registered else None,
                "known": known,
                "source": b.source or None,
            }
        )
    return rows


def repo_relative(text: str) -> str:
    """An absolute path (or `path/service` owner) outside the current directory, relative
    to the repository holding it: the inventory never prints a machine's own layout."""
    if not os.path.isabs(text):
        return text
    root = _repository(os.path.dirname(text))
    return os.path.relpath(text, root).replace(os.sep, "/") if root else text


@lru_cache(maxsize=256)
def _repository(directory: str) -> str | None:
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


_COLUMNS = ("PORT", "ROLE", "ADDRESS", "OWNER", "SOFTWARE", "REGISTERED", "WHERE")


def render_table(rows: list[dict[str, Any]], hosts: dict[str, str] | None = None) -> str:
    """Rows grouped under their namespace (host:<group>, pod:..., container:...); a host's
    header says why its bindings are grouped there (`hosts`: group -> reason)."""
    if not rows:
        return "no port bindings found\n"
    groups: dict[str, list[list[str]]] = {}
    for row in rows:
        ports = (
            str(row["port"])
            if row["end_port"] == row["port"]
            else (f"{row['port']}-{row['end_port']}")
        )
        registered = (
            ", ".join([row["service"], *row["known"]] if row["service"] else row["known"]) or "-"
        )
        groups.setdefault(row["namespace"], []).append(
            [
                f"{ports}/{row['protocol']}",
                row["role"],
                row["address"] or "*",
                row["owner"],
                row["identity"] or "-",
                registered,
                f"{row['path']}:{row['line']}:{row['column']}"
                + (f" ({row['source']})" if row.get("source") else ""),
            ]
        )
    all_cells = [list(_COLUMNS)] + [r for g in groups.values() for r in g]
    widths = [max(len(r[i]) for r in all_cells) for i in range(len(_COLUMNS) - 1)]

    def line(cells: list[str]) -> str:
        body = "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths, strict=False))
        return f"  {body}  {cells[-1]}".rstrip()

    out = []
    for namespace, cells in groups.items():
        header = f"{namespace} ({len(cells)} binding{'s' if len(cells) != 1 else ''})"
        reason = (hosts or {}).get(namespace[5:]) if namespace.startswith("host:") else None
        out.append(f"{header}: {reason}" if reason else header)
        out.append(line(list(_COLUMNS)))
        out.extend(line(c) for c in cells)
        out.append("")
    return "\n".join(out)
