"""`portlint port 5432[/tcp]`: what portlint knows about a port — its IANA registrations,
the software commonly deployed on it, and the ranges it is in — before a user picks it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from portlint.model import Protocol


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "port",
        help="a port, optionally with a protocol (5432, 5353/udp), a range (8000-8100), or a "
        "service name (http, postgresql)",
    )
    parser.add_argument(
        "paths", nargs="*", help="also list who binds the port (or range) in these files"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--policy", metavar="NAME|FILE", help="policy preset or file for ranges")
    parser.add_argument(
        "--live", action="store_true", help="also: who holds it on this machine now"
    )


def parse_port(text: str) -> tuple[int, list[str]]:
    """'5432' -> (5432, [tcp, udp, sctp]); '5353/udp' -> (5353, [udp])."""
    from portlint.errors import UsageError

    number, _, proto = text.strip().partition("/")
    if not number.isdigit() or not 0 <= int(number) <= 65535:
        raise UsageError(f"{text!r} is not a port (0-65535, optionally /tcp, /udp or /sctp)")
    if proto:
        protocol = Protocol.parse(proto)
        if protocol is None:
            raise UsageError(f"{text!r}: unknown protocol {proto!r} (tcp, udp or sctp)")
        return int(number), [protocol.value]
    return int(number), [p.value for p in Protocol]


def parse_span(text: str) -> tuple[int, int]:
    """'8080' -> (8080, 8080); '8000-8100' -> (8000, 8100); UsageError otherwise."""
    from portlint.errors import UsageError

    first, dash, last = text.strip().partition("-")
    if not first.isdigit() or (dash and not last.isdigit()):
        raise UsageError(f"{text!r} is not a port or a range of ports (8080, 8000-8100)")
    start, end = int(first), int(last) if dash else int(first)
    if not 0 <= start <= end <= 65535:
        raise UsageError(f"{text!r} is not a port range within 0-65535 (first <= last)")
    return start, end


def by_service_name(name: str) -> list[dict[str, Any]]:
    """Ports registered to, or commonly used by, a service name (IANA names, curated
    software and its aliases), in port order."""
    from portlint.registry.curated import KNOWN
    from portlint.registry.snapshot import snapshot

    wanted = name.strip().lower()
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for (port, protocol), registrations in snapshot().entries.items():
        for service, description in registrations:
            if service.lower() == wanted:
                found.setdefault(
                    (port, protocol),
                    {
                        "port": port,
                        "protocol": protocol,
                        "source": "iana",
                        "service": service,
                        "description": description,
                    },
                )
    for known in KNOWN:
        names = {known.name.lower(), *(a.lower() for a in known.aliases)}
        if wanted in names:
            for port in known.ports:
                found.setdefault(
                    (port, known.protocol),
                    {
                        "port": port,
                        "protocol": known.protocol,
                        "source": "known",
                        "service": known.name,
                        "description": known.title,
                    },
                )
    return [found[key] for key in sorted(found)]


def describe(port: int, protocols: list[str], policy) -> dict[str, Any]:
    """The look-up result as data (the JSON output; the text output renders it)."""
    from portlint import registry

    iana = [
        {"protocol": p, "service": name, "description": description}
        for p in protocols
        for name, description in registry.iana(port, p)
    ]
    known = [
        {
            "protocol": s.protocol,
            "name": s.name,
            "title": s.title,
            "aliases": list(s.aliases),
            "sensitive": s.sensitive,
            "generic": s.generic,
            **({"note": s.note} if s.note else {}),
        }
        for p in protocols
        for s in registry.known(port, p)
    ]
    ranges = registry.range_classes(port, policy.ephemeral, policy.nodeport_range)
    if 0 < port < policy.unprivileged_port_start:
        ranges.append(f"privileged (below {policy.unprivileged_port_start})")
    from portlint.registry.snapshot import snapshot

    snap = snapshot()
    return {
        "version": 1,
        "port": port,
        "protocols": protocols,
        "iana": iana,
        "known": known,
        "ranges": ranges,
        "registry": {"source": snap.source, "date": snap.date},
    }


def render_text(info: dict[str, Any]) -> str:
    port = info["port"]
    lines = [f"port {port}" + (f"/{info['protocols'][0]}" if len(info["protocols"]) == 1 else "")]
    lines.append("  ranges: " + "; ".join(info["ranges"]))
    if info["iana"]:
        lines.append("  IANA registrations:")
        for entry in info["iana"]:
            name = entry["service"] or "(reserved)"
            lines.append(f"    {port}/{entry['protocol']:<4} {name:<18} {entry['description']}")
    else:
        lines.append("  IANA registrations: none (unassigned)")
    if info["known"]:
        lines.append("  commonly deployed:")
        for s in info["known"]:
            flags = [
                f
                for f, on in (("sensitive", s["sensitive"]), ("generic web port", s["generic"]))
                if on
            ]
            extra = f" [{', '.join(flags)}]" if flags else ""
            note = f" — {s['note']}" if s.get("note") else ""
            who = ", ".join(a for a in s["aliases"] if a != s["name"])
            lines.append(
                f"    {port}/{s['protocol']:<4} {s['title']}{extra}{note}"
                + (f" (images: {s['name']}, {who})" if who else "")
            )
    reg = info["registry"]
    lines.append(f"  (IANA snapshot: {reg['source']}, {reg['date']})")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from portlint.options import Policy

    text = args.port.strip()
    if text[:1].isalpha():
        return _by_name(text, args)
    if "-" in text.partition("/")[0]:
        return _range(text, args)
    port, protocols = parse_port(args.port)
    if args.paths:
        return _holders(port, port, args)
    policy = Policy()
    if args.policy:
        from portlint.policy import load_policy

        policy = load_policy(args.policy, Path.cwd())
    info = describe(port, protocols, policy)
    if args.live:
        from portlint.hostsockets.views import add_live_holders

        add_live_holders(info, port, protocols)
    if args.format == "json":
        print(json.dumps(info, indent=2))
    else:
        print(render_text(info))
        if args.live:
            from portlint.hostsockets.views import render_live_holders

            print(render_live_holders(info))
    return 0


def _by_name(name: str, args: argparse.Namespace) -> int:
    """`port http`: the ports of a service name; a usage error (exit 2) for a name no
    registration or known software has."""
    from portlint.errors import UsageError

    entries = by_service_name(name)
    if not entries:
        raise UsageError(
            f"{name!r} is not a port, a range (8000-8100) or a service name portlint knows"
        )
    if args.format == "json":
        print(json.dumps({"version": 1, "name": name, "ports": entries}, indent=2))
    else:
        print(f"{name}:")
        for e in entries:
            print(f"  {e['port']}/{e['protocol']:<4} {e['service']:<18} {e['description']}")
    return 0


def _range(text: str, args: argparse.Namespace) -> int:
    """`port 8000-8100`: the registered and commonly deployed ports in the range."""
    from portlint import registry

    start, end = parse_span(text.partition("/")[0])
    if args.paths:
        return _holders(start, end, args)
    entries = []
    for port in range(start, end + 1):
        for protocol in ("tcp", "udp", "sctp"):
            for service, description in registry.iana(port, protocol):
                entries.append(
                    {
                        "port": port,
                        "protocol": protocol,
                        "source": "iana",
                        "service": service,
                        "description": description,
                    }
                )
            for known in registry.known(port, protocol):
                entries.append(
                    {
                        "port": port,
                        "protocol": protocol,
                        "source": "known",
                        "service": known.name,
                        "description": known.title,
                    }
                )
    if args.format == "json":
        print(json.dumps({"version": 1, "start": start, "end": end, "ports": entries}, indent=2))
        return 0
    print(f"ports {start}-{end}: {len({e['port'] for e in entries})} registered or known")
    for e in entries:
        print(
            f"  {e['port']}/{e['protocol']:<4} {e['service'] or '(reserved)':<18} "
            f"{e['description']}"
        )
    return 0


def _holders(start: int, end: int, args: argparse.Namespace) -> int:
    """`port 8080 PATHS`: every binding of the port (or range) in the tree; exit 1 when
    nothing binds it."""
    from portlint.commands.common import check_paths_exist, options_from_args
    from portlint.commands.ports import inventory, render_table
    from portlint.engine import check

    check_paths_exist(args.paths)
    args.config = args.env_from_shell = None
    options = options_from_args(args)
    options.enabled = set()
    report = check(args.paths, options, debug=args.debug)
    rows = [r for r in inventory(report.model) if r["port"] <= end and start <= r["end_port"]]
    if args.format == "json":
        print(json.dumps({"version": 1, "start": start, "end": end, "bindings": rows}, indent=2))
    else:
        span = str(start) if start == end else f"{start}-{end}"
        print(
            f"port {span}: nothing in {', '.join(args.paths)} binds it"
            if not rows
            else render_table(rows),
            end="\n" if not rows else "",
        )
    return 0 if rows else 1
