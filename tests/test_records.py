"""Every record class keeps the contract portlint.records relies on: `__slots__` lists the
fields in `__init__`'s order, so pickling (workers) and `replace()` rebuild it exactly."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import portlint
from portlint.model import Binding, Namespace, Protocol, Role, Target
from portlint.options import Limits
from portlint.records import FrozenRecord, Record
from portlint.source import Location


def _record_classes() -> list[type]:
    for module in pkgutil.walk_packages(portlint.__path__, "portlint."):
        if not module.name.endswith("__main__"):  # that one runs the command
            importlib.import_module(module.name)
    found, stack = [], [Record]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__slots__:
                found.append(sub)
    return found


def test_slots_follow_init_parameters():
    classes = _record_classes()
    assert len(classes) > 40
    for cls in classes:
        parameters = list(inspect.signature(cls.__init__).parameters)[1:]
        assert parameters == list(cls._names), cls.__qualname__
        # A field that is a property (Binding.location, SourceFile.text) is kept in
        # private slots its setter or `__init__` fills, and a hand-written `__init__` may
        # keep a value worked out from the fields (Namespace._hash): those are not fields.
        written = not cls.__init__.__code__.co_filename.startswith("<record")
        derived = written or any(
            isinstance(getattr(cls, name, None), property) for name in cls._names
        )
        state = {s for s in cls.__slots__ if s != "__dict__" and not (derived and s[0] == "_")}
        assert set(cls._names) >= state, cls.__qualname__


def test_binding_location_kept_in_the_binding_round_trips():
    """A binding stores its location's parts itself: what it gives back is the location
    it was given, one-line or not, through setting, pickling and replace()."""
    one_line = Location("compose.yaml", 300, 7, 300, 11)
    binding = Binding(80, Protocol.TCP, Namespace("host"), Role.PUBLISH, "w", "compose", one_line)
    assert binding.location == one_line and not binding.__dict__
    spanning = Location("compose.yaml", 3, 7, 5, 2)
    binding.location = spanning
    assert binding.location == spanning
    copy = pickle.loads(pickle.dumps(binding))
    assert copy.location == spanning and copy == binding
    binding.location = one_line  # back on one line: the end line kept apart goes
    assert binding.location == one_line and not binding.__dict__
    assert binding.replace(port=81).location == one_line
    assert binding != copy


def test_binding_fields_kept_as_class_defaults_round_trip():
    """Binding's rarely set fields are class defaults until set: a binding that sets one
    keeps it through pickling and replace(), and equality sees it."""
    where = Location("nginx.conf", 2, 12, 2, 14)
    plain = Binding(80, Protocol.TCP, Namespace("host"), Role.LISTEN, "nginx", "nginx", where)
    assert "daemon" not in Binding.__slots__ and "__dict__" in Binding.__slots__
    assert (plain.daemon, plain.default, plain.profiles, plain.source) == (
        None,
        False,
        frozenset(),
        "",
    )
    assert not plain.__dict__  # nothing stored for the defaults
    set_one = plain.replace(daemon="nginx", default=True, source="flag --port")
    assert (set_one.daemon, set_one.default, set_one.source) == ("nginx", True, "flag --port")
    assert set_one != plain and plain.daemon is None
    copy = pickle.loads(pickle.dumps(set_one))
    assert copy == set_one and copy.daemon == "nginx"
    assert "daemon='nginx'" in repr(copy)


def test_pickle_replace_equality_and_hash():
    where = Location("compose.yaml", 3, 7, 3, 11)
    binding = Binding(
        8080,
        Protocol.TCP,
        Namespace("host", "default"),
        Role.PUBLISH,
        "web",
        "compose",
        where,
        end_port=8081,
        target=Target(80, 81),
    )
    copy = pickle.loads(pickle.dumps(binding))
    assert copy == binding and copy is not binding
    assert copy.replace(port=9090) != binding
    assert "Binding(port=8080, protocol=" in repr(binding)
    limits = Limits()
    assert limits.replace(max_depth=20).max_depth == 20 and limits.max_depth == 500
    assert isinstance(limits, FrozenRecord) and hash(limits) == hash(Limits())


def test_generated_init_defaults_and_fresh_factories():
    from typing import ClassVar

    from portlint.records import field

    class Sample(Record):
        name: str
        count: int = 3
        items: list[int] = field(default_factory=list)
        kinds: ClassVar[tuple[str, ...]] = ("a",)

    assert Sample.__slots__ == ("name", "count", "items")
    first, second = Sample("a"), Sample("b", 4)
    assert (first.count, second.count) == (3, 4)
    first.items.append(1)
    assert second.items == [] and first.items == [1]
    assert Sample("c", items=None).items == []
    assert Sample.kinds == ("a",)
    assert first.replace(count=9) == Sample("a", 9, [1])


def test_shrunk_parse_result_still_merges():
    """A group's result is shrunk once parsed (empty lists become one shared tuple) and
    only merged afterwards: the merge is the same."""
    from portlint.model import Diagnostic, ParseResult

    where = Location("compose.yaml", 1, 1, 1, 2)
    part = ParseResult(diagnostics=[Diagnostic("PL001", "bad", where)])
    part.shrink()
    assert part.bindings == () and part.diagnostics == [Diagnostic("PL001", "bad", where)]
    merged = ParseResult()
    merged.extend(part)
    assert merged.diagnostics == part.diagnostics and merged.bindings == []
    assert isinstance(merged.bindings, list)


def test_namespace_keeps_its_hash_through_pickling_and_replace():
    """The kept hash is the fields' hash in every process and copy: a namespace from a
    worker or the cache finds the same dict entries as one made here."""
    made = Namespace("container", path="shop/web")
    assert hash(made) == hash(("container", "", "shop/web", ""))
    copy = pickle.loads(pickle.dumps(made))
    assert copy == made and hash(copy) == hash(made) and copy is not made
    moved = made.replace(group="edge")
    assert hash(moved) == hash(("container", "edge", "shop/web", "")) and moved != made
    assert {made: 1}[Namespace("container", path="shop/web")] == 1
    assert Namespace("host") != Namespace("host", group="a") and Namespace("host") != "host"
