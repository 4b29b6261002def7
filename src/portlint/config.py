"""Configuration: find `.portlint.yaml`/`.portlint.yml`/`[tool.portlint]`, validate it with
the shipped JSON Schema, and build `Options`.

An invalid file is a `ConfigError` naming the file and the key: the CLI prints it as one
line and exits 2.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from portlint.configfiles import load_yaml, read_text, repository_root
from portlint.errors import ConfigError, excerpt_key, short_message
from portlint.findings import Severity
from portlint.options import HostGroup, Limits, Options
from portlint.rules.catalogue import CATALOGUE, expand, lookup
from portlint.source import Roots
from portlint.suggestions import did_you_mean, nearest, nearest_rule

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
        data, node = load_yaml(read_text(path, "configuration", roots), str(path))
        if data is None:
            data = {}
        validate(data, schema(), str(path), node)
        return data
    validate(data, schema(), str(path))
    return data


def schema() -> dict[str, Any]:
    from portlint.packaged import packaged_text

    return json.loads(packaged_text("config_schema.json"))


def validate(data: Any, json_schema: dict[str, Any], where: str, node: Any = None) -> None:
    """Raise ConfigError naming the file, the line:col (YAML: `node` is the document's
    root), the offending key, and for an unknown key the nearest known one."""
    from portlint.validated import schema_errors  # only a run with a configuration file

    errors = sorted(schema_errors(json_schema, data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    key = ".".join(excerpt_key(part) for part in path) or "(top level)"
    message = short_message(error)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        unknown = sorted(k for k in error.instance if isinstance(k, str) and k not in known)
        if unknown:
            path.append(unknown[0])
            message = f"unknown key {excerpt_key(unknown[0])!r}" + did_you_mean(
                repr(n) if (n := nearest(unknown[0], known)) else None
            )
        else:
            message = message.replace("Additional properties are not allowed", "unknown key")
    named = "" if key == "(top level)" and message.startswith("unknown key '") else f"{key}: "
    raise ConfigError(f"{where}{_position(node, path)}: {named}{message}")


def _position(node: Any, path: list[Any]) -> str:
    """`:line:col` of the key (or item) at `path` in a composed YAML document."""
    import yaml

    mark = None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next((p for p in node.value if p[0].value == part), None)
            if pair is None:
                break
            mark, node = pair[0].start_mark, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    if mark is None and node is not None and path == []:
        mark = node.start_mark
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


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
    try:  # codes from the command line are named as such, whatever the config holds
        _enabled_rules(select, extend_select or [], ignore or [])
    except ValueError as error:
        unknown = re.search(r"'([^']*)'", str(error))
        hint = did_you_mean(nearest_rule(unknown.group(1))) if unknown else ""
        raise ConfigError(f"command line: {error}{hint}") from None
    try:
        enabled = _enabled_rules(
            select if select is not None else data.get("select"),
            (data.get("extend-select") or []) + (extend_select or []),
            (data.get("ignore") or []) + (ignore or []),
        )
    except ValueError as error:
        unknown = re.search(r"'([^']*)'", str(error))
        hint = did_you_mean(nearest_rule(unknown.group(1))) if unknown else ""
        raise ConfigError(f"{where}: {error}{hint}") from None
    severity: dict[str, Severity] = {}
    for name, level in (data.get("severity") or {}).items():
        info = lookup(name)
        if info is None:
            hint = did_you_mean(nearest_rule(name))
            raise ConfigError(f"{where}: severity.{name}: unknown rule{hint}")
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
