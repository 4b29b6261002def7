"""Source files and exact positions.

Also the one way portlint opens a file it was not shipped with: `read_source`, which
applies the "inside the roots" rule (`Roots`), opens only regular files, never blocks on
a FIFO or a device, and bounds what it reads (docs/limits.md).

Parsers are the only code that computes positions; everything downstream copies the
`Location` a parser attached. Lines and columns are 1-based; `end_column` is exclusive
(the column after the last character), as in SARIF.
"""

from __future__ import annotations

import codecs
import os
import stat
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from portlint.records import Record


class Location(NamedTuple):
    """A span in a file. A NamedTuple, not a dataclass: parsers make one per port value,
    and a frozen dataclass costs several times more to build."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1, length: int = 0) -> Location:
        """A location on one line, `length` characters wide."""
        return cls(path, line, column, line, column + length)

    def sub(self, offset: int, length: int) -> Location:
        """A span inside a one-line location (e.g. the host port inside "8080:80")."""
        if self.line != self.end_line:
            return self
        start = self.column + offset
        return Location(self.path, self.line, start, self.line, start + length)


class SourceFile(Record):
    """One file's text, read once; `display` is the path shown to users.

    A file read from disk (`read_source`) can let its text go once parsing is done
    (`release`): a large run then holds bindings, not every file's text. What needs the
    text afterwards (a snippet, a fix, a `# portlint:` directive) reads it again, and
    gets it only if it is still the text that was parsed ("" when the file changed or
    went since: no snippet, no fix, never another file's lines). Text given in memory
    (stdin, rendered sources, an editor's buffer) is never released."""

    __slots__ = (
        "path",
        "display",
        "_text",
        "secret",
        "_line_starts",
        "_stamp",
        "_roots",
        "_facts",
    )
    _record_fields = ("path", "display", "text", "secret")

    path: Path
    display: str
    secret: bool  # never show its lines (e.g. .env files)

    def __init__(self, path: Path, display: str, text: str, secret: bool = False) -> None:
        self.path = path
        self.display = display
        self._text: str | None = text
        self.secret = secret
        self._line_starts: list[int] | None = None
        #: Set by `read_source`: the text can be read again from `path`. After `release`,
        #: what identifies the text parsed: its length and CRC-32 (`text_stamp`).
        self._stamp: int | None = None
        self._roots: Roots | None = None  # after `release`: what a read again must stay in
        self._facts = 0  # see `fact`: two bits a fact, no object per file

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            text = self._text = self._reread()
        return text

    @property
    def mentions_portlint(self) -> bool:
        """Whether the text may hold a `# portlint:` directive (portlint.suppress), known
        without reading a released file again."""
        return self.fact(_MENTIONS, _mentions_portlint)

    def fact(self, name: str, test: Callable[[str], bool]) -> bool:
        """`test(text)`, remembered under `name`: known after `release` without reading
        the file again, and kept by the result cache for a file it does not read."""
        known = _fact_bit(name)
        if self._facts & known:
            return bool(self._facts & known << 1)
        found = test(self.text)
        self._facts |= known | (known << 1 if found else 0)
        return found

    def facts(self) -> dict[str, bool]:
        """The facts worked out so far (`fact`), `mentions_portlint` always among them."""
        self.fact(_MENTIONS, _mentions_portlint)
        facts = self._facts
        return {name: bool(facts & bit << 1) for name, bit in _FACT_BITS.items() if facts & bit}

    def release(self, roots: Roots | None = None) -> None:
        """Let the text go, if it can be read again from disk; what parsing computed from
        it stays (the locations, the suppressions parsers found). `roots` bound the read
        again as they bounded the first: a file swapped since for a symlink that leads
        out of them is not followed (its snippet is lost, as for any changed file)."""
        if roots is not None:
            self._roots = roots
        text = self._text
        if text is None or self._stamp is None:
            return
        self._stamp = text_stamp(text)
        self.fact(_MENTIONS, _mentions_portlint)  # known without the text (suppress)
        self._text = None
        self._line_starts = None

    def _reread(self) -> str:
        """The released text from disk: "" unless it is still the text that was parsed."""
        assert self._stamp is not None
        length = self._stamp >> 32
        try:  # a character is at most 4 bytes in UTF-8 (UTF-16 and 32: with a BOM of 4)
            text = decode(read_bytes(self.path, 4 * length + 4, roots=self._roots))
        except ReadError:
            return ""
        return text if text_stamp(text) == self._stamp else ""

    @classmethod
    def unread(cls, path: Path, display: str, stamp: int, facts: dict[str, bool]) -> SourceFile:
        """A file the result cache knows unchanged (portlint.unitcache.unchanged), not
        read: as if read and released, its text read again only when asked for and only
        if it is still the text `stamp` names (`text_stamp`)."""
        source = cls(path, display, "")
        source._text, source._stamp = None, stamp
        source._facts = _fact_bits(facts)
        return source

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as it is: a released source stays released (no read to pickle it)."""
        # Facts by name: a worker may have numbered them in another order (`_fact_bit`).
        state = (self._text, self._stamp, self.facts() if self._facts else {})
        return _unpickle, (self.path, self.display, self.secret, state)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' past the end)."""
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        import bisect

        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def location(self, start: int, end: int) -> Location:
        """Location of the character range [start, end)."""
        line, col = self.offset_to_position(start)
        end_line, end_col = self.offset_to_position(end)
        return Location(self.display, line, col, end_line, end_col)


def file_stamp(info: os.stat_result) -> tuple[int, int, int, int, int]:
    """What a stat says of a file's contents: size, modification and change times, inode
    and device. A write changes the change time, which no call sets back (`touch -d` and
    `cp -p` set only the modification time), so a file whose stamp is unchanged is the
    same file unless it changed twice within one timestamp tick (portlint.unitcache)."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


#: Each fact's "known" bit in `SourceFile._facts` (its value is the bit above), numbered
#: in the order this process first asks for them.
_FACT_BITS: dict[str, int] = {}


#: The fact `mentions_portlint` is kept as.
_MENTIONS = "mentions-portlint"


def _mentions_portlint(text: str) -> bool:
    return "portlint" in text


def _fact_bit(name: str) -> int:
    bit = _FACT_BITS.get(name)
    if bit is None:
        bit = _FACT_BITS[name] = 1 << 2 * len(_FACT_BITS)
    return bit


def _fact_bits(facts: dict[str, bool]) -> int:
    bits = 0
    for name, value in facts.items():
        known = _fact_bit(name)
        bits |= known | (known << 1 if value else 0)
    return bits


def text_stamp(text: str) -> int:
    """A text's length and CRC-32 in one int: telling a file read again from the text
    parsed (a change that keeps both is one in four billion)."""
    return len(text) << 32 | zlib.crc32(text.encode("utf-8", "surrogatepass"))


def _unpickle(path: Path, display: str, secret: bool, state: tuple[Any, ...]) -> SourceFile:
    source = SourceFile(path, display, "", secret)
    source._text, source._stamp, facts = state
    source._facts = _fact_bits(facts)
    return source


def display_path(path: Path | str, cwd: Path | str | None = None) -> str:
    """Relative to the current directory when under it, with forward slashes.

    Lexical (no syscall but one getcwd): `..` is folded, symlinks are kept as the user
    named them. A resolve() per file cost a stat per path component, 5% of a large check."""
    base = os.getcwd() if cwd is None else os.path.abspath(cwd)
    absolute = os.path.abspath(path)
    if absolute == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    if absolute.startswith(prefix):
        return _posix(absolute[len(prefix) :])
    return _posix(absolute if os.path.isabs(path) else os.path.normpath(path))


class DisplayPaths:
    """`display_path` for the many files of one run: the working directory read once, and
    each directory's display made once (a file's is its directory's plus its name)."""

    __slots__ = ("cwd", "_directories")

    def __init__(self, cwd: str | None = None) -> None:
        self.cwd = os.getcwd() if cwd is None else cwd
        self._directories: dict[str, str] = {}

    def __call__(self, path: Path | str) -> str:
        text = os.fspath(path)
        directory, name = os.path.split(text)
        if name in ("", ".", ".."):  # not a plain file name: the general rule
            return display_path(text, self.cwd)
        shown = self._directories.get(directory)
        if shown is None:
            shown = display_path(directory or ".", self.cwd)
            self._directories[directory] = shown
        if shown == ".":
            return name
        return shown + name if shown.endswith("/") else f"{shown}/{name}"


def _posix(text: str) -> str:
    """A normalised path with forward slashes (what Path.as_posix() gives, without
    building a Path)."""
    return text if os.sep == "/" else text.replace(os.sep, "/")


class ReadError(Exception):
    """A file that cannot be read as text; the message is the PL001 finding's."""


class Roots:
    """The scanned roots: the one "inside the roots" rule for every file portlint opens.

    A path is inside when its real path (symlinks resolved) is a root or below one. A
    file in a directory discovery walked needs only one lstat: the walk follows no
    symlinked directory, so only the file itself can lead out."""

    __slots__ = ("roots", "walked", "name")

    def __init__(
        self,
        roots: Iterable[Path],
        walked: set[str] | None = None,
        name: str = "the scanned roots",
    ) -> None:
        self.roots = list(roots)
        self.walked = set() if walked is None else walked
        self.name = name  # for messages: "symlink leads outside <name>"

    def contains(self, path: Path | str) -> bool:
        absolute = os.path.abspath(path)
        if absolute in self.walked:
            return True  # a directory the walk entered (a Dockerfile's build context)
        if os.path.dirname(absolute) in self.walked and not os.path.islink(absolute):
            return True  # one lstat, where resolve() costs one per path component
        resolved = Path(os.path.realpath(absolute))
        return any(resolved == root or root in resolved.parents for root in self.roots)


#: Flags every read opens with: a FIFO opens without waiting for a writer, a terminal
#: never becomes the controlling one, and the descriptor is not inherited.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_source(
    path: Path,
    display: str,
    max_bytes: int,
    secret: bool = False,
    size: int | None = None,
    roots: Roots | None = None,
) -> SourceFile:
    """The file as text, through the one guarded path (see `read_bytes`)."""
    source = SourceFile(path, display, decode(read_bytes(path, max_bytes, size, roots)), secret)
    source._stamp = 0  # read from disk: `release` may let the text go
    return source


def read_bytes(
    path: Path | str, max_bytes: int, size: int | None = None, roots: Roots | None = None
) -> bytes:
    """The bytes of a regular file inside `roots` (None: any path, the user's own choice),
    at most `max_bytes` of them; ReadError says why not, never quoting the file.

    `size` is the stat size when discovery has it (it checked the file is regular, one
    fstat less); the descriptor is non-blocking all the same, so a file swapped for a FIFO
    since cannot hang the read."""
    if roots is not None and not roots.contains(path):
        what = "symlink leads" if os.path.islink(path) else "path is"
        raise ReadError(f"{what} outside {roots.name}: not read")
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    try:
        if size is None:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise ReadError("not a regular file (a FIFO, socket or device): not read")
            size = info.st_size
        if size > max_bytes:
            raise ReadError(
                f"file is {size:,} bytes, over the limit of {max_bytes:,} (max-file-bytes)"
            )
        # One read(2) of the stat size (+1 to notice growth): a regular file returns short
        # only at its end, and no file object is made (half the cost of a small file's
        # read). Only a growing file reads on, bounded by the limit.
        data = os.read(descriptor, size + 1)
        while size < len(data) <= max_bytes:
            more = os.read(descriptor, max_bytes + 1 - len(data))
            if not more:
                break
            data += more
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > max_bytes:
        raise ReadError(f"file is over the limit of {max_bytes:,} bytes (max-file-bytes)")
    return data


def read_head(path: Path | str, size: int = 65536) -> bytes:
    """The first `size` bytes of a regular file, for sniffing a format by content; b""
    for anything else (a FIFO, a device, an unreadable file, a symlink: a parser's
    `matches()` does not know the roots), without ever blocking."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return b""
        return os.read(descriptor, size)
    except OSError:
        return b""
    finally:
        os.close(descriptor)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 with a BOM; anything else is an error."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise ReadError(f"invalid {encoding} at byte {error.start}") from None
    if b"\0" in data[:8192]:
        raise ReadError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(f"not valid UTF-8 (byte {error.start})") from None
