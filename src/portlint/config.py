"""Configuration: find `.portlint.yaml`/`.portlint.yml`/`[tool.portlint]`, validate it with
the shipped JSON Schema, and build `Options`.

An invalid file is a `ConfigError` naming the file and the key: the CLI prints it as one
line and exits 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from portlint.configfiles import load_yaml, read_text, repository_root
from portlint.errors import ConfigError, excerpt_key, short_message
from portlint.findings import Severity
from portlint.options import HostGroup, Limits, Options
from portlint.packaged import packaged_text
from portlint.rules.catalogue import CATALOGUE, expand, lookup
from portlint.source import Roots
from portlint.validated import schema_errors

CONFIG_NAMES = (".portlint.yaml", ".portlint.yml")


def find_config(start: Path) -> Path | None:
    """Walk up from `start` to the repository root (a directory with .git) or /."""
    directory = start.resolve()
    if not directory.is_dir():
        directory = directory.parent
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            if (candidate_dir / name).is_file():
                return candidate_dir / name
        pyproject = candidate_dir / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return pyproject
        if (candidate_dir / ".git").exists():
            return None
    return None


def load_config(path: Path, roots: Roots | None = None) -> dict[str, Any]:
    """The raw, validated configuration mapping from a file; `roots`: where it must be
    (a file found by walking up: its repository; None for `--config`, the user's choice)."""
    if path.name == "pyproject.toml":
        data = _pyproject_section(path, roots)
        if data is None:
            raise ConfigError(f"{path}: no [tool.portlint] section")
    else:
        data, _node = load_yaml(read_text(path, "configuration", roots), str(path))
        if data is None:
            data = {}
    validate(data, schema(), str(path))
    return data


def schema() -> dict[str, Any]:
    return json.loads(packaged_text("config_schema.json"))


def validate(data: Any, json_schema: dict[str, Any], where: str) -> None:
    """Raise ConfigError naming the file and the offending key."""
    errors = sorted(schema_errors(json_schema, data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    key = ".".join(excerpt_key(part) for part in error.absolute_path) or "(top level)"
    message = short_message(error)
    if error.validator == "additionalProperties":
        message = message.replace("Additional properties are not allowed", "unknown key")
    raise ConfigError(f"{where}: {key}: {message}")


def _pyproject_section(path: Path, roots: Roots | None = None) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    text = read_text(path, "pyproject.toml", roots)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    section = data.get("tool", {}).get("portlint")
    return section if isinstance(section, dict) else None


def build_options(
    data: dict[str, Any],
    config_path: Path | None,
    *,
    select: list[str] | None = None,
    extend_select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    policy: str | None = None,
    env_from_shell: bool = False,
    helm_values: list[str] | None = None,
) -> Options:
    """Options from a validated config mapping plus command-line overrides."""
    where = str(config_path) if config_path else "command line"
    base_dir = config_path.parent if config_path else Path.cwd()
    try:
        enabled = _enabled_rules(
            select if select is not None else data.get("select"),
            (data.get("extend-select") or []) + (extend_select or []),
            (data.get("ignore") or []) + (ignore or []),
        )
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    severity: dict[str, Severity] = {}
    for name, level in (data.get("severity") or {}).items():
        info = lookup(name)
        if info is None:
            raise ConfigError(f"{where}: severity.{name}: unknown rule")
        if level == "off":
            enabled.discard(info.id)
        else:
            severity[info.id] = Severity(level)
            enabled.add(info.id)
    limits = Limits()
    for key, value in (data.get("limits") or {}).items():
        limits = limits.replace(**{key.replace("-", "_"): value})
    base = str(base_dir.resolve())
    options = Options(
        enabled=enabled,
        severity=severity,
        fail_on=Severity(fail_on or data.get("fail-on") or "warning"),
        hosts=[HostGroup(g["name"], tuple(g["paths"]), base) for g in data.get("hosts") or []],
        clusters=[
            HostGroup(g["name"], tuple(g["paths"]), base) for g in data.get("clusters") or []
        ],
        exclude=list(data.get("exclude") or []),
        limits=limits,
        env_from_shell=env_from_shell or bool(data.get("env-from-shell")),
        config_path=str(config_path) if config_path else None,
        config_dir=str(base_dir),
        # Rendered sources: values files from `helm: values:` (relative to the config
        # file), then --values (relative to the current directory).
        helm_values=[str(base_dir / p) for p in (data.get("helm") or {}).get("values") or []]
        + [str(Path(p)) for p in helm_values or []],
        default_exclude=data.get("default-exclude"),  # None: portlint.filekinds' list
    )
    if policy or data.get("policy"):
        from portlint.policy import load_policy

        # A policy named by a configuration file must lie in its repository: a committed
        # `policy: /etc/passwd` is an attacker's; `--policy` is the user's own choice.
        inside = None if policy else Roots([repository_root(base_dir)], name="the repository")
        options.policy = load_policy(policy or data["policy"], base_dir, inside)
    if data.get("rootless"):
        options.policy.rootless = True
    return options


def _enabled_rules(select: list[str] | None, extend: list[str], ignore: list[str]) -> set[str]:
    if select is None:
        enabled = {info.id for info in CATALOGUE if info.default is not None}
    else:
        enabled = expand(select)
    enabled |= expand(extend) if extend else set()
    enabled -= expand(ignore) if ignore else set()
    return enabled
