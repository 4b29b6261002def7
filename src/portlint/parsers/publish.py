"""One Docker publish mapping written outside Compose (`docker run -p`, a quadlet's
`PublishPort=`) -> a host binding on its host port, or PL002 on the part at fault.

Both use Compose's short syntax (portlint.parsers.compose.ports); a mapping without a
host port publishes on a port the engine picks and is not reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portlint.model import Binding, Diagnostic, Namespace, ParseResult, Role
from portlint.source import Location


def add_host_publish(
    result: ParseResult,
    value: str,
    locate: Callable[[int, int], Location],
    at: int,
    what: str,
    *,
    image: str | None,
    name: str | None,
    **fields: Any,
) -> None:
    """Parse `value` (written at offset `at` of the text `locate(start, end)` places)
    and add its binding (`fields`: owner, format, label, ...; identity from `image` and
    `name`) or its PL002, whose message starts with `what` ("docker run -p")."""
    from portlint import registry
    from portlint.numbers import mention
    from portlint.parsers.compose.ports import PortSyntaxError, parse_port_spec

    def span(start: int, end: int) -> Location:
        return locate(at + start, at + end)

    try:
        spec = parse_port_spec(value)
    except PortSyntaxError as error:
        if error.length:
            where = span(error.offset, error.offset + error.length)
        else:
            where = span(0, len(value))
        result.diagnostics.append(
            Diagnostic("PL002", f"{what}{mention(value)}: {error}", where, key=value)
        )
        return
    host = spec.host
    if host is None:
        return
    result.bindings.append(
        Binding(
            port=host.start,
            end_port=host.end,
            protocol=spec.protocol,
            namespace=Namespace.host(),
            role=Role.PUBLISH,
            location=span(host.offset, host.offset + host.length),
            address=spec.address,
            identity=registry.identify(image=image, name=name),
            image=image,
            pick_one=spec.pick_one,
            **fields,
        )
    )
