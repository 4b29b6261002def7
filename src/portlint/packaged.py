"""Files shipped inside the package: JSON Schemas, policy presets, the IANA snapshot."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def packaged_text(*parts: str) -> str:
    """The text of a file inside the installed package.

    Read beside this module, as every pip-installed or editable copy has it; only a
    package imported from a zip needs importlib.resources, whose import (zipfile,
    tempfile, threading) cost a tenth of a small check. OSError when it is not there."""
    try:
        with open(os.path.join(_HERE, *parts), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        from importlib import resources

        return resources.files("portlint").joinpath(*parts).read_text("utf-8")
