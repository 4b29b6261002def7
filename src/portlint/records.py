"""Plain data records: each class lists its fields as annotations, `__slots__` and an
`__init__` written out; this base gives them repr, equality, `replace()` and fast pickling.

Not dataclasses: importing `dataclasses` (and `inspect` with it) and generating three
methods per class with exec() cost ~30 ms of every run's start, a fifth of a pre-commit
check of one file, for ~45 classes whose code never changes at run time.

Contract for a subclass: `__slots__` names every field in the order `__init__` takes
them, and `__init__` accepts each field by that name (pickling and `replace()` call it).
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, TypeVar

_R = TypeVar("_R", bound="Record")


class Record:
    __slots__ = ()
    #: Per subclass: the instance's field values as a tuple (attrgetter: C, no frame).
    _getter: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls.__slots__
        if not names:
            return  # an abstract base (FrozenRecord)
        getter = attrgetter(*names)
        cls._getter = staticmethod(
            (lambda record: (getter(record),)) if len(names) == 1 else getter
        )

    def _values(self) -> tuple:
        return self._getter(self)

    def __repr__(self) -> str:
        pairs = ", ".join(
            f"{name}={value!r}" for name, value in zip(self.__slots__, self._values(), strict=True)
        )
        return f"{type(self).__name__}({pairs})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __reduce__(self) -> tuple[type, tuple]:
        """Pickled as a constructor call: parse results cross from worker processes
        (portlint.workers), and this is a third faster than the generic slots state."""
        return type(self), self._values()

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with some fields changed."""
        values = dict(zip(self.__slots__, self._values(), strict=True))
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A record treated as a value: hashable by its fields (never mutate one)."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values())
