"""`check --against-host`: read the host (live, or a snapshot file) into Options before
the rules run."""

from __future__ import annotations

from pathlib import Path

from portlint.hostsockets import HostSnapshot
from portlint.model import Diagnostic
from portlint.options import Options
from portlint.source import Location, display_path


def read_live() -> HostSnapshot:
    from portlint.config import ConfigError
    from portlint.hostsockets import live

    if not live.available():
        raise ConfigError(
            "reading this machine's sockets needs Linux's /proc/net; on other systems save "
            "`netstat -ano` (Windows) or `ss -Htulpn` output and pass the file: "
            "--against-host FILE"
        )
    return live.read_live()


def read_snapshot_file(path: Path, options: Options) -> HostSnapshot:
    from portlint.engine import ReadError, read_source
    from portlint.hostsockets.snapshot import read_snapshot

    display = display_path(path)
    try:
        source = read_source(path, display, options.limits.max_file_bytes)
    except ReadError as error:
        problem = Diagnostic("PL001", str(error), Location.point(display, 1), key="snapshot")
        return HostSnapshot([], display, live=False, diagnostics=[problem])
    return read_snapshot(source.text, display)


def split_against_host(value: str, paths: list[str]) -> tuple[Path | None, list[str]]:
    """`--against-host [SNAPSHOT] PATHS`: argparse hands the first word after the flag to
    the flag. It is a snapshot when its content is a socket listing (or it is no file
    portlint would check); a deployment file or directory there is a PATH, and the host
    is read live. Returns (snapshot file or None, paths to check)."""
    from portlint.config import ConfigError

    if value == "":
        return None, paths
    candidate = Path(value)
    if not candidate.exists():
        raise ConfigError(f"--against-host {value}: no such file or directory")
    if candidate.is_dir() or (not _looks_like_listing(candidate) and _checkable(candidate)):
        rest = [] if paths == ["."] else paths
        return None, [value, *rest]
    return candidate, paths


def _looks_like_listing(path: Path) -> bool:
    from portlint.hostsockets.snapshot import detect

    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = [handle.readline() for _ in range(50)]
    except OSError:
        return False
    return detect(head) is not None


def _checkable(path: Path) -> bool:
    """Whether portlint has a parser for the file by its name (compose.yaml, nginx.conf,
    *.yaml...)."""
    from portlint.discover import DOCUMENT_SUFFIXES
    from portlint.parsers import registry

    return path.suffix.lower() in DOCUMENT_SUFFIXES or any(
        parser.matches(path) for parser in registry().text
    )


def apply(options: Options, host: HostSnapshot) -> None:
    """Put the host into the options; on a live Linux host, its own port ranges replace
    the policy's for PL201 and PL302."""
    options.host_sockets = host
    if host.ranges is not None:
        options.policy = options.policy.replace(
            unprivileged_port_start=host.ranges.unprivileged_port_start,
            ephemeral=host.ranges.ephemeral(),
        )


def against_host(value: str, paths: list[str], options: Options) -> list[str]:
    """`check --against-host [SNAPSHOT]`: read the host into `options`; the paths to check."""
    snapshot, paths = split_against_host(value, paths)
    host = read_live() if snapshot is None else read_snapshot_file(snapshot, options)
    apply(options, host)
    return paths
