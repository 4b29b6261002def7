"""portlint.yamlclasses: the composers build slotted node classes, and every loader in
the process still resolves, constructs and dumps exactly what PyYAML's own classes give."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
import yaml.composer
import yaml.nodes

from portlint import yamlclasses
from portlint.yamllimits import HAVE_LIBYAML, SafeLoader

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

_ORIGINALS = {
    "ScalarNode": yaml.nodes.ScalarNode,
    "SequenceNode": yaml.nodes.SequenceNode,
    "MappingNode": yaml.nodes.MappingNode,
}


def _modules() -> list:
    modules: list = [yaml.composer]
    if HAVE_LIBYAML:
        import yaml._yaml as libyaml  # type: ignore[import-not-found]

        modules.append(libyaml)
    return modules


def _with_pyyaml_classes(compose):
    """Run `compose` with PyYAML's own node classes in both composers (and put
    portlint's back after)."""
    saved = [(m, {n: getattr(m, n) for n in _ORIGINALS}) for m in _modules()]
    try:
        for module, _ in saved:
            for name, cls in _ORIGINALS.items():
                setattr(module, name, cls)
        return compose()
    finally:
        for module, names in saved:
            for name, cls in names.items():
                setattr(module, name, cls)


def _shape(node, seen=None):
    """A node graph as plain data: kind, tag, value, marks and style, recursively."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return ("alias",)
    seen.add(id(node))
    marks = (node.start_mark.index, node.start_mark.line, node.start_mark.column)
    marks += (node.end_mark.index, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.nodes.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.nodes.SequenceNode):
        children = [_shape(child, seen) for child in node.value]
        return ("seq", node.tag, node.flow_style, marks, children)
    pairs = [(_shape(k, seen), _shape(v, seen)) for k, v in node.value]
    return ("map", node.tag, node.flow_style, marks, pairs)


def _corpus_yaml(limit: int = 150) -> list[Path]:
    found = sorted(p for p in (CORPUS / "kubernetes").rglob("*.y*ml"))[: limit // 2]
    found += sorted(p for p in (CORPUS / "compose").rglob("*.y*ml"))[: limit // 2]
    return found


def test_composers_build_the_slotted_classes():
    node = yaml.compose("a: [1, {b: c}]\n", Loader=SafeLoader)
    sequence = node.value[0][1]
    assert type(node) is yamlclasses.MappingNode
    assert type(sequence) is yamlclasses.SequenceNode
    assert type(sequence.value[0]) is yamlclasses.ScalarNode
    assert type(yaml.compose("a: 1\n", Loader=yaml.SafeLoader)) is yamlclasses.MappingNode
    assert not hasattr(sequence.value[0], "__dict__") or not vars(sequence.value[0])
    # PyYAML's implicit types still resolve: an int, a float, a bool, a null, a str
    tags = [v.tag for v in yaml.compose("[1, 1.5, true, ~, x]", Loader=SafeLoader).value]
    assert tags == [f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null", "str")]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
@pytest.mark.parametrize("loader", [SafeLoader, yaml.SafeLoader], ids=["libyaml", "python"])
def test_composed_graphs_equal_pyyaml_classes_on_the_corpus(loader):
    files = _corpus_yaml()
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            ours = [_shape(n) for n in yaml.compose_all(text, Loader=loader) if n is not None]
        except yaml.YAMLError:
            continue
        theirs = _with_pyyaml_classes(
            lambda text=text: [
                _shape(n) for n in yaml.compose_all(text, Loader=loader) if n is not None
            ]
        )
        assert ours == theirs, path


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus not present")
def test_loading_and_dumping_are_unchanged():
    for path in _corpus_yaml(60):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            ours = list(yaml.load_all(text, Loader=SafeLoader))  # noqa: S506 - the safe loader
        except yaml.YAMLError:
            continue
        theirs = _with_pyyaml_classes(lambda text=text: list(yaml.safe_load_all(text)))
        assert ours == theirs, path
        assert yaml.safe_dump_all(ours) == _with_pyyaml_classes(
            lambda ours=ours: yaml.safe_dump_all(ours)
        )
