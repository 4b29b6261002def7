"""Rule documentation pages: docs/rules/<ID>-<name>.md, shipped inside the wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from portlint.rules.catalogue import RuleInfo

DOCS_URL = "https://github.com/portlint/portlint/blob/main/docs/rules/"


def doc_filename(info: RuleInfo) -> str:
    return f"{info.id}-{info.name}.md"


def help_uri(info: RuleInfo) -> str:
    return DOCS_URL + doc_filename(info)


def rule_doc(info: RuleInfo) -> str | None:
    """The page's Markdown: from the installed package, else from a source checkout."""
    name = doc_filename(info)
    packaged = resources.files("portlint").joinpath("docs", "rules", name)
    if packaged.is_file():
        return packaged.read_text("utf-8")
    checkout = Path(__file__).resolve().parents[2] / "docs" / "rules" / name
    if checkout.is_file():
        return checkout.read_text("utf-8")
    return None
