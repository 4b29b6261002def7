"""The result cache: what parsing a unit gave, kept between runs (as ruff keeps lint results).

A unit is one YAML/JSON file's claiming (which parser takes which of its documents, or
the PL001/PL007 it gave) and one document group's parse result (a Compose project, a
manifest); a rendered manifest (portlint.render) is a file whose text is its render.
A file's entry is keyed by its display path and a digest of its text; a
group's by its parser, its key and its members' entries; a group entry also records the
files its parse read (`.env`, includes) with their digests, and is used only when reading
them again gives the same text. What a hit saves is composing YAML and parsing it.
Rules always run on the whole model.

A YAML file is not even read when its stat is the one recorded with its digest (a stamp
entry: `stamp_key`, `source.file_stamp`) and the recording came `DOUBT_NS` or more after
the file last changed: a write moves the change time, which no call sets back, so only
two writes within one clock tick could keep a stamp, and a file recorded that soon after
a change is read every time (git's "racy" files). Such a file's source is as if read and
released: a snippet, a fix, a directive or a group that must parse reads it again, and
gets its text only if it is still the one recorded (source.SourceFile.unread).

One cache file per setting (portlint's version and sources, the parser set, the options,
the working directory), in `$PORTLINT_CACHE_DIR/units/` (see portlint.validated): written
whole under a temporary name and renamed, so concurrent runs each see a complete file
(the last writer wins); holding only the entries its run used, so it stays the size of
the tree; at most `MAX_FILES` such files are kept. A file that is not what this version
wrote (bad header or digest, not the user's, writable by others, a symlink, unpicklable,
a class outside portlint's records) is a miss, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import stat
import time
from collections.abc import Iterable
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from portlint import __version__
from portlint.records import Record
from portlint.source import SourceFile, text_stamp
from portlint.validated import _trusted, cache_dir

_MAGIC = b"portlint-units-1\n"
_DIGEST_SIZE = 16
#: Cache files kept (one per setting: a tree, its configuration, the working directory).
MAX_FILES = 32
#: A cache file over this is not written (the run is still correct, only slower next time).
MAX_BYTES = 512 * 1024 * 1024
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: object) -> bytes:
    """A short digest of canonical parts (text is digested as UTF-8)."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def text_digest(text: str) -> str:
    data = text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=_DIGEST_SIZE).hexdigest()


def canonical(value: Any) -> Any:
    """A value as nested tuples with sets sorted, the same in every process (a set's repr
    follows string hashing, which differs between runs)."""
    if isinstance(value, Record):
        return (type(value).__qualname__, *(canonical(v) for v in value._values()))
    if isinstance(value, dict):
        return ("dict", *sorted((repr(canonical(k)), canonical(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return ("set", *sorted(repr(canonical(v)) for v in value))
    if isinstance(value, list | tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, Enum):
        return f"{type(value).__qualname__}.{value.name}"
    if isinstance(value, PurePath):
        return str(value)
    return repr(value)


def code_signature(parsers: Iterable[object]) -> tuple:
    """portlint's version and sources (size and mtime of every module, so an edited
    checkout never reuses results) and the parser set, third-party ones included."""
    modules: list[tuple] = []
    stack = [str(_PACKAGE)]
    while stack:
        directory = stack.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                        stack.append(entry.path)
                    elif entry.name.endswith(".py"):
                        info = entry.stat()
                        modules.append((entry.path, info.st_size, info.st_mtime_ns))
        except OSError:
            continue
    kinds = []
    for parser in parsers:
        module = type(parser).__module__
        kinds.append((module, type(parser).__qualname__, _module_stamp(module)))
    return (__version__, tuple(sorted(modules)), tuple(kinds))


def _module_stamp(module: str) -> tuple:
    import sys

    file = getattr(sys.modules.get(module), "__file__", None)
    try:
        info = os.stat(file) if file else None
    except OSError:
        info = None
    return (file, info.st_size, info.st_mtime_ns) if info else (file,)


class _Unpickler(pickle.Unpickler):
    """Only portlint's own records and the few standard types they hold."""

    _ALLOWED = {
        ("builtins", "set"),
        ("builtins", "frozenset"),
        ("pathlib", "PosixPath"),
        ("pathlib", "WindowsPath"),
        ("pathlib", "PurePosixPath"),
        ("pathlib", "PureWindowsPath"),
        ("ipaddress", "IPv4Address"),
        ("ipaddress", "IPv6Address"),
        ("ipaddress", "IPv4Network"),
        ("ipaddress", "IPv6Network"),
    }

    #: Classes already let through, by (module, name): each entry is its own pickle, so
    #: the same few dozen globals are looked up for every one of thousands of entries.
    _checked: dict[tuple[str, str], Any] = {}

    def find_class(self, module: str, name: str) -> Any:
        found = self._checked.get((module, name))
        if found is not None:
            return found
        if (module, name) in self._ALLOWED:
            found = super().find_class(module, name)
        elif module.startswith("portlint."):
            found = super().find_class(module, name)
            # Only data: a record, an enum or a named tuple (Location), never a function.
            if not (isinstance(found, type) and issubclass(found, Record | Enum | tuple)):
                found = None
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not a portlint record")
        self._checked[(module, name)] = found
        return found


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def setting(parsers: Iterable[object], options: Any, roots: Iterable[Path]) -> bytes:
    """What a cache file is for: code, parsers, the options that may change a parse (all
    but the ones only rules and the command read), the working directory and the roots."""
    skipped = {"jobs", "fail_on", "host_sockets"}
    values = [
        (name, canonical(value))
        for name, value in zip(options.__slots__, options._values(), strict=True)
        if name not in skipped
    ]
    return digest("units", code_signature(parsers), values, os.getcwd(), [str(r) for r in roots])


#: A file changed this close to when its stamp was recorded, or later, is in doubt: a
#: second change within the same timestamp tick keeps its stamp (what git calls a racy
#: file). Two seconds covers the coarsest clocks (FAT keeps modification times in 2 s).
DOUBT_NS = 2_000_000_000


def stamp_key(display: str, stamp: tuple[int, ...]) -> bytes:
    """The key of what a file's text was when it had this stamp (source.file_stamp)."""
    return digest("stamp", display, stamp)


def stamp_entry(source: SourceFile, text: str) -> tuple[str, int, dict, int]:
    """What the next run needs of a file it need not read: its text's digest `text` (the
    key of its own entry and part of its group's), its stamp for a read again
    (source.text_stamp), the facts worked out from it (SourceFile.facts, whether it
    mentions portlint among them), and when this was recorded (just after the read; the
    stamp is discovery's stat, made before it, so a text is never recorded under a stamp
    newer than it)."""
    return (text, text_stamp(source.text), source.facts(), time.time_ns())


def unchanged(hit: Any, stamp: tuple[int, ...]) -> tuple[str, int, dict] | None:
    """A stamp entry's (digest, text stamp, facts) when it may be trusted: as this
    version writes it, and recorded well after the file last changed (`DOUBT_NS`)."""
    try:
        text, stamped, facts, recorded = hit
    except (TypeError, ValueError):
        return None
    if not (
        isinstance(text, str)
        and type(stamped) is int
        and isinstance(facts, dict)
        and all(isinstance(k, str) and isinstance(v, bool) for k, v in facts.items())
        and type(recorded) is int
    ):
        return None
    if max(stamp[1], stamp[2]) + DOUBT_NS > recorded:
        return None
    return text, stamped, dict(facts)


#: Entries up to this size may be shared between lookups (`UnitCache.get(shared=True)`).
_SMALL_ENTRY = 256


class UnitCache:
    """The entries of one setting: loaded at the start of a run, written at its end."""

    def __init__(self, setting: bytes, directory: Path | None = None) -> None:
        self.setting = setting
        self.directory = (directory or cache_dir()) / "units"
        self.path = self.directory / f"{setting.hex()}.cache"
        self.entries: dict[bytes, bytes] = {}
        self.loaded = 0  # entries the file held when loaded
        self.used: set[bytes] = set()  # keys hit this run (kept when writing)
        self.fresh: dict[bytes, bytes] = {}  # entries made this run
        self._small: dict[bytes, Any] = {}  # small unchanging entries, by their bytes

    # --- lookups (in whichever process parses) -----------------------------------------

    def get(self, key: bytes, shared: bool = False) -> Any:
        """The value stored under key, or None (also for an entry that does not load).
        `shared`: the caller never changes the value, so a small entry with the same bytes
        as one loaded before is that value again (most files' entries are alike)."""
        # Popped: each entry is used once a run, and its bytes go as soon as it is.
        data = self.fresh.get(key) or self.entries.pop(key, None)
        if data is None:
            return None
        value = self._small.get(data) if shared else None
        if value is None:
            try:
                value = loads(data)
            except Exception:  # noqa: BLE001 - a damaged entry is a miss
                return None
            if shared and len(data) <= _SMALL_ENTRY:
                self._small[data] = value
        self.used.add(key)
        return value

    def put(self, key: bytes, value: Any) -> None:
        # An unpicklable result is just not cached.
        with contextlib.suppress(Exception):
            self.fresh[key] = dumps(value)

    def take(self) -> tuple[set[bytes], dict[bytes, bytes]]:
        """What this process used and made since the last call (a chunk's share, which a
        worker sends back to the parent)."""
        taken = self.used, self.fresh
        self.used, self.fresh = set(), {}
        return taken

    def add(self, used: set[bytes], fresh: dict[bytes, bytes]) -> None:
        self.used |= used
        self.fresh.update(fresh)

    def release(self) -> None:
        """Forget every entry (after `save`): the run's later stages need none."""
        self.entries, self.used, self.fresh, self._small = {}, set(), {}, {}

    # --- the file ----------------------------------------------------------------------

    def load(self) -> None:
        """Read the cache file; anything unexpected leaves the cache empty."""
        self.entries = self._read()
        self.loaded = len(self.entries)

    def _read(self) -> dict[bytes, bytes]:
        try:
            if not _trusted(os.lstat(self.directory), stat.S_IFDIR):
                return {}
            descriptor = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return {}
        try:
            info = os.fstat(descriptor)
            if not _trusted(info, stat.S_IFREG) or info.st_size > MAX_BYTES:
                return {}
            with open(descriptor, "rb", closefd=False) as handle:
                data = handle.read()
        except OSError:
            return {}
        finally:
            os.close(descriptor)
        return _decode(data, self.setting)

    def save(self) -> None:
        """Write the entries this run used and made (nothing when nothing changed)."""
        if not self.fresh and len(self.used) == self.loaded:
            return
        # The used entries' bytes were let go: read them again (keys name contents, so
        # whatever run wrote the file since, an entry under the same key is as good).
        on_disk = self._read() if self.used else {}
        kept = {key: on_disk[key] for key in self.used if key in on_disk}
        kept.update(self.fresh)
        del on_disk
        temporary = self.directory / f".{self.path.name}.{os.getpid()}"
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(
                temporary,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                0o600,
            )
            try:
                _write_payload(descriptor, self.setting, kept)
            finally:
                os.close(descriptor)
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            return
        _prune(self.directory, keep=self.path.name)


class _Hashing:
    """A file the pickle is written to as it is made, digested on the way: the payload is
    never one bytes object (then a second one with the header), twice the entries' size
    at the end of a cold run."""

    __slots__ = ("handle", "hash", "size")

    def __init__(self, handle: io.BufferedWriter) -> None:
        self.handle = handle
        self.hash = hashlib.blake2b(digest_size=_DIGEST_SIZE)
        self.size = 0

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        self.size += len(data)
        if self.size > MAX_BYTES:  # stopped as it grows: never a file over the bound
            raise OSError("cache file over MAX_BYTES")
        return self.handle.write(data)


def _write_payload(descriptor: int, setting: bytes, entries: dict[bytes, bytes]) -> None:
    """Header, digest and pickled entries into the open file (OSError once the payload
    passes MAX_BYTES). The digest, known at the end, goes into the place the header kept
    for it."""
    with open(descriptor, "wb", closefd=False) as handle:
        handle.write(_MAGIC + setting + bytes(_DIGEST_SIZE))
        hashing = _Hashing(handle)
        pickle.dump(entries, hashing, protocol=pickle.HIGHEST_PROTOCOL)
    os.lseek(descriptor, len(_MAGIC) + len(setting), os.SEEK_SET)  # (no pwrite on Windows)
    view = memoryview(hashing.hash.digest())
    while view:
        view = view[os.write(descriptor, view) :]


def _payload_digest(payload: bytes | memoryview) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest()


def _decode(data: bytes, setting: bytes) -> dict[bytes, bytes]:
    """The entries of a cache file's bytes; {} unless header, setting and digest agree."""
    head = len(_MAGIC)
    body = head + len(setting) + _DIGEST_SIZE
    payload = memoryview(data)[body:]  # not a copy of the payload
    if (
        not data.startswith(_MAGIC)
        or data[head : head + len(setting)] != setting
        or data[head + len(setting) : body] != _payload_digest(payload)
    ):
        return {}
    try:
        stream = io.BytesIO(data)  # shares `data` (nothing writes to it)
        stream.seek(body)
        entries = _Unpickler(stream).load()
    except Exception:  # noqa: BLE001 - whatever is wrong with it, it is a miss
        return {}
    if not isinstance(entries, dict) or not all(
        isinstance(k, bytes) and isinstance(v, bytes) for k, v in entries.items()
    ):
        return {}
    return entries


def _prune(directory: Path, keep: str) -> None:
    """Keep the newest MAX_FILES cache files (and leftovers of crashed runs go)."""
    try:
        with os.scandir(directory) as entries:
            files = [
                (entry.stat(follow_symlinks=False).st_mtime_ns, entry.path, entry.name)
                for entry in entries
                if entry.name.endswith(".cache") or entry.name.startswith(".")
            ]
    except OSError:
        return
    files.sort(reverse=True)
    for _mtime, path, name in files[MAX_FILES:]:
        if name != keep:
            with contextlib.suppress(OSError):
                os.unlink(path)
