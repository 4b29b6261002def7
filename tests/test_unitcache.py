"""The result cache (portlint.unitcache): a warm run prints what a cold one does, a hit
skips composing YAML, a changed file or `.env` is parsed again, and a damaged, foreign
or planted cache file is a miss."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portlint import unitcache, yamlnodes
from portlint.config import build_options
from portlint.engine import check
from portlint.source import SourceFile

COMPOSE = """\
services:
  web:
    image: nginx
    ports:
      - "${WEB_PORT:-8080}:80"
  api:
    image: api
    ports:
      - "8081:8000"  # portlint: disable=PL101
"""
OTHER = """\
services:
  db:
    image: postgres
    ports:
      - "8080:5432"
"""
MANIFEST = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
    - {port: 80, nodePort: 30080}
---
apiVersion: v1
kind: Service
metadata: {name: web2}
spec:
  type: NodePort
  ports:
    - {port: 80, nodePort: 30080}
"""


def _tree(root: Path) -> Path:
    (root / "app").mkdir(parents=True)
    (root / "app" / "compose.yaml").write_text(COMPOSE)
    (root / "app" / ".env").write_text("WEB_PORT=9000\n")
    (root / "other").mkdir()
    (root / "other" / "compose.yaml").write_text(OTHER)
    (root / "k8s").mkdir()
    (root / "k8s" / "services.yaml").write_text(MANIFEST)
    (root / "k8s" / "broken.yaml").write_text("apiVersion: v1\nkind: [\n")
    # app/ and other/ are two Compose projects, two hosts by default: here they share one.
    (root / ".portlint.yaml").write_text('hosts:\n  - name: one\n    paths: ["**"]\n')
    return root


def _run(root: Path, cache: Path, *extra: str) -> str:
    env = {**os.environ, "PORTLINT_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", *extra, "."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "units").glob("*.cache"))


def test_warm_output_is_byte_identical_to_cold_and_uncached(tmp_path):
    root, cache = _tree(tmp_path / "tree"), tmp_path / "cache"
    uncached = _run(root, cache, "--no-cache")
    assert not (cache / "units").exists()  # --no-cache writes nothing
    cold = _run(root, cache)
    assert len(_cache_files(cache)) == 1
    warm = _run(root, cache)
    assert cold == warm == uncached
    assert '"PL001"' in warm and '"PL101"' in warm  # the broken file, the NodePorts


def test_a_changed_env_file_or_compose_file_is_parsed_again(tmp_path):
    root, cache = _tree(tmp_path / "tree"), tmp_path / "cache"
    _run(root, cache)
    assert "app/compose.yaml:5" not in _run(root, cache)
    (root / "app" / ".env").write_text("WEB_PORT=8080\n")  # now collides with db's 8080
    assert _run(root, cache) == _run(root, cache, "--no-cache")
    assert '"path": "app/compose.yaml", "line": 5' in _run(root, cache)
    (root / "other" / "compose.yaml").write_text(OTHER.replace("8080", "7070"))
    assert _run(root, cache) == _run(root, cache, "--no-cache")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],  # cut short
        lambda data: data[:40] + bytes([data[40] ^ 1]) + data[41:],  # a flipped bit
        lambda data: b"not a cache at all",
    ],
)
def test_a_damaged_cache_file_is_a_miss(tmp_path, damage):
    root, cache = _tree(tmp_path / "tree"), tmp_path / "cache"
    cold = _run(root, cache)
    (path,) = _cache_files(cache)
    path.write_bytes(damage(path.read_bytes()))
    assert _run(root, cache) == cold


def _options(root: Path):
    options = build_options({}, None)
    options.jobs = 1
    options.config_dir = str(root)
    return options


def _warm_without_composing(root: Path, monkeypatch) -> list:
    """Check root twice in-process; the second time composing YAML fails loudly."""
    monkeypatch.chdir(root)
    first = check(["."], _options(root), use_cache=True).findings

    def refuse(*_args, **_kwargs):
        raise AssertionError("composed YAML on a warm run")

    monkeypatch.setattr(yamlnodes, "compose_documents", refuse)
    second = check(["."], _options(root), use_cache=True).findings
    assert [f.rule for f in second] == [f.rule for f in first]
    return second


def test_a_warm_run_composes_no_yaml(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    findings = _warm_without_composing(_tree(tmp_path / "tree"), monkeypatch)
    assert {f.rule for f in findings} >= {"PL001", "PL101"}


def test_a_foreign_setting_or_planted_pickle_is_never_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    check(["."], _options(root), use_cache=True)
    (path,) = _cache_files(tmp_path / "cache")
    data = path.read_bytes()
    setting = data[len(unitcache._MAGIC) : len(unitcache._MAGIC) + 16]
    # The same bytes under another setting's name: its header names this one, so a miss.
    assert unitcache._decode(data, bytes(16)) == {}
    assert unitcache._decode(data, setting) != {}
    # A well-formed file whose payload would run code when unpickled.
    planted = pickle.dumps({b"k" * 16: os.system}, protocol=pickle.HIGHEST_PROTOCOL)
    forged = unitcache._MAGIC + setting + unitcache._payload_digest(planted) + planted
    assert unitcache._decode(forged, setting) == {}
    with pytest.raises(pickle.UnpicklingError, match="not a portlint record"):
        unitcache.loads(pickle.dumps(os.getcwd))


def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    cold = check(["."], _options(root), use_cache=True).findings
    original = unitcache.UnitCache.load

    def garbled(self):
        original(self)
        self.entries = {key: unitcache.dumps(("x", 1)) for key in self.entries}

    monkeypatch.setattr(unitcache.UnitCache, "load", garbled)
    warm = check(["."], _options(root), use_cache=True).findings
    assert [(f.rule, f.location) for f in warm] == [(f.rule, f.location) for f in cold]


def test_a_cache_file_writable_by_others_is_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    check(["."], _options(root), use_cache=True)
    (path,) = _cache_files(tmp_path / "cache")
    path.chmod(0o666)
    cache = unitcache.UnitCache(bytes.fromhex(path.stem), tmp_path / "cache")
    cache.load()
    assert cache.entries == {}
    path.chmod(0o600)
    cache.load()
    assert cache.entries != {}


def test_old_cache_files_are_pruned(tmp_path):
    directory = tmp_path / "units"
    directory.mkdir()
    for index in range(unitcache.MAX_FILES + 5):
        (directory / f"{index:032x}.cache").write_bytes(b"x")
        os.utime(directory / f"{index:032x}.cache", ns=(index * 10**9, index * 10**9))
    unitcache._prune(directory, keep="")
    left = sorted(p.name for p in directory.iterdir())
    assert len(left) == unitcache.MAX_FILES
    assert f"{0:032x}.cache" not in left  # the oldest went


def test_concurrent_runs_leave_a_whole_cache_file(tmp_path):
    root, cache = _tree(tmp_path / "tree"), tmp_path / "cache"
    expected = _run(root, cache, "--no-cache")
    env = {**os.environ, "PORTLINT_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "portlint", "check", "--format", "json", "."]
    runs = [
        subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert outputs == [expected] * 3
    (path,) = _cache_files(cache)  # one file, renamed whole; no temporary left behind
    assert not [p for p in (cache / "units").iterdir() if p.name.startswith(".")]
    assert _run(root, cache) == expected


def test_the_shell_environment_bypasses_the_cache(tmp_path, monkeypatch):
    """`--env-from-shell` makes a parse depend on variables no key holds: no cache."""
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    options = _options(root)
    options.env_from_shell = True
    check(["."], options, use_cache=True)
    assert not (tmp_path / "cache" / "units").exists()


def test_a_cache_file_written_as_it_is_pickled_loads_whole(tmp_path, monkeypatch):
    """The payload is streamed into the file and its digest put in the header after:
    what loads is exactly the entries saved; a payload over MAX_BYTES leaves no file."""
    cache = unitcache.UnitCache(b"s" * 16, tmp_path)
    entries = {bytes([i]) * 16: bytes([i]) * (1000 + i) for i in range(200)}
    for key, value in entries.items():
        cache.fresh[key] = value
    cache.save()
    (path,) = _cache_files(tmp_path)
    data = path.read_bytes()
    assert data.startswith(unitcache._MAGIC + b"s" * 16)
    reloaded = unitcache.UnitCache(b"s" * 16, tmp_path)
    reloaded.load()
    assert reloaded.entries == entries
    path.unlink()
    small = unitcache.UnitCache(b"s" * 16, tmp_path)
    small.fresh = dict(entries)
    monkeypatch.setattr(unitcache, "MAX_BYTES", 1000)
    # The write stops as it passes the bound: the temporary file removed is not the
    # whole ~230 KB payload written first and measured after.
    removed: list[int] = []
    unlink = os.unlink

    def measured_unlink(path, *args, **kwargs):
        removed.append(os.path.getsize(path))
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", measured_unlink)
    small.save()
    assert not list((tmp_path / "units").iterdir())
    assert len(removed) == 1 and removed[0] <= 1000 + len(unitcache._MAGIC) + 32


def test_a_warm_run_of_released_sources_prints_their_snippets(tmp_path):
    """Cached and uncached runs let the same texts go and read the same ones again."""
    root, cache = _tree(tmp_path / "tree"), tmp_path / "cache"

    def text(*extra: str) -> str:
        env = {**os.environ, "PORTLINT_CACHE_DIR": str(cache)}
        args = [sys.executable, "-m", "portlint", "check", *extra, "."]
        done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=False)
        return done.stdout

    uncached = text("--no-cache")
    assert '- "8080:5432"' in uncached  # other/compose.yaml's snippet
    assert text() == uncached and text() == uncached  # cold, then warm


# --- files the cache knows unchanged by their stat (unitcache.unchanged) ----------------


def _reads(monkeypatch) -> list[str]:
    """The displays of the files the scan reads from now on."""
    from portlint import chunkparse

    read: list[str] = []
    original = chunkparse.read_source

    def recording(path, display, *args, **kwargs):
        read.append(display)
        return original(path, display, *args, **kwargs)

    monkeypatch.setattr(chunkparse, "read_source", recording)
    return read


def _read_again(monkeypatch) -> list[str]:
    """The YAML files read from disk from now on other than by the scan (`_reads`): by
    SourceFile.text, for a snippet, a directive, a project key or a group that must
    parse (the project keys read `.env` files too: not listed)."""
    from portlint import source

    read: list[str] = []
    original = source.read_bytes

    def recording(path, *args, **kwargs):
        if str(path).endswith((".yaml", ".yml")):
            read.append(Path(path).as_posix())
        return original(path, *args, **kwargs)

    monkeypatch.setattr(source, "read_bytes", recording)
    return read


def _text_report(root: Path, capsys) -> str:
    from portlint import cli

    capsys.readouterr()
    assert cli.main(["check", "--jobs", "1", str(root)]) == 1
    return capsys.readouterr().out


def test_a_yaml_file_unchanged_since_well_before_its_stat_was_recorded_is_not_read(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(unitcache, "DOUBT_NS", 0)  # the tree's files count as old
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    cold = _text_report(Path("."), capsys)
    read = _reads(monkeypatch)
    warm = _text_report(Path("."), capsys)
    assert warm == cold  # snippets too: a released text read again, checked by its stamp
    assert '- "8080:5432"' in warm and "YAML syntax error" in warm
    assert "app/compose.yaml" not in read and "k8s/services.yaml" not in read
    assert "k8s/broken.yaml" not in read  # its PL001 comes from its entry
    assert read == []  # .env files are read by the project keys (chunkunits), not the scan


def _published(findings: list, port: str) -> bool:
    """other/compose.yaml's database port published as `port` (PL501)."""
    return any(
        f.rule == "PL501"
        and f.location.path == "other/compose.yaml"
        and f" as {port}/" in f.message
        for f in findings
    )


def test_a_file_rewritten_with_its_size_and_modification_time_kept_is_read_again(
    tmp_path, monkeypatch
):
    """A write moves the change time, which nothing sets back: `touch -d`, `cp -p` or a
    checkout tool restoring the modification time does not fool the stamp."""
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(unitcache, "DOUBT_NS", 0)
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    other = root / "other" / "compose.yaml"
    before = os.stat(other)
    cold = check(["."], _options(root), use_cache=True).findings
    assert _published(cold, "8080")
    time.sleep(0.05)  # past the clock's tick (a few ms), so the change time moves
    other.write_text(OTHER.replace("8080", "7070"))  # same size
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(other)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ctime_ns != before.st_ctime_ns
    read = _reads(monkeypatch)
    warm = check(["."], _options(root), use_cache=True).findings
    assert "other/compose.yaml" in read and "app/compose.yaml" not in read
    assert _published(warm, "7070") and not _published(warm, "8080")
    assert [(f.rule, f.location) for f in warm] == [
        (f.rule, f.location) for f in check(["."], _options(root), use_cache=False).findings
    ]


def test_a_file_changed_just_before_its_stat_was_recorded_is_in_doubt(tmp_path, monkeypatch):
    """Git's racy files: a second write within the clock's tick keeps the stamp, so a
    file that changed within DOUBT_NS of the recording is read every time."""
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    check(["."], _options(root), use_cache=True)
    read = _reads(monkeypatch)
    check(["."], _options(root), use_cache=True)
    assert "app/compose.yaml" in read and "k8s/services.yaml" in read  # written just now

    second = 1_000_000_000
    stamp = (10, 100 * second, 100 * second, 1, 1)
    source = SourceFile(Path("compose.yaml"), "compose.yaml", "services: {}\n")
    source.fact("compose-refers", lambda _text: False)
    text, stamped, facts, _ = unitcache.stamp_entry(source, unitcache.text_digest(source.text))
    assert facts == {"compose-refers": False, "mentions-portlint": False}
    known = (text, stamped, facts)
    assert unitcache.unchanged((*known, 102 * second), stamp) == known  # 2 s later: trusted
    assert unitcache.unchanged((*known, 102 * second - 1), stamp) is None  # in doubt
    later_mtime = (10, 103 * second, 100 * second, 1, 1)  # a modification time set ahead
    assert unitcache.unchanged((*known, 102 * second), later_mtime) is None
    assert unitcache.unchanged(("x", 1, {"a": 1}, 200 * second), stamp) is None
    assert unitcache.unchanged(("x", 1), stamp) is None


def test_stamps_recorded_by_forked_workers_serve_the_next_run(tmp_path, monkeypatch):
    """A cold run with workers sends their stamp entries back (UnitCache.take); the warm
    run (one process) reads no YAML file and finds what they found."""
    from portlint import workers

    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(unitcache, "DOUBT_NS", 0)
    monkeypatch.setattr(workers, "MIN_BYTES_PER_WORKER", 1)  # fork even for this tree
    forked: list[int] = []
    run_chunks = workers.run_chunks

    def counting(count, work, processes):
        forked.append(processes)
        return run_chunks(count, work, processes)

    monkeypatch.setattr(workers, "run_chunks", counting)
    root = _tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    options = _options(root)
    options.jobs = 2
    cold = check(["."], options, use_cache=True).findings
    assert forked == [2]
    read = _reads(monkeypatch)
    again = _read_again(monkeypatch)
    warm = check(["."], _options(root), use_cache=True).findings
    assert read == []
    # Only for its `# portlint:` directive (no report here, so no snippet is asked for).
    assert again == ["app/compose.yaml"]
    assert [(f.rule, f.location, f.message) for f in warm] == [
        (f.rule, f.location, f.message) for f in cold
    ]


def test_only_a_cached_run_stamps_its_yaml_candidates(tmp_path):
    """The stamp is the cache's: a `--no-cache` run (and a text format's file) keeps none,
    so its memory is what it was (five ints a file, 5 MB on the 10,000-project tree)."""
    from portlint.discover import discover
    from portlint.parsers import registry as parsers

    root = _tree(tmp_path / "tree")
    (root / "app" / "Dockerfile").write_text("FROM nginx\nEXPOSE 80\n")
    registry = parsers()

    def stamps(cached: bool) -> dict[str, bool]:
        found = discover([root], registry, [], root, stamps=cached)
        return {c.path.relative_to(root).as_posix(): c.stamp is not None for c in found}

    assert stamps(False) == dict.fromkeys(stamps(False), False)
    cached = stamps(True)
    assert cached["app/compose.yaml"] and cached["k8s/broken.yaml"]
    assert cached["app/Dockerfile"] is False
    info = os.stat(root / "app" / "compose.yaml")
    (candidate,) = [
        c
        for c in discover([root], registry, [], root, stamps=True)
        if c.path.name == "compose.yaml" and c.path.parent.name == "app"
    ]
    assert candidate.stamp == (
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    )


def test_rendered_manifests_are_cached_like_files_and_still_land_on_their_templates(
    tmp_path, monkeypatch
):
    """A rendered manifest (here a `# Source:` stream's) is keyed by its display and its
    text: the same render is not composed again, and its findings still move to the
    template's lines."""
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "tree"
    (root / "web" / "templates").mkdir(parents=True)
    service = MANIFEST.split("---\n")[0]
    (root / "web" / "templates" / "svc.yaml").write_text("# a template\n" + service)
    stream = f"---\n# Source: web/templates/svc.yaml\n{service}---\n# Source: web/b.yaml\n"
    stream += MANIFEST.split("---\n")[1]
    monkeypatch.chdir(root)

    def findings() -> list[tuple[str, str, int, int]]:
        report = check(["-"], _options(root), stdin_text=stream, use_cache=True)
        return [
            (f.rule, f.location.path, f.location.line, f.location.column) for f in report.findings
        ]

    cold = findings()  # on the template's own line; the other has no file: the stream's
    assert cold == [("PL101", "web/b.yaml", 7, 28), ("PL101", "web/templates/svc.yaml", 8, 28)]

    def refuse(*_args, **_kwargs):
        raise AssertionError("composed a rendered manifest again")

    monkeypatch.setattr(yamlnodes, "compose_documents", refuse)
    assert findings() == cold
