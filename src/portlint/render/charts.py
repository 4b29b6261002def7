"""Helm charts among the candidates: taken out, rendered, and mapped back.

A directory with Chart.yaml is a chart; one inside another chart (charts/<sub>) renders
as part of its parent. All files under a chart are the chart's: none is parsed alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portlint.render import Prepared, helm, inside
from portlint.render import values as sentinel
from portlint.source import Location, SourceFile, display_path
from portlint.unitcache import digest, text_digest

if TYPE_CHECKING:
    from portlint.options import Options
    from portlint.render.memo import RenderMemo

INSTALL_HINT = "install helm, or `pip install 'portlint[helm]'` (Helm's engine, no binary)"


def split(prepared: Prepared) -> list[str]:
    """Take every file under a chart out of the candidates; the charts' directories
    (outermost only: a subchart renders inside its parent)."""
    found = sorted(
        os.path.dirname(os.path.abspath(c.path))
        for c in prepared.candidates
        if os.path.basename(c.path) == "Chart.yaml"
    )
    charts: list[str] = []
    outermost: set[str] = set()
    for directory in found:
        if not under_any(directory, outermost):
            charts.append(directory)
            outermost.add(directory)
    if charts:
        prepared.candidates = [
            c
            for c in prepared.candidates
            if not under_any(os.path.dirname(os.path.abspath(c.path)), outermost)
        ]
    return charts


def under_any(directory: str, directories: set[str]) -> bool:
    """Whether `directory` (absolute, normalised) is one of `directories` or below one:
    a walk up its parents, so a tree's files cost their depth each, not the number of
    charts (a candidate against every chart was files x charts)."""
    while True:
        if directory in directories:
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent


def render_all(
    prepared: Prepared, options: Options, charts: list[str], roots: list[str] | None = None
) -> None:
    """Render each chart; `roots` (real paths) bound what its engine may be given."""
    if not charts:
        return
    engine = helm.renderer()
    identity = None
    if engine is not None and prepared.memo is not None:
        identity = helm.identity(engine[0])
        engine = (engine[0], _cached(prepared.memo, engine, identity))
    extra = [Path(os.path.abspath(p)) for p in options.helm_values]
    for chart in charts:
        unsafe = None if roots is None else unsafe_entry(chart, roots)
        if unsafe is not None:
            where = display_path(prepared.show(unsafe[0]))
            name = helm.chart_name(Path(chart))
            prepared.note(
                "PL007",
                f"Helm chart {name} not rendered: {where} is {unsafe[1]}, so its ports are "
                "not checked",
                display_path(prepared.show(Path(chart) / "Chart.yaml")),
                f"chart:{name}",
            )
            continue
        render_chart(prepared, Path(chart), engine, extra, identity)


#: What `unsafe_entry` says of a path Helm must not be given.
LEADS_OUT = (
    "a symlink leading outside the scanned paths (Helm would follow it; portlint reads "
    "nothing else)"
)
NOT_A_FILE = "not a regular file (a FIFO, socket or device: Helm would wait on it or read it)"


def unsafe_entry(chart: str, roots: list[str]) -> tuple[str, str] | None:
    """The first entry under the chart that Helm must not read, and why, else None (in
    name order, a folder's own entries before its subfolders'). Helm's loader reads
    every file of a chart and follows symlinks, files and directories alike: one
    leading out of the roots would hand it a file portlint must not read, and a FIFO
    would hang it. A linked directory inside the roots is looked into, each once."""
    stack = [chart]
    seen = {os.path.realpath(chart)}
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # Helm reports what it cannot read
        below = []
        for entry in entries:
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if not any(inside(real, root) for root in roots):
                    return entry.path, LEADS_OUT
                if os.path.isdir(real):
                    if real not in seen:
                        seen.add(real)
                        below.append(entry.path)
                elif os.path.exists(real) and not os.path.isfile(real):
                    return entry.path, NOT_A_FILE
            elif entry.is_dir(follow_symlinks=False):
                below.append(entry.path)
            elif not entry.is_file(follow_symlinks=False):
                return entry.path, NOT_A_FILE
        stack.extend(reversed(below))
    return None


def _cached(memo: RenderMemo, engine: tuple[str, helm.Render], identity: object) -> helm.Render:
    """The engine's render, its results (Helm's errors too) kept in the result cache."""
    _name, render = engine

    def cached_render(chart: Path, values: dict[str, Any]) -> dict[str, str]:
        key = memo.key("helm", identity, [os.path.abspath(chart)], values)
        kept = memo.get(key)
        if isinstance(kept, tuple) and len(kept) == 2:
            if kept[0] == "error" and isinstance(kept[1], str):
                raise helm.RenderError(kept[1])
            if kept[0] == "ok" and isinstance(kept[1], dict):
                return kept[1]
        try:
            manifests = render(chart, values)
        except helm.RenderError as error:
            if not error.transient:
                memo.put(key, ("error", str(error)))
            raise
        memo.put(key, ("ok", manifests))
        return manifests

    return cached_render


def render_chart(
    prepared: Prepared,
    chart: Path,
    engine: tuple[str, helm.Render] | None,
    extra_values: list[Path],
    identity: object = None,
) -> None:
    """`identity`: the engine's, when renders are cached (`memo`): its mappings too."""
    chart_file = display_path(prepared.show(chart / "Chart.yaml"))
    name = helm.chart_name(chart)
    if engine is None:
        prepared.note(
            "PL007",
            f"Helm chart {name} not rendered, so its ports are not checked: {INSTALL_HINT}",
            chart_file,
            f"chart:{name}",
        )
        return
    engine_name, render = engine
    values_files = [p for p in extra_values if _applies(p, chart)]
    layers = _value_layers(prepared, chart, values_files)
    user: dict[str, Any] = {}
    for source, data, _prefix in layers:
        if Path(os.path.abspath(source.path)) in values_files:
            user = sentinel.merge(user, data)
    try:
        manifests = render(chart, user)
    except helm.RenderError as error:
        prepared.note(
            "PL007",
            f"Helm chart {name} not checked: {engine_name} could not render it ({error}); "
            "name the values it needs with --values or `helm: values:` in the config",
            chart_file,
            f"chart:{name}",
        )
        return
    keys = _kept_value_keys(prepared.memo, identity, chart, render, layers, manifests)
    for source_path, text in manifests.items():
        real = helm.template_file(chart, source_path)
        origin = prepared.read(real) if real is not None else None
        if real is None or origin is None:
            display = display_path(prepared.show(chart.parent / source_path))
            prepared.add_virtual(display, chart.parent / source_path, text, None)
            continue
        virtual = prepared.add_virtual(origin.display, real, text, origin)
        if virtual is None:
            continue
        for line, place in keys.get(source_path, {}).items():
            entry = virtual.origins[line - 1] if line <= len(virtual.origins) else None
            if entry is not None:
                entry.value = place
    for source, _data, _prefix in layers:
        prepared.remapper.originals.setdefault(source.display, source)


def _applies(values_file: Path, chart: Path) -> bool:
    """A values file inside a chart is for that chart; one outside any, for every chart."""
    absolute = os.path.abspath(values_file)
    for parent in Path(absolute).parents:
        if (parent / "Chart.yaml").is_file():
            return parent == chart.resolve() or str(parent) == os.path.abspath(chart)
    return True


Layer = tuple[SourceFile, dict[str, Any], tuple[str, ...]]


def _value_layers(prepared: Prepared, chart: Path, values_files: list[Path]) -> list[Layer]:
    """Values in Helm's precedence, lowest first: subcharts' values.yaml (under their
    name), the chart's values.yaml, then the given files in order."""
    layers: list[Layer] = []
    for name, sub in helm.subcharts(chart):
        source = prepared.read(sub / "values.yaml")
        if source is not None:
            layers.append((source, {name: sentinel.load(source)}, (name,)))
    for path in [chart / "values.yaml", *values_files]:
        source = prepared.read(path)
        if source is not None:
            layers.append((source, sentinel.load(source), ()))
    return layers


def _kept_value_keys(
    memo: RenderMemo | None,
    identity: object,
    chart: Path,
    render: helm.Render,
    layers: list[Layer],
    manifests: dict[str, str],
) -> dict[str, dict[int, Location]]:
    """`_value_keys`, or what it gave before for the same chart files, engine, values
    files (their displays: the keys' locations name them) and output."""
    if memo is None or identity is None:
        return _value_keys(chart, render, layers, manifests)
    tree = memo.key("chart-files", identity, [os.path.abspath(chart)], ())
    if tree is None:
        return _value_keys(chart, render, layers, manifests)
    key = digest(
        "value-keys",
        tree,
        [(source.display, text_digest(source.text), prefix) for source, _data, prefix in layers],
        sorted((path, text_digest(text)) for path, text in manifests.items()),
    )
    kept = memo.get(key)
    if _is_value_keys(kept):
        return kept  # type: ignore[return-value]
    found = _value_keys(chart, render, layers, manifests)
    memo.put(key, found)
    return found


def _is_value_keys(kept: object) -> bool:
    return isinstance(kept, dict) and all(
        isinstance(path, str)
        and isinstance(lines, dict)
        and all(type(line) is int and isinstance(place, Location) for line, place in lines.items())
        for path, lines in kept.items()
    )


def _value_keys(
    chart: Path,
    render: helm.Render,
    layers: list[Layer],
    manifests: dict[str, str],
) -> dict[str, dict[int, Location]]:
    """Per template path: rendered line -> the values scalar that set its number."""
    merged: dict[str, Any] = {}
    where: dict[tuple[str, ...], Location] = {}
    for source, data, prefix in layers:
        merged = sentinel.merge(merged, data)
        where.update(sentinel.positions(source, prefix))
    taken: set[int] = set()
    for text in manifests.values():
        taken |= sentinel.numbers_in(text)
    marked, sentinels = sentinel.with_sentinels(merged, taken)
    if not sentinels:
        return {}
    try:
        marked_manifests = render(chart, marked)
    except helm.RenderError:
        return {}  # a chart that rejects the sentinels keeps its template locations
    keys: dict[str, dict[int, Location]] = {}
    for source_path, text in manifests.items():
        other = marked_manifests.get(source_path)
        if other is None:
            continue
        lines = sentinel.line_keys(text, other, sentinels)
        placed = {line: where[path] for line, path in lines.items() if path in where}
        if placed:
            keys[source_path] = placed
    return keys
