"""Run options that rules and parsers read: the validated config plus CLI overrides."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portlint.findings import Severity
from portlint.records import FrozenRecord, Record

if TYPE_CHECKING:
    from portlint.hostsockets import HostSnapshot


class PortSpan(FrozenRecord):
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


class Limits(FrozenRecord):
    """Bounds on hostile input; a file over one is a PL001 finding naming the limit."""

    max_file_bytes: int = 10 * 1024 * 1024
    max_yaml_nodes: int = 1_000_000  # after alias expansion
    max_depth: int = 500
    max_aliases: int = 10_000


#: Linux's default ip_local_port_range and IANA's dynamic range; Kubernetes' NodePorts.
DEFAULT_EPHEMERAL = (PortSpan(32768, 60999), PortSpan(49152, 65535))
DEFAULT_NODEPORTS = PortSpan(30000, 32767)


class Policy(Record):
    """Range data for the range rules (policies/*.yaml); see portlint.policy."""

    name: str = "default"
    unprivileged_port_start: int = 1024
    #: PL201: the project targets a rootless container engine (`rootless: true`); without
    #: it, a mail server publishing 25 is how Docker is normally run, not a finding.
    rootless: bool = False
    ephemeral: tuple[PortSpan, ...] = DEFAULT_EPHEMERAL
    nodeport_range: PortSpan = DEFAULT_NODEPORTS
    strict_registry: bool = False
    forbidden: tuple[Any, ...] = ()
    allocations: tuple[Any, ...] = ()
    source: str | None = None  # the policy file, for messages


class HostGroup(Record):
    """`hosts:`/`clusters:` entry: files matching `paths` (globs) are one host or cluster."""

    name: str
    paths: tuple[str, ...]
    base: str = "."  # directory the globs are relative to


class Options(Record):
    enabled: set[str]
    severity: dict[str, Severity]
    fail_on: Severity
    policy: Policy
    hosts: list[HostGroup]
    clusters: list[HostGroup]
    exclude: list[str]
    limits: Limits
    env_from_shell: bool
    #: Processes that read and parse files (0: one per usable CPU, when the run is big
    #: enough for forking to pay; 1: never fork).
    jobs: int
    config_path: str | None
    config_dir: str
    #: Helm values files charts are rendered with, after their values.yaml (portlint.render)
    helm_values: list[str]
    #: Directory globs below each scanned root not walked (testdata/, fixture trees)
    default_exclude: list[str]
    #: `check --against-host`: the target host's sockets (portlint.hostsockets.HostSnapshot),
    #: read by the command before the rules run; None otherwise.
    host_sockets: HostSnapshot | None

    __slots__ = (
        "enabled",
        "severity",
        "fail_on",
        "policy",
        "hosts",
        "clusters",
        "exclude",
        "limits",
        "env_from_shell",
        "jobs",
        "config_path",
        "config_dir",
        "helm_values",
        "default_exclude",
        "host_sockets",
    )

    def __init__(
        self,
        enabled: set[str] | None = None,
        severity: dict[str, Severity] | None = None,
        fail_on: Severity = Severity.WARNING,
        policy: Policy | None = None,
        hosts: list[HostGroup] | None = None,
        clusters: list[HostGroup] | None = None,
        exclude: list[str] | None = None,
        limits: Limits | None = None,
        env_from_shell: bool = False,
        jobs: int = 0,
        config_path: str | None = None,
        config_dir: str = ".",
        helm_values: list[str] | None = None,
        default_exclude: list[str] | None = None,
        host_sockets: HostSnapshot | None = None,
    ) -> None:
        self.enabled = set() if enabled is None else enabled
        self.severity = {} if severity is None else severity
        self.fail_on = fail_on
        self.policy = Policy() if policy is None else policy
        self.hosts = [] if hosts is None else hosts
        self.clusters = [] if clusters is None else clusters
        self.exclude = [] if exclude is None else exclude
        self.limits = Limits() if limits is None else limits
        self.env_from_shell = env_from_shell
        self.jobs = jobs
        self.config_path = config_path
        self.config_dir = config_dir
        self.helm_values = [] if helm_values is None else helm_values
        if default_exclude is None:
            from portlint.filekinds import DEFAULT_EXCLUDE

            default_exclude = list(DEFAULT_EXCLUDE)
        self.default_exclude = default_exclude
        self.host_sockets = host_sockets
