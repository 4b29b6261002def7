"""Reading and parsing on more than one core.

The files of a run are cut into chunks of discovery order, only where no directory spans
two chunks (a directory's Compose files are one project). Forked children and the parent
take chunks in turn from a shared queue until none is left, so a slow format (Compose
costs more per byte than Kubernetes) cannot leave one core idle. A child sends each result
back pickled through a memory file, which the parent reads between its own chunks; the
caller merges the results in chunk order, so the output is byte-identical to a
one-process run. A child that fails in any way costs only time: the parent parses
whatever did not come back.

Forking pays only when there is enough to parse: below `MIN_BYTES_PER_WORKER` per
process, starting it and pickling its results back cost more than the core saves, and a
run whose parse results mostly come from the cache (portlint.unitcache) has too little
left to parse for a second process to win back its cost (see benchmarks/README.md for
the figures).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn, TypeVar

T = TypeVar("T")

#: Bytes of text each process must have for forking to pay (measured: on the synthetic
#: 1,000 tree, 1.6 MB, two processes were slower than one; benchmarks/README.md).
MIN_BYTES_PER_WORKER = 1024 * 1024
#: Chunks per process: enough that the last chunk taken is short.
CHUNKS_PER_WORKER = 8
_MAX_CHUNKS = 255  # one byte per queue token


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking without exec is safe on Linux (macOS frameworks and Windows forbid it);
    results travel through memfd_create files."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "memfd_create")


def workers_for(total_bytes: int, jobs: int) -> int:
    """How many processes (the caller included) a run of `total_bytes` should use."""
    return max(1, min(jobs, total_bytes // MIN_BYTES_PER_WORKER))


def plan_chunks(directories: Sequence[str], sizes: Sequence[int], count: int) -> list[int]:
    """Start indexes of at most `count` chunks of about equal bytes (always [0, ...]).

    A cut at index i is valid when no directory occurs both before and after it."""
    count = min(count, _MAX_CHUNKS)
    total = sum(sizes)
    last: dict[str, int] = {}
    for index, directory in enumerate(directories):
        last[directory] = index
    starts = [0]
    reach = -1  # the furthest last occurrence of any directory seen so far
    done = 0
    for index, directory in enumerate(directories):
        if index and reach < index and done >= total * len(starts) / count:
            starts.append(index)
            if len(starts) == count:
                break
        reach = max(reach, last[directory])
        done += sizes[index]
    return starts


def run_chunks(count: int, work: Callable[[int], T], processes: int) -> list[T]:
    """work(0) .. work(count - 1), spread over `processes` (forked children and this
    one), returned in order.

    The children stop with the parent: SIGTERM or SIGHUP to it, Ctrl-C (also while it
    waits for a child) or a bug here kills them at once, and a parent that dies
    without a chance to (SIGKILL) takes them along (Linux's parent-death signal)."""
    if processes < 2 or count < 2:
        return [work(index) for index in range(count)]
    results: dict[int, object] = {}
    queue_out, queue_in = os.pipe()
    os.write(queue_in, bytes(range(count)))  # < PIPE_BUF: never blocks
    os.close(queue_in)  # drained queue: read() returns b"" everywhere
    children: list[_Child] = []
    _load_prctl()
    previous = _stop_on_signals()
    try:
        for _ in range(processes - 1):
            children.append(_Child(queue_out, work))
        for index in _claims(queue_out):
            results[index] = work(index)
            for child in children:  # unpickle what has come back while the children work
                results.update(child.receive())
        for child in children:
            results.update(child.finish())
    except BaseException as error:  # a signal, Ctrl-C or a bug: the children's work is moot
        for child in children:
            child.stop()
        _restore(previous)
        if isinstance(error, _Stopped):
            signal.raise_signal(error.signum)  # die of it, as without portlint's handler
        raise
    finally:
        os.close(queue_out)
        _restore(previous)
    # A chunk a failed child took and never sent back: parse it here.
    return [results[i] if i in results else work(i) for i in range(count)]  # type: ignore[misc]


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived during a multi-process run."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _raise_stopped(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def _stop_on_signals() -> dict[int, Any]:
    """Turn SIGTERM and SIGHUP into an exception for the run (main thread only, where
    Python runs handlers); the previous handlers, to restore."""
    previous: dict[int, Any] = {}
    for signum in _STOP_SIGNALS:
        try:
            previous[signum] = signal.signal(signum, _raise_stopped)
        except (ValueError, OSError):  # not the main thread
            break
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(signum, handler)
    previous.clear()


def _claims(queue: int) -> Iterator[int]:
    """Chunk indexes taken from the shared queue, one byte each (atomic between readers)."""
    while token := os.read(queue, 1):
        yield token[0]


_HEADER = 8  # bytes of a record's length, little-endian


class _Child:
    """A forked process that parses chunks from the queue and appends each result, as a
    length-prefixed pickle, to a memory file the parent reads as records complete."""

    def __init__(self, queue: int, work: Callable[[int], object]) -> None:
        self.memory = os.memfd_create("portlint-results")
        self.received = 0  # offset of the first record not read yet
        self.done = False  # reaped and its memory file closed
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            _become_child(parent)
            _serve(queue, work, self.memory)  # never returns

    def receive(self) -> dict[int, object]:
        """The records written completely since the last call."""
        found: dict[int, object] = {}
        size = os.fstat(self.memory).st_size
        while self.received + _HEADER <= size:
            length = int.from_bytes(os.pread(self.memory, _HEADER, self.received), "little")
            end = self.received + _HEADER + length
            if end > size:
                break  # still being written (or cut short by a crash)
            data = os.pread(self.memory, length, self.received + _HEADER)
            try:
                index, result = pickle.loads(data)  # our own child's bytes, never a file's
            except Exception:
                break
            found[index] = result
            self.received = end
        return found

    def stop(self) -> None:
        if self.done:
            return
        with contextlib.suppress(OSError):  # already gone
            os.kill(self.pid, signal.SIGKILL)
        while True:
            try:
                os.waitpid(self.pid, 0)
                break
            except ChildProcessError:  # already reaped
                break
            except BaseException:  # noqa: BLE001 - another Ctrl-C: the child is dying anyway
                continue
        self.done = True
        os.close(self.memory)

    def finish(self) -> dict[int, object]:
        """Wait for the child to exit; the records it wrote last."""
        os.waitpid(self.pid, 0)
        found = self.receive()
        self.done = True
        os.close(self.memory)
        return found


def _become_child(parent: int) -> None:
    """A child's first steps: default signal handling, nothing of the parent's terminal
    held open (a pipe reading portlint's output ends when the parent does), and death
    with the parent."""
    for signum in _STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signum, signal.SIG_DFL)
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)
    if _PRCTL is not None:
        # prctl(PR_SET_PDEATHSIG, SIGKILL): the kernel kills this child when the parent
        # dies, however it dies.
        _PRCTL(1, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


_PRCTL: Any = None


def _load_prctl() -> None:
    """libc's prctl, loaded in the parent once (not in every child after the fork)."""
    global _PRCTL
    if _PRCTL is not None or not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError, ImportError):
        pass  # SIGTERM and Ctrl-C still stop the children


def _serve(queue: int, work: Callable[[int], object], memory: int) -> NoReturn:
    """The child's life: parse chunks until the queue is empty, then exit at once."""
    code = 1
    try:
        for index in _claims(queue):
            data = pickle.dumps((index, work(index)), protocol=pickle.HIGHEST_PROTOCOL)
            record = memoryview(len(data).to_bytes(_HEADER, "little") + data)
            while record:
                record = record[os.write(memory, record) :]
        code = 0
    except BaseException:  # noqa: BLE001 - whatever it was, the parent redoes the chunk
        pass
    finally:
        os._exit(code)
