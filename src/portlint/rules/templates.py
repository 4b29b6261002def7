"""PL007: templates and charts that were not rendered, so their ports were not checked
(the note comes from portlint.render or from template detection, one per chart,
kustomization or template file)."""

from __future__ import annotations

from collections.abc import Iterator

from portlint.findings import Finding
from portlint.model import Model
from portlint.options import Options
from portlint.rules import check


@check("PL007")
def unrendered_templates(model: Model, options: Options) -> Iterator[Finding]:
    seen: set[str] = set()
    for diagnostic in model.diagnostics:
        # One note per file: each object of a template file has its placeholders.
        if diagnostic.rule == "PL007" and diagnostic.location.path not in seen:
            seen.add(diagnostic.location.path)
            yield Finding("PL007", diagnostic.message, diagnostic.location, key=diagnostic.key)
