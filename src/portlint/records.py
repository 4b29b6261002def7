"""Plain data records: a class lists its fields as annotations (with defaults where it has
them); this base builds `__slots__` and `__init__` from them and gives repr, equality,
`replace()` and fast pickling.

Not dataclasses: importing `dataclasses` (and `inspect` with it) and generating three
methods per class cost ~30 ms of every run's start, a fifth of a pre-commit check of one
file. Here the metaclass compiles one small `__init__` per class from its annotations
(a few milliseconds for every record class together).

Contract for a subclass: fields are the class's own annotations, in order (`ClassVar`
annotations are not fields). A default is a plain value, or `field(default_factory=list)`
for a fresh mutable value per instance (the parameter then defaults to None, as the
written-out `__init__`s did). A class may still write its own `__init__` (when
construction does more than store the values); it must take every field by name, in
`__slots__` order, because pickling and `replace()` call it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - Python 3.10

    def dataclass_transform(**_kwargs: Any) -> Callable[[Any], Any]:
        return lambda cls: cls


_R = TypeVar("_R", bound="Record")
_T = TypeVar("_T")


class _Factory:
    """Marks a field whose default is made fresh per instance."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], _T]) -> _T:
    """The default of a mutable field: `bindings: list[Binding] = field(default_factory=list)`
    (the keyword is what type checkers read through `dataclass_transform`)."""
    return _Factory(default_factory)  # type: ignore[return-value]


def _is_field(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return not str(text).startswith(("ClassVar", "typing.ClassVar"))


def _build_init(name: str, fields: list[str], defaults: dict[str, Any]) -> Callable[..., None]:
    """Compile `__init__(self, a, b=<default>, ...)` storing each argument."""
    params, body, scope = [], [], {}
    for field in fields:
        if field not in defaults:
            params.append(field)
            body.append(f"    self.{field} = {field}")
            continue
        default = defaults[field]
        if isinstance(default, _Factory):
            scope[f"_make_{field}"] = default.make
            params.append(f"{field}=None")
            body.append(f"    self.{field} = _make_{field}() if {field} is None else {field}")
        else:
            scope[f"_default_{field}"] = default
            params.append(f"{field}=_default_{field}")
            body.append(f"    self.{field} = {field}")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    code = compile(source, f"<record {name}>", "exec")
    eval(code, scope)  # our own generated source: field names are identifiers
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{name}.__init__"
    return init


class _RecordMeta(type):
    """Turns annotations into `__slots__` and `__init__` before the class exists (slots
    cannot be added afterwards)."""

    def __new__(
        mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> _RecordMeta:
        if "__slots__" not in namespace:
            annotations = namespace.get("__annotations__", {})
            fields = [
                field
                for field, annotation in annotations.items()
                if not field.startswith("__") and _is_field(annotation)
            ]
            defaults = {field: namespace.pop(field) for field in fields if field in namespace}
            namespace["__slots__"] = tuple(fields)
            if fields and "__init__" not in namespace:
                namespace["__init__"] = _build_init(name, fields, defaults)
        return super().__new__(mcls, name, bases, namespace, **kwargs)


@dataclass_transform(field_specifiers=(field,))
class Record(metaclass=_RecordMeta):
    __slots__ = ()
    #: Per subclass: the instance's field values as a tuple (attrgetter: C, no frame).
    _getter: Any = None

    #: Per subclass: its field names in order: `__slots__`, unless the class lists them
    #: in `_record_fields` itself (a class keeping its rarely set fields as class
    #: defaults, beside a `__dict__` slot: see model.Binding).
    _names: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls.__dict__.get("_record_fields", cls.__slots__)
        if not names:
            return  # an abstract base (FrozenRecord)
        cls._names = names
        getter = attrgetter(*names)
        cls._getter = staticmethod(
            (lambda record: (getter(record),)) if len(names) == 1 else getter
        )

    def _values(self) -> tuple[Any, ...]:
        return self._getter(self)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        names = self._names
        pairs = ", ".join(
            f"{name}={value!r}" for name, value in zip(names, self._values(), strict=True)
        )
        return f"{type(self).__name__}({pairs})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        # The getter called here, not through _values(): hot (dict keys, model lookups).
        getter = self._getter
        return getter(self) == getter(other)  # type: ignore[no-any-return]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickled as a constructor call: parse results cross from worker processes
        (portlint.workers), and this is a third faster than the generic slots state."""
        return type(self), self._values()

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with some fields changed."""
        names = self._names
        values = dict(zip(names, self._values(), strict=True))
        values.update(changes)
        return type(self)(**values)


class FrozenRecord(Record):
    """A record treated as a value: hashable by its fields (never mutate one)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Record is unhashable on purpose
        return hash(self._getter(self))
