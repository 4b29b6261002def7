"""Files shipped inside the package: JSON Schemas, policy presets, the IANA snapshot."""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))
_MAX_BYTES = 16 * 1024 * 1024  # the IANA snapshot is the largest, at a few MB


def packaged_text(*parts: str) -> str:
    """The text of a file inside the installed package.

    Read beside this module, as every pip-installed or editable copy has it; only a
    package imported from a zip needs importlib.resources, whose import (zipfile,
    tempfile, threading) cost a tenth of a small check. OSError when it is not there."""
    from portlint.source import ReadError, read_bytes  # the one reader, even for our files

    try:
        return read_bytes(os.path.join(_HERE, *parts), _MAX_BYTES).decode("utf-8")
    except ReadError:
        from importlib import resources

        return resources.files("portlint").joinpath(*parts).read_text("utf-8")
