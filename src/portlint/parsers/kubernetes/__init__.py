"""Kubernetes manifests: YAML (multi-document) and JSON objects, `kind: List`, stdin.

Every object becomes bindings (container ports, host ports, hostNetwork listeners,
Service ports, NodePorts) and objects for the reference rules (`k8s_objects`). Namespaces:

- ``pod:<cluster>/<ns>/<Kind>/<name>``        the containers of one pod template
- ``k8s-node:<cluster>``                      hostPorts and hostNetwork ports
- ``k8s-nodeports:<cluster>``                 NodePorts
- ``service:<cluster>/<ns>/<name>@<path>``    one Service's ports (per file: overlay copies
                                              of one Service never collide)

Objects that hold unrendered template placeholders (`{{ }}`) are a PL001 and are not
read further: their names and ports are not the ones that will be deployed. The
annotation `portlint.dev/ignore: "PL202,PL301"` on an object (or its pod template)
suppresses those rules on the object's lines.

Modules by job: `workloads` (pod templates, containers, host ports, probes), `services`
(Services, NodePorts, Ingress backends), `values` (ports, names and protocols read as the
API server reads them). The objects themselves are `portlint.k8s_objects` (the model).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portlint.k8s_objects import PodTemplate
from portlint.model import MAX_PORT, Diagnostic, ParseResult, Suppression
from portlint.numbers import parse_int
from portlint.parsers import ParseContext
from portlint.parsers.kubernetes.services import parse_ingress, parse_service
from portlint.parsers.kubernetes.values import ObjectContext, scalar_text
from portlint.parsers.kubernetes.workloads import TEMPLATE_PATHS, parse_workload, template_of
from portlint.source import SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    is_plain_int,
    kind_name,
    location,
)

IGNORE_ANNOTATION = "portlint.dev/ignore"
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}")
# Text with neither `{{` nor `{ {` has no placeholder and no flow mapping used as a key:
# one scan of the file instead of a walk of every object (most manifests).
_MAYBE_TEMPLATE = re.compile(r"\{\s*\{")
_CORE_GROUPS = frozenset({"apps", "batch", "extensions", "policy", "autoscaling"})


class KubernetesParser:
    format = "kubernetes"
    group_by_directory = False

    def claims(self, document: YamlDocument) -> bool:
        """Objects with `apiVersion` and `kind` of Kubernetes' own API groups (custom
        resources of other groups are left to parsers that know them)."""
        node = document.node
        api_version, kind = scalar_text(get(node, "apiVersion")), scalar_text(get(node, "kind"))
        if api_version is None or kind is None:
            return False
        if kind in TEMPLATE_PATHS or kind in ("Service", "Ingress") or _is_list(node):
            return True
        group = api_version.rpartition("/")[0]
        return group == "" or group in _CORE_GROUPS or group.endswith(".k8s.io")

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        may_be_template: dict[int, bool] = {}
        patches = _PatchFiles(ctx)
        copies: dict[tuple[str, ...], int] = {}
        for document in documents:
            source = document.source
            if id(source) not in may_be_template:
                may_be_template[id(source)] = _MAYBE_TEMPLATE.search(source.text) is not None
            for node in _objects(document.node):
                _parse_object(
                    source, node, ctx, result, may_be_template[id(source)], patches, copies
                )
        return result


class _PatchFiles:
    """Whether a file is a kustomize patch, asked once per file and only of files with
    a workload (`patches.is_patch_file`)."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.known: dict[int, bool] = {}

    def __call__(self, source: SourceFile) -> bool:
        found = self.known.get(id(source))
        if found is None:
            from portlint.parsers.kubernetes.patches import is_patch_file

            found = self.known[id(source)] = is_patch_file(source, self.ctx)
        return found


PARSERS = [KubernetesParser()]


def _is_list(node: Node) -> bool:
    kind = scalar_text(get(node, "kind")) or ""
    return kind.endswith("List") and isinstance(get(node, "items"), SequenceNode)


def _objects(node: Node) -> Iterator[MappingNode]:
    """The objects of a document: itself, or the items of a List (`kubectl get -o yaml`)."""
    if _is_list(node):
        items = get(node, "items")
        for item in items.value if isinstance(items, SequenceNode) else ():
            yield from _objects(item)
    elif isinstance(node, MappingNode):
        yield node


def _parse_object(
    source: SourceFile,
    node: MappingNode,
    ctx: ParseContext,
    result: ParseResult,
    may_be_template: bool = True,
    patches: _PatchFiles | None = None,
    copies: dict[tuple[str, ...], int] | None = None,
) -> None:
    kind = scalar_text(get(node, "kind")) or ""
    metadata = get(node, "metadata")
    name = scalar_text(get(metadata, "name")) or scalar_text(get(metadata, "generateName"))
    namespace = scalar_text(get(metadata, "namespace")) or "default"
    reads_scalars = kind in TEMPLATE_PATHS or kind in ("Service", "Ingress")
    placeholder = _placeholder(node, reads_scalars) if may_be_template else None
    if placeholder is not None:
        result.diagnostics.append(_template_error(source, placeholder))
        return
    _annotation_suppressions(source, node, kind, result)
    octx = ObjectContext(source, result, kind, namespace, name or "?")
    if copies is not None and kind == "Service":
        key = (source.display, namespace, name or "?")
        octx.copy = copies[key] = copies.get(key, 0) + 1
    if kind in TEMPLATE_PATHS:
        is_patch = patches or _PatchFiles(ctx)
        pod: PodTemplate | None = parse_workload(octx, node, lambda: is_patch(source))
        if pod is not None:
            result.workloads.append(pod)
    elif kind == "Service":
        result.services.append(parse_service(octx, node))
    elif kind == "Ingress":
        result.backends.extend(parse_ingress(octx, node))
    elif kind == "ConfigMap":
        from portlint.parsers.kubernetes.configmaps import parse_configmap

        result.configmaps.append(parse_configmap(octx, node, ctx))
    elif kind == "PodSecurityPolicy":
        _psp_host_ports(octx, get(get(node, "spec"), "hostPorts"))
    result.bindings.extend(octx.bindings)


def _psp_host_ports(ctx: ObjectContext, ranges: Node | None) -> None:
    """A PodSecurityPolicy's allowed hostPorts ranges: min and max within 0-65535."""
    for entry in ranges.value if isinstance(ranges, SequenceNode) else ():
        bounds = {}
        for key in ("min", "max"):
            value = get(entry, key)
            if isinstance(value, ScalarNode) and is_plain_int(value):
                number = parse_int(value.value)
                bounds[key] = MAX_PORT + 1 if number is None else number
                if not 0 <= bounds[key] <= MAX_PORT:
                    ctx.diag(
                        "PL002",
                        f"hostPorts {key} {value.value} is outside 0-65535",
                        value,
                        key=f"hostPorts.{key}={value.value}",
                    )
            elif value is not None:
                ctx.diag(
                    "PL002", f"hostPorts {key} must be a port number, not {kind_name(value)}", value
                )
        if bounds.get("min", 0) > bounds.get("max", MAX_PORT):
            ctx.diag("PL002", f"hostPorts range {bounds['min']}-{bounds['max']} is reversed", entry)


# --- unrendered templates ------------------------------------------------------------


def _placeholder(node: Node, read_scalars: bool) -> Node | None:
    """The first template placeholder in an object: `{{x}}` that YAML composed into a
    mapping (anywhere), or `{{ }}` inside a scalar of an object portlint reads (outside
    annotations, which legitimately hold templates for other tools)."""
    stack: list[tuple[Node, bool]] = [(node, read_scalars)]
    while stack:
        current, scalars = stack.pop()
        if isinstance(current, ScalarNode):
            if scalars and "{{" in current.value and _PLACEHOLDER.search(current.value):
                return current
        elif isinstance(current, MappingNode):
            children = []
            for key, value in current.value:
                if isinstance(key, MappingNode) and key.flow_style:
                    return current
                skip = isinstance(key, ScalarNode) and key.value == "annotations"
                children.append((value, scalars and not skip))
            stack.extend(reversed(children))  # document order: report the first one
        elif isinstance(current, SequenceNode):
            stack.extend((item, scalars) for item in reversed(current.value))
    return None


def _template_error(source: SourceFile, node: Node) -> Diagnostic:
    """PL001 at the placeholder itself, found in the raw text of the node."""
    first = _offset(source, node.start_mark.line, node.start_mark.column)
    last = _offset(source, node.end_mark.line, node.end_mark.column)
    match = _PLACEHOLDER.search(source.text, first, max(first, last))
    if match is None:
        where, shown = location(source, node), "{{ }}"
    else:
        where, shown = source.location(match.start(), match.end()), match.group(0)
    return Diagnostic(  # PL007, not PL001: a template is not broken (portlint.render)
        "PL007",
        f"unrendered template placeholder {shown}: this is a template, not a manifest, so "
        "its ports are not checked; render it (helm template, kustomize build, ...) and "
        "check the output",
        where,
        key=f"template:{shown}",
    )


def _offset(source: SourceFile, line: int, column: int) -> int:
    """Character offset of a 0-based (line, column) mark."""
    position = 0
    for _ in range(line):
        position = source.text.find("\n", position) + 1
        if position == 0:
            return len(source.text)
    return position + column


# --- annotations -----------------------------------------------------------------------


def _annotation_suppressions(
    source: SourceFile, node: MappingNode, kind: str, result: ParseResult
) -> None:
    """`portlint.dev/ignore` on the object's or its pod template's metadata silences
    those rules on every line of the object."""
    metadatas = [get(node, "metadata")]
    if kind in TEMPLATE_PATHS and TEMPLATE_PATHS[kind]:
        metadatas.append(get(template_of(node, kind), "metadata"))
    first = node.start_mark.line + 1
    last = node.end_mark.line + (1 if node.end_mark.column > 0 else 0)
    for metadata in metadatas:
        value = get(get(metadata, "annotations"), IGNORE_ANNOTATION)
        text = scalar_text(value)
        if text is None or value is None:
            continue
        rules = frozenset(part.strip() for part in text.split(",") if part.strip())
        result.suppressions.append(
            Suppression(source.display, first, max(first, last), rules, location(source, value))
        )
