"""Findings: what rules produce and reporters render."""

from __future__ import annotations

from enum import Enum

from portlint.records import FrozenRecord, Record
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

    __slots__ = ("location", "message")

    def __init__(self, location: Location, message: str) -> None:
        self.location = location
        self.message = message


class Finding(Record):
    rule: str  # e.g. "PL101"
    message: str
    location: Location
    severity: Severity | None  # None: the rule's configured severity
    related: list[Related]
    #: Stable subject (owner, port, namespace...) that, with rule and path, makes the
    #: fingerprint; never a line number, so a baseline survives moved lines.
    key: str
    fingerprint: str

    __slots__ = ("rule", "message", "location", "severity", "related", "key", "fingerprint")

    def __init__(
        self,
        rule: str,
        message: str,
        location: Location,
        severity: Severity | None = None,
        related: list[Related] | None = None,
        key: str = "",
        fingerprint: str = "",
    ) -> None:
        self.rule = rule
        self.message = message
        self.location = location
        self.severity = severity
        self.related = [] if related is None else related
        self.key = key
        self.fingerprint = fingerprint

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule, self.message)
