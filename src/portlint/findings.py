"""Findings: what rules produce and reporters render."""

from __future__ import annotations

from enum import Enum

from portlint.records import FrozenRecord, Record, field
from portlint.source import Location


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Related(FrozenRecord):
    location: Location
    message: str


class Finding(Record):
    rule: str  # e.g. "PL101"
    message: str
    location: Location
    severity: Severity | None = None  # None: the rule's configured severity
    related: list[Related] = field(default_factory=list)
    #: Stable subject (owner, port, namespace...) that, with rule and path, makes the
    #: fingerprint; never a line number, so a baseline survives moved lines.
    key: str = ""
    fingerprint: str = ""

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule, self.message)
