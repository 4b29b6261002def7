"""The flag grammar as Markdown tables, for docs/sources.md (`scripts/gen_sources_doc.py`
writes them; `tests/test_sources_doc.py` checks the page matches the data)."""

from __future__ import annotations

from portlint.flags.environment import VARIABLES
from portlint.flags.grammar import (
    GENERIC_ADDRESS,
    GENERIC_PORT,
    GENERIC_WORDS,
    PROGRAMS,
    Flag,
    Program,
)

BEGIN = "<!-- generated: flags (scripts/gen_sources_doc.py) -->"
END = "<!-- end generated: flags -->"


def _spelling(program: Program, flag: Flag) -> str:
    return f"`--{flag.name}`" if program.go else f"`{flag.name}`"


def _flag_text(program: Program, flag: Flag) -> str:
    text = _spelling(program, flag)
    if flag.key:
        text += f" `{flag.key}=N`"
    what = flag.what or ("listen address of the port flags" if flag.kind == "host" else "")
    default = f" (default `{flag.default}`)" if flag.default else ""
    proto = "/udp" if flag.protocol == "udp" else ""
    return f"{text}{proto}: {what}{default}" if what else f"{text}{proto}{default}"


def markdown() -> str:
    """The programs table and the generic reading, between the page's markers."""
    lines = [
        BEGIN,
        "",
        "| program | recognised by | flags (what they serve, documented default) |",
        "|---|---|---|",
    ]
    for program in sorted(PROGRAMS, key=lambda p: p.name):
        names = [f"`{n}`" for n in program.names]
        names += [f"image `{i}`" for i in program.images]
        if program.subcommand:
            names.append(f"subcommand `{program.subcommand}`")
        flags = "; ".join(_flag_text(program, f) for f in program.flags)
        judged = "" if not program.partial else " (not judged by PL405)"
        lines.append(f"| {program.title}{judged} | {', '.join(names)} | {flags} |")
    words = ", ".join(f"`{w}`" for w in sorted(GENERIC_WORDS))
    lines += [
        "",
        "Other programs (the generic reading, `-x` or `--x`): ports "
        + ", ".join(f"`--{n}`" for n in sorted(GENERIC_PORT))
        + "; addresses "
        + ", ".join(f"`--{n}`" for n in sorted(GENERIC_ADDRESS))
        + f"; and `--<word>-port`, `--<word>-address`, `--<word>-addr`, "
        f"`--<word>-bind-address` for these words only: {words}.",
        "",
        "Environment variables (Compose `environment:`, Kubernetes `env` with a `value`):",
        "",
        "| variable | read in | what it sets |",
        "|---|---|---|",
    ]
    for variable in VARIABLES:
        where = (
            f"image `{variable.software}`"
            if variable.software
            else "images of software not listed above"
        )
        lines.append(f"| `{variable.name}` | {where} | {variable.what} |")
    lines += ["", END]
    return "\n".join(lines)
