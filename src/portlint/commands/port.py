"""`portlint port 5432[/tcp]`: what portlint knows about a port — its IANA registrations,
the software commonly deployed on it, and the ranges it is in — before a user picks it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from portlint.model import Protocol


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("port", help="a port, optionally with a protocol: 5432, 5353/udp")
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

    port, protocols = parse_port(args.port)
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
