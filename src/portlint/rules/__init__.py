"""Rule registration: checks are pure functions of the model and the options.

    @check("PL101")
    def host_collisions(model: Model, options: Options) -> Iterator[Finding]: ...

Rule modules are imported lazily by `all_checks()`; a rule module imports nothing from
`cli` or `report`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from portlint.rules.catalogue import BY_ID

if TYPE_CHECKING:
    from portlint.findings import Finding
    from portlint.model import Model
    from portlint.options import Options

CheckFunction = Callable[["Model", "Options"], Iterable["Finding"]]

_CHECKS: list[tuple[str, CheckFunction]] = []

#: The rule-family modules; each registers its checks on import.
RULE_MODULES = (
    "validity",
    "collisions",
    "privileged",
    "ranges",
    "references",
    "exposure",
    "templates",
    "hostsocket",
    "served",
    "names",
)


def check(rule_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function that yields findings for `rule_id`."""
    if rule_id not in BY_ID:
        raise KeyError(f"{rule_id} is not in the catalogue")

    def register(function: CheckFunction) -> CheckFunction:
        _CHECKS.append((rule_id, function))
        return function

    return register


def all_checks() -> list[tuple[str, CheckFunction]]:
    for name in RULE_MODULES:
        try:
            importlib.import_module(f"portlint.rules.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"portlint.rules.{name}":
                raise
    return list(_CHECKS)
