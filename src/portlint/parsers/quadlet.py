"""Podman quadlet units: `PublishPort=` of `[Container]` (`.container`), `[Pod]` (`.pod`)
and `[Kube]` (`.kube`) sections, the same mapping syntax as `podman run -p`; each binding
on its host port, owned by the unit (`quadlet:<path>`). A mapping without a host port
publishes on a port Podman picks and is not reported. The Kubernetes YAML a `.kube`
unit's `Yaml=` names publishes its hostPorts on the host too (portlint.parsers.kubeplay),
and is also read where it lies in the tree, as Kubernetes.
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.source import SourceFile

_LINE = re.compile(
    r"^[ \t]*(?:\[(?P<section>[^\]\n]*)\]"
    r"|(?P<key>PublishPort|Yaml)[ \t]*=[ \t]*(?P<value>[^\n#]*?))[ \t\r]*$",
    re.M,
)
#: The unit suffixes and the section of each that holds `PublishPort=`.
_SECTIONS = {".container": "Container", ".pod": "Pod", ".kube": "Kube"}
_IMAGE = re.compile(r"^[ \t]*Image[ \t]*=[ \t]*(\S+)", re.M)


class QuadletParser:
    format = "quadlet"

    def matches(self, path: Path) -> bool:
        return path.suffix in _SECTIONS

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        from portlint.parsers.hostconf import is_templated
        from portlint.parsers.publish import add_host_publish

        result = ParseResult()
        image_match = _IMAGE.search(source.text)
        image = image_match.group(1) if image_match else None
        unit = source.path.stem
        section = ""
        for match in _LINE.finditer(source.text):
            if match.group("section") is not None:
                section = match.group("section")
                continue
            value = match.group("value")
            if section != _SECTIONS[source.path.suffix] or not value or is_templated(value):
                continue
            if match.group("key") == "Yaml":
                if section == "Kube":
                    from portlint.parsers.kubeplay import host_ports

                    result.bindings.extend(host_ports(source, value, ctx))
                continue
            add_host_publish(
                result,
                value,
                source.location,
                match.start("value"),
                "PublishPort",
                image=image,
                name=unit,
                owner=f"quadlet:{source.display}",
                format="quadlet",
                label=f"quadlet {unit!r}",
            )
        return result


PARSERS = [QuadletParser()]
