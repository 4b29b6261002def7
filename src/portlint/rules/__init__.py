"""Rule registration: checks are pure functions of the model and the options.

    @check("PL101")
    def host_collisions(model: Model, options: Options) -> Iterator[Finding]: ...

A rule module is imported when one of its checks is first called (`all_checks()`), so a
run imports only the modules of the rules it runs; a rule module imports nothing from
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

#: The rule-family modules, each with the rules of the checks it registers on import, in
#: the order it registers them (tests/test_startup.py holds them to that): a run imports
#: only the modules of the rules it runs.
RULE_MODULES: dict[str, tuple[str, ...]] = {
    "validity": ("PL001", "PL002", "PL003", "PL004", "PL005"),
    "collisions": ("PL101", "PL102", "PL103"),
    "privileged": ("PL201", "PL202"),
    "ranges": ("PL302", "PL301", "PL303", "PL304", "PL305"),
    "references": ("PL401", "PL402", "PL403", "PL404"),
    "exposure": ("PL501", "PL502"),
    "templates": ("PL007",),
    "hostsocket": ("PL105", "PL001"),
    "served": ("PL405",),
    "names": ("PL006", "PL104"),
}

#: Checks registered so far, by module, in registration order.
_REGISTERED: dict[str, list[tuple[str, CheckFunction]]] = {}


def check(rule_id: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function that yields findings for `rule_id`."""
    if rule_id not in BY_ID:
        raise KeyError(f"{rule_id} is not in the catalogue")

    def register(function: CheckFunction) -> CheckFunction:
        _REGISTERED.setdefault(function.__module__, []).append((rule_id, function))
        return function

    return register


class _Deferred:
    """A check of a rule module not imported yet: the module is imported on the first call."""

    __slots__ = ("module", "rule_id", "nth", "function")

    def __init__(self, module: str, rule_id: str, nth: int) -> None:
        self.module, self.rule_id, self.nth = module, rule_id, nth
        self.function: CheckFunction | None = None

    def __call__(self, model: Model, options: Options) -> Iterable[Finding]:
        return (self.function or self.load())(model, options)

    def load(self) -> CheckFunction:
        """The check function itself (its module imported now if it was not)."""
        if self.function is None:
            name = f"portlint.rules.{self.module}"
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as error:  # not installed: its rules find nothing
                if error.name != name:
                    raise
            found = [f for rule, f in _REGISTERED.get(name, []) if rule == self.rule_id]
            self.function = found[self.nth] if self.nth < len(found) else _nothing
        return self.function


def _nothing(model: Model, options: Options) -> Iterable[Finding]:
    return ()


def _deferred() -> list[tuple[str, CheckFunction]]:
    checks: list[tuple[str, CheckFunction]] = []
    for module, rule_ids in RULE_MODULES.items():
        seen: dict[str, int] = {}
        for rule_id in rule_ids:
            checks.append((rule_id, _Deferred(module, rule_id, seen.get(rule_id, 0))))
            seen[rule_id] = seen.get(rule_id, 0) + 1
    return checks


_CHECKS = _deferred()


def all_checks() -> list[tuple[str, CheckFunction]]:
    """Every check, rule modules in `RULE_MODULES` order: each is imported when one of its
    checks is first called (a run calls only the checks of the rules it runs), then checks
    registered by any other module."""
    own = {f"portlint.rules.{name}" for name in RULE_MODULES}
    others = [c for module, cs in _REGISTERED.items() if module not in own for c in cs]
    return [*_CHECKS, *others]


def load_all() -> list[tuple[str, CheckFunction]]:
    """Every check function itself, every rule module imported (what instruments or
    inspects them all: the fuzz targets, tests)."""
    checks: list[tuple[str, CheckFunction]] = []
    for rule_id, function in all_checks():
        if isinstance(function, _Deferred):
            function = function.load()
        checks.append((rule_id, function))
    return checks
