"""Which manifest files are kustomize patches: a file a kustomization in its directory or
one of the two above names under `patchesStrategicMerge` or `patches[].path`.

A patch's containers may leave `image:` (and ports) to the base; a full object whose
containers have no `image:` is still checked (the image is optional in the API).
Kustomization files are read through the guarded reader (`ParseContext.read`), so the
parse cache knows the patch list is part of the answer.
"""

from __future__ import annotations

import os
from pathlib import Path

from portlint.parsers import ParseContext
from portlint.source import SourceFile

_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_LEVELS = 3  # the file's directory and two above


def is_patch_file(source: SourceFile, ctx: ParseContext) -> bool:
    if ctx.read is None:
        return False
    me = os.path.normpath(os.path.abspath(source.path))
    directory = Path(me).parent
    for _ in range(_LEVELS):
        for name in _NAMES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            kustomization = ctx.read(candidate)
            if kustomization is not None and me in _patch_paths(kustomization, directory):
                return True
        if directory.parent == directory:
            break
        directory = directory.parent
    return False


def _patch_paths(kustomization: SourceFile, directory: Path) -> set[str]:
    import yaml

    try:
        data = yaml.safe_load(kustomization.text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return set()
    if not isinstance(data, dict):
        return set()
    strategic, patches = data.get("patchesStrategicMerge"), data.get("patches")
    written: list[object] = list(strategic) if isinstance(strategic, list) else []
    for patch in patches if isinstance(patches, list) else []:
        if isinstance(patch, dict):
            written.append(patch.get("path"))
    return {
        os.path.normpath(os.path.join(directory, path))
        for path in written
        if isinstance(path, str) and "\n" not in path
    }
