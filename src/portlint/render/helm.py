"""Helm charts rendered offline with Helm's own engine.

`helm template` when the binary is on PATH, else the `helm-python-sdk` package (Helm's Go
SDK behind a C ABI: `pip install 'portlint[helm]'`). Helm itself applies values.yaml,
subcharts under charts/ and .helmignore; portlint only names the values files and reads
the output. Nothing contacts a cluster: `lookup` renders empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from portlint.render.stream import join_sources, split_sources

RELEASE = "release-name"
NAMESPACE = "default"
TIMEOUT_SECONDS = 120

#: Renders a chart directory with override values: template path -> manifest text.
Render = Callable[[Path, dict[str, Any]], dict[str, str]]


class RenderError(Exception):
    """Helm could not render the chart; the message is Helm's. `transient`: Helm did not
    run (not startable, timed out), so the same inputs may render next time."""

    transient = False


def renderer() -> tuple[str, Render] | None:
    """The engine to render with (its name, the function), or None when neither the
    binary nor the SDK is installed."""
    binary = shutil.which("helm")
    if binary is not None:
        return "helm template", lambda chart, values: _render_binary(binary, chart, values)
    try:
        import helm_python  # noqa: F401
    except (ImportError, OSError):
        return None
    return "helm-python-sdk", _render_sdk


def identity(name: str) -> tuple[object, ...]:
    """What names the engine in a cached render's key (portlint.render.memo): the
    binary's path and stamp, or the SDK's version and its library files' stamps."""
    from portlint.render.memo import stamp

    if name == "helm template":
        return (name, stamp(shutil.which("helm")))
    import helm_python

    package = os.path.dirname(os.path.abspath(helm_python.__file__))
    stamps = []
    for folder, _dirs, files in os.walk(package):
        stamps += [stamp(os.path.join(folder, f)) for f in sorted(files) if not f.endswith(".pyc")]
    return (name, getattr(helm_python, "__version__", None), tuple(sorted(stamps)))


def _render_sdk(chart: Path, values: dict[str, Any]) -> dict[str, str]:
    import helm_python

    try:
        with _quiet_stderr(), helm_python.Chart.load(chart) as loaded:
            manifests = loaded.render(values or None, name=RELEASE, namespace=NAMESPACE)
    except helm_python.HelmError as error:
        raise RenderError(str(error)) from None
    return split_sources(join_sources(manifests))


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Standard error closed to Helm's Go code for the call. Its chart loader logs there
    itself, past the library's log handler (a time-stamped "INFO found symbolic link"
    per link it follows), as `helm template` does into the stderr we capture: what
    matters comes back as the call's error. Left alone where fd 2 cannot be swapped."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _render_binary(binary: str, chart: Path, values: dict[str, Any]) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="portlint-helm-") as scratch:
        command = [binary, "template", RELEASE, str(chart), "--namespace", NAMESPACE]
        if values:
            values_file = os.path.join(scratch, "values.yaml")
            with open(values_file, "w", encoding="utf-8") as handle:
                yaml.safe_dump(values, handle)
            command += ["--values", values_file]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_SECONDS,
                env={**os.environ, "HELM_CACHE_HOME": scratch, "HELM_CONFIG_HOME": scratch},
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            failed = RenderError(str(error))
            failed.transient = True
            raise failed from None
    if done.returncode != 0:
        raise RenderError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return split_sources(done.stdout)


def chart_name(chart: Path) -> str:
    """The `name:` of Chart.yaml (what `# Source:` paths start with), else the directory."""
    from portlint.yamlnodes import SafeLoader

    try:
        with open(chart / "Chart.yaml", encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=SafeLoader)  # noqa: S506 - the safe loader
    except (OSError, yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return chart.name
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else chart.name


def template_file(chart: Path, source_path: str) -> Path | None:
    """The file behind a `# Source:` path: `<name>/templates/x.yaml` in the chart, or
    `<name>/charts/<sub>/templates/x.yaml` in a subchart (named by its Chart.yaml)."""
    parts = source_path.split("/")[1:]
    directory: Path | None = chart
    while directory is not None and len(parts) > 2 and parts[0] == "charts":
        directory = _subchart(directory, parts[1])
        parts = parts[2:]
    if directory is None:
        return None
    path = directory.joinpath(*parts)
    return path if path.is_file() else None


def _subchart(chart: Path, name: str) -> Path | None:
    candidate = chart / "charts" / name
    if (candidate / "Chart.yaml").is_file():
        return candidate
    try:
        entries = sorted(os.scandir(chart / "charts"), key=lambda e: e.name)
    except OSError:
        return None
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir() and (path / "Chart.yaml").is_file() and chart_name(path) == name:
            return path
    return None


def subcharts(chart: Path) -> list[tuple[str, Path]]:
    """Unpacked subcharts (charts/<dir>/Chart.yaml), by chart name: their values.yaml
    leaves sit under that name in the parent's values."""
    try:
        entries = sorted(os.scandir(chart / "charts"), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        path = Path(entry.path)
        if entry.is_dir() and (path / "Chart.yaml").is_file():
            found.append((chart_name(path), path))
    return found
