"""Organisation policies (policies/*.yaml): range data for the range rules."""

from __future__ import annotations

from pathlib import Path

from portlint.options import Policy


def load_policy(name_or_path: str, base_dir: Path) -> Policy:
    """A shipped preset by name, or a policy file by path (relative to base_dir)."""
    return Policy(name=name_or_path)
