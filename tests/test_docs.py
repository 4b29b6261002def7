"""Every rule has a documentation page in fixed sections, printed by `portlint explain`."""

from __future__ import annotations

from pathlib import Path

import pytest

from portlint.docs import doc_filename, rule_doc
from portlint.rules.catalogue import CATALOGUE

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"
SECTIONS = ("## What it flags", "## Why it breaks", "## Example", "## Fix")


@pytest.mark.parametrize("info", CATALOGUE, ids=lambda info: info.id)
def test_every_rule_has_a_page_with_every_section(info):
    page = DOCS / doc_filename(info)
    assert page.is_file(), f"missing {page}"
    text = page.read_text()
    assert text.splitlines()[0] == f"# {info.id} {info.name}"
    positions = [text.find(section) for section in SECTIONS]
    assert all(p > 0 for p in positions), f"{page.name} lacks a section"
    assert positions == sorted(positions), f"{page.name}: sections out of order"


@pytest.mark.parametrize("info", CATALOGUE, ids=lambda info: info.id)
def test_explain_serves_the_same_page_from_the_installed_package(info):
    assert rule_doc(info) == (DOCS / doc_filename(info)).read_text()


def test_no_stray_pages():
    names = {doc_filename(info) for info in CATALOGUE}
    assert {p.name for p in DOCS.glob("*.md")} <= names
