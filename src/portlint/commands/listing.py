"""`check --show-files` and `--show-settings`: what a run would read and with what
settings, without checking (ruff's options of the same names)."""

from __future__ import annotations

import json
from pathlib import Path

from portlint.options import Options


def show_files(paths: list[str], options: Options) -> str:
    """One line per file discovery finds: its path, a TAB, the parser that claims it
    (YAML and JSON files by their content; `-` when no parser claims any document)."""
    from portlint.discover import discover
    from portlint.parsers import registry
    from portlint.source import display_path

    reg = registry()
    files = sorted({Path(p) for p in paths if p != "-"}, key=lambda p: p.as_posix())
    lines = []
    for candidate in discover(
        files, reg, options.exclude, Path(options.config_dir), options.default_exclude
    ):
        if candidate.parser is not None:
            kind = candidate.parser.format
        else:
            kind = _document_formats(candidate.path, reg, options)
        lines.append(f"{display_path(candidate.path)}\t{kind}")
    return "".join(f"{line}\n" for line in sorted(lines))


def _document_formats(path: Path, reg, options: Options) -> str:
    import yaml

    from portlint.source import ReadError, read_source
    from portlint.yamlnodes import YamlLimitError, compose_documents

    try:
        source = read_source(path, str(path), options.limits.max_file_bytes)
        documents = compose_documents(source, options.limits)
    except (ReadError, yaml.YAMLError, YamlLimitError):
        return "- (not readable as YAML or JSON)"
    formats = []
    for document in documents:
        claimant = next((p for p in reg.documents if p.claims(document)), None)
        if claimant is not None and claimant.format not in formats:
            formats.append(claimant.format)
    return ",".join(formats) or "-"


def show_settings(options: Options, paths: list[str]) -> str:
    """The resolved settings as JSON: config file, rules enabled, severities, policy."""
    settings = {
        "config": options.config_path,
        "paths": paths,
        "enabled": sorted(options.enabled),
        "severity": {rule: level.value for rule, level in sorted(options.severity.items())},
        "fail-on": options.fail_on.value,
        "policy": options.policy.source or options.policy.name,
        "exclude": options.exclude,
        "default-exclude": options.default_exclude,
        "env-from-shell": options.env_from_shell,
        "helm-values": options.helm_values,
        "hosts": {g.name: list(g.paths) for g in options.hosts},
        "clusters": {g.name: list(g.paths) for g in options.clusters},
        "limits": {
            "max-file-bytes": options.limits.max_file_bytes,
            "max-yaml-nodes": options.limits.max_yaml_nodes,
            "max-depth": options.limits.max_depth,
            "max-aliases": options.limits.max_aliases,
        },
    }
    return json.dumps(settings, indent=2) + "\n"
