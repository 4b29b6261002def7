"""Fast pickling for the records that cross between processes (portlint.workers)."""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import TypeVar

_T = TypeVar("_T")


def pickled_by_constructor(cls: type[_T]) -> type[_T]:
    """Pickle a slots dataclass as a call of its constructor with every field.

    Parse results cross from worker processes pickled (portlint.workers); dataclasses'
    own __getstate__/__setstate__ for slots walk fields() in Python for every object,
    which made that crossing a third slower. Only for classes whose fields are all
    __init__ arguments, in order."""
    getter = attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self):  # noqa: N807 - pickle's protocol
        return cls, getter(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign,assignment]
    return cls
