"""Parsing in forked processes: chunks never split a directory, results come back in
order, a failed child's chunks are parsed by the parent, and the output is byte-identical
to a one-process run."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portlint import engine, workers
from portlint.cli import main

REPO = Path(__file__).resolve().parents[1]
TREES = [str(REPO / "tests" / "fixtures"), str(REPO / "examples" / "deploy")]

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="forks only on Linux")


def test_chunks_are_cut_only_between_directories():
    directories = ["a", "a", "b", "c", "a", "d", "d", "e", "f"]  # 'a' comes back at 4
    starts = workers.plan_chunks(directories, [100] * len(directories), count=4)
    assert starts[0] == 0
    for cut in starts[1:]:
        assert not set(directories[:cut]) & set(directories[cut:]), cut
    # Quarters of 900 bytes: 225, 450, 675; cuts 1-4 would split "a", 6 would split "d".
    assert starts == [0, 5, 7, 8]


def test_small_runs_stay_in_one_process():
    assert workers.workers_for(workers.MIN_BYTES_PER_WORKER - 1, jobs=8) == 1
    assert workers.workers_for(workers.MIN_BYTES_PER_WORKER * 3, jobs=2) == 2
    assert workers.workers_for(workers.MIN_BYTES_PER_WORKER * 3, jobs=8) == 3


def _child_takes_part(work, marker: Path):
    """Wrap `work` so the parent waits (up to 20 s) until a child has finished a chunk:
    without it the parent might take every chunk before the child starts."""
    parent = os.getpid()

    def wrapped(*args, **kwargs):
        result = work(*args, **kwargs)
        if os.getpid() != parent:
            marker.write_text("done")
        else:
            deadline = time.monotonic() + 20
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        return result

    return wrapped


def test_results_come_back_in_order_from_both_processes(tmp_path):
    work = _child_takes_part(lambda index: (index, os.getpid()), tmp_path / "marker")
    results = workers.run_chunks(6, work, processes=2)
    assert [index for index, _pid in results] == list(range(6))
    assert {pid for _index, pid in results} - {os.getpid()}, "no chunk came from a child"


def test_chunks_of_a_failed_child_are_parsed_here(tmp_path):
    parent = os.getpid()

    def work(index):
        if os.getpid() != parent:
            os._exit(3)  # a child killed mid-way: its chunk never comes back
        return index * 10

    assert workers.run_chunks(5, work, processes=2) == [0, 10, 20, 30, 40]


def test_an_error_here_stops_the_children():
    parent = os.getpid()
    started: list[int] = []

    def work(index):
        if os.getpid() == parent:
            started.append(index)
            raise KeyboardInterrupt  # Ctrl-C while the parent parses its chunk
        time.sleep(30)  # a child that would outlive the run
        return index

    forked = workers._Child
    children: list = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workers, "_Child", lambda *a: children.append(forked(*a)) or children[-1])
        with pytest.raises(KeyboardInterrupt):
            workers.run_chunks(4, work, processes=2)
    assert started and children
    with pytest.raises(ChildProcessError):  # killed and reaped: no such child any more
        os.waitpid(children[0].pid, os.WNOHANG)


def test_a_record_cut_short_is_not_read():
    """What a child killed mid-write leaves: the whole records before it still count."""
    child = object.__new__(workers._Child)
    child.memory, child.received = os.memfd_create("test"), 0
    whole = pickle.dumps((0, "first"))
    os.write(child.memory, len(whole).to_bytes(workers._HEADER, "little") + whole)
    cut = pickle.dumps((1, "second"))
    os.write(child.memory, len(cut).to_bytes(workers._HEADER, "little") + cut[:-3])
    assert child.receive() == {0: "first"}
    assert child.receive() == {}  # and nothing more, however often asked
    os.close(child.memory)


def _check_output(capsys, *args: str) -> str:
    code = main(["check", "--no-color", *args])
    assert code == 1
    return capsys.readouterr().out


@pytest.mark.parametrize("output", ["json", "sarif"])
def test_forked_check_is_byte_identical(tmp_path, capsys, monkeypatch, output):
    one = _check_output(capsys, "-j", "1", "--no-cache", "--format", output, *TREES)
    monkeypatch.setattr(workers, "MIN_BYTES_PER_WORKER", 1)  # fork even for this tree
    monkeypatch.setattr(
        engine.ChunkParser,
        "parse",
        _child_takes_part(engine.ChunkParser.parse, tmp_path / "marker"),
    )
    # An empty cache: the run forks (a warm one would not), and the children's cache
    # entries come back to the parent, so the next run is warm and still the same.
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    two = _check_output(capsys, "-j", "2", "--format", output, *TREES)
    assert (tmp_path / "marker").exists(), "no chunk was parsed in a child"
    assert two == one
    (tmp_path / "marker").unlink()
    warm = _check_output(capsys, "-j", "2", "--format", output, *TREES)
    assert not (tmp_path / "marker").exists(), "a warm run forked"
    assert warm == one
    assert '"PL001"' in one and '"PL101"' in one  # parse errors and collisions both merged


def test_jobs_must_be_a_positive_number(capsys):
    assert main(["check", "--jobs", "0", str(REPO / "examples" / "deploy")]) == 2
    assert "not a number of processes" in capsys.readouterr().err


_SLOW_CHILDREN = """
import os, sys, time
from portlint import engine, workers
from portlint.cli import main

workers.MIN_BYTES_PER_WORKER = 1  # fork even for this tree
parent, real = os.getpid(), engine.ChunkParser.parse

def parse(self, *args, **kwargs):
    if os.getpid() != parent:  # a child: say who it is, then parse slowly
        with open(sys.argv[1], "a") as pids:
            pids.write(f"{os.getpid()}\\n")
        time.sleep(120)
    return real(self, *args, **kwargs)

engine.ChunkParser.parse = parse
sys.exit(main(["check", "--jobs", "2", sys.argv[2]]))
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped
    except OSError:
        return False


def _default_signals() -> None:
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_to_the_parent_stops_the_children(tmp_path, signum):
    """SIGTERM or SIGHUP to the parent, or Ctrl-C while it waits for a child: the
    children die with it, at once, instead of parsing on with stdout held open."""
    tree = tmp_path / "tree"
    for index in range(24):
        (tree / f"d{index}").mkdir(parents=True)
        (tree / f"d{index}" / "compose.yaml").write_text(
            f"services:\n  s:\n    image: x\n    ports: ['{8000 + index}:80']\n"
        )
    pids = tmp_path / "pids"
    run = subprocess.Popen(
        [sys.executable, "-c", _SLOW_CHILDREN, str(pids), str(tree)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        # Run under `nohup` or as a shell's background job, the suite ignores SIGHUP or
        # SIGINT, and a child would inherit that: the signals under test, as a user sends them.
        preexec_fn=_default_signals,
    )
    try:
        deadline = time.monotonic() + 60
        while not (pids.exists() and pids.read_text().endswith("\n")):
            assert time.monotonic() < deadline and run.poll() is None, "no child started"
            time.sleep(0.05)
        children = [int(line) for line in pids.read_text().split()]
        time.sleep(0.5)  # the parent is past its own chunks, waiting on the child
        run.send_signal(signum)
        run.communicate(timeout=60)  # the parent ends, and with it the pipe's last writer
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in children if _alive(pid)] == []
        assert run.returncode == (130 if signum == signal.SIGINT else -signum)
    finally:
        run.kill()
        for pid in pids.read_text().split() if pids.exists() else []:
            with contextlib.suppress(OSError):
                os.kill(int(pid), signal.SIGKILL)
