"""Run options that rules and parsers read: the validated config plus CLI overrides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portlint.findings import Severity


@dataclass(frozen=True, slots=True)
class PortSpan:
    start: int
    end: int

    @classmethod
    def parse(cls, text: str | int) -> PortSpan:
        """'9000-9099' or '23' or 23."""
        if isinstance(text, int):
            return cls(text, text)
        first, _, last = str(text).partition("-")
        start = int(first)
        end = int(last) if last else start
        if not (0 <= start <= end <= 65535):
            raise ValueError(f"invalid port range {text!r}")
        return cls(start, end)

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.start <= port <= self.end

    def overlaps(self, start: int, end: int) -> bool:
        return self.start <= end and start <= self.end

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on hostile input; a file over one is a PL001 finding naming the limit."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000  # after alias expansion
    max_depth: int = 500
    max_aliases: int = 10_000


@dataclass(slots=True)
class Policy:
    """Range data for the range rules (policies/*.yaml); see portlint.policy."""

    name: str = "default"
    unprivileged_port_start: int = 1024
    ephemeral: tuple[PortSpan, ...] = (PortSpan(32768, 60999), PortSpan(49152, 65535))
    nodeport_range: PortSpan = PortSpan(30000, 32767)
    strict_registry: bool = False
    forbidden: tuple[Any, ...] = ()
    allocations: tuple[Any, ...] = ()
    source: str | None = None  # the policy file, for messages


@dataclass(slots=True)
class HostGroup:
    """`hosts:`/`clusters:` entry: files matching `paths` (globs) are one host or cluster."""

    name: str
    paths: tuple[str, ...]
    base: str = "."  # directory the globs are relative to


@dataclass(slots=True)
class Options:
    enabled: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    policy: Policy = field(default_factory=Policy)
    hosts: list[HostGroup] = field(default_factory=list)
    clusters: list[HostGroup] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)
    env_from_shell: bool = False
    #: Processes that read and parse files (0: one per usable CPU, when the run is big
    #: enough for forking to pay; 1: never fork).
    jobs: int = 0
    config_path: str | None = None
    config_dir: str = "."
