"""Kustomizations rendered with kustomize (`kustomize build`, or `kubectl kustomize`).

Only top-level kustomizations render: one that another kustomization of the scan uses as
a resource or component is part of that one's output, so base and overlay are one object
and never collide. The files a kustomization uses (its resources, patches, components,
recursively) are not parsed alone. A rendered line is mapped back by object (kind and
name) and text to the last file of the chain that has it: a patch, the overlay, then the
base; else to the kustomization.yaml.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from portlint.records import Record, field
from portlint.render import KUSTOMIZATION_NAMES, Prepared, mapcache, read_text
from portlint.render.mapping import Origin, VirtualFile, bare
from portlint.source import Location, SourceFile, display_path
from portlint.yamlnodes import SafeLoader

if TYPE_CHECKING:
    from portlint.discover import Candidate

FILE_NAMES = KUSTOMIZATION_NAMES
TIMEOUT_SECONDS = 120
INSTALL_HINT = "install kubectl or kustomize"
_LIST_KEYS = ("resources", "bases", "components", "crds")
_PATCH_KEYS = ("patchesStrategicMerge", "patches", "patchesJson6902")
#: Fields naming more files kustomize reads: plugin configurations, and per generator
#: its `files` (`key=path` or a path) and `envs`.
_READ_KEYS = ("generators", "transformers", "validators", "configurations")
_GENERATOR_KEYS = ("configMapGenerator", "secretGenerator")
#: What `finish` says of a used path kustomize must not be given.
OUTSIDE = "outside the scanned paths (portlint reads nothing else, and fetches nothing)"
NOT_A_FILE = "not a regular file (a FIFO, socket or device: kustomize would wait on it)"
#: A base kustomize would fetch over the network (a URL, `github.com/...`).
_REMOTE = re.compile(
    r"^(?:https?|ssh|git|file):/|^git@|\?ref=|^(?:github\.com|gitlab\.com|bitbucket\.org)/"
)


def renderer() -> list[str] | None:
    """The command that renders a directory (the directory is appended), or None."""
    binary = shutil.which("kustomize")
    if binary is not None:
        return [binary, "build"]
    binary = shutil.which("kubectl")
    if binary is not None:
        return [binary, "kustomize"]
    return None


class Kustomization(Record):
    """One kustomization file: the directories and files it uses."""

    file: Path
    uses: list[Path]  # resources and components (files or directories)
    patches: list[Path]
    component: bool = False  # a Component renders only inside the kustomization that lists it
    remote: list[str] = field(
        default_factory=list
    )  # bases kustomize would fetch (URLs, github.com/...)
    #: other files kustomize reads for it: generators' inputs, plugin configurations
    reads: list[Path] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.file.parent


def read_kustomization(file: Path) -> Kustomization:
    data = _load(file)
    directory = file.parent
    entries = [entry for key in _LIST_KEYS for entry in _strings(data.get(key))]
    remote = [entry for entry in entries if _REMOTE.search(entry)]
    uses = [directory / entry for entry in entries if entry not in remote]
    patches = []
    for key in _PATCH_KEYS:
        for entry in _items(data.get(key)):
            path = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(path, str):
                patches.append(directory / path)
    reads = [directory / entry for key in _READ_KEYS for entry in _strings(data.get(key))]
    for key in _GENERATOR_KEYS:
        for generator in _items(data.get(key)):
            if isinstance(generator, dict):
                for entry in (*_strings(generator.get("files")), *_strings(generator.get("envs"))):
                    reads.append(directory / entry.rpartition("=")[2])
    component = data.get("kind") == "Component"
    return Kustomization(file, uses, patches, component, remote, reads)


class Pending(Record):
    """Kustomizations taken out of the candidates, their renders running (`start`)."""

    prepared: Prepared
    kept: list[Candidate]
    taken: list[Candidate]
    #: per top-level kustomization, in order: (it, its chain, files to restore, the
    #: files it uses outside the roots, its render: a kept result, a running one, or None)
    tops: list[tuple[Kustomization, list[Path], list[Candidate], list[str], Any]]
    pool: Any = None
    #: the cache keys of renders that ran (`portlint.render.memo`), by top's index
    keys: dict[int, bytes] = field(default_factory=dict)


def start(prepared: Prepared, roots: list[str] | None = None) -> Pending | None:
    """Take the kustomizations' files out of the candidates and start rendering the
    top-level ones, side by side (each is a kustomize process; a tree of overlays waited
    for them one after another), while the caller does other work (charts); `roots`
    (real paths) bound what a kustomization may use. `finish` collects them."""
    files = [
        Path(os.path.abspath(c.path))
        for c in prepared.candidates
        # not a regular file (a FIFO): left to the reader, which says so (PL001)
        if os.path.basename(c.path) in FILE_NAMES and os.path.isfile(c.path)
    ]
    if not files:
        return None
    by_directory = {str(k.directory): k for k in map(read_kustomization, files)}
    used: set[str] = set()
    for kustomization in by_directory.values():
        for path in kustomization.uses:
            used.add(os.path.normpath(str(path)))
    top = [k for d, k in sorted(by_directory.items()) if d not in used and not k.component]
    consumed: set[str] = set()
    chains: dict[str, list[Path]] = {}
    for kustomization in by_directory.values():
        chain = _chain(kustomization, by_directory)
        chains[str(kustomization.directory)] = chain
        consumed.update(os.path.normpath(str(p)) for p in chain)
    consumed.update(str(f) for f in files)
    kept: list[Candidate] = []
    taken: list[Candidate] = []
    for candidate in prepared.candidates:
        absolute = os.path.normpath(os.path.abspath(candidate.path))
        (taken if absolute in consumed else kept).append(candidate)
    prepared.candidates = kept
    command = renderer()
    pending = Pending(prepared, kept, taken, [])
    memo = prepared.memo if command is not None else None
    identity = _identity(command) if command is not None and memo is not None else None
    for kustomization in top:
        chain = chains[str(kustomization.directory)]
        members = {os.path.normpath(str(p)) for p in chain}
        restore = [
            c
            for c in taken
            if os.path.normpath(os.path.abspath(c.path)) in members
            and os.path.basename(c.path) not in FILE_NAMES
        ]
        strangers: list[str] = []
        directories: set[str] = set()
        _chain(kustomization, by_directory, strangers, roots, directories)
        earlier = None
        if memo is not None and command is not None and not strangers:
            key = memo.key("kustomize", identity, sorted(directories), ())
            earlier = _kept(memo.get(key), command)
            if earlier is None and key is not None:
                pending.keys[len(pending.tops)] = key
        pending.tops.append((kustomization, chain, restore, strangers, earlier))
    # each not rendered here, nor kept from an earlier run
    runs = [i for i, entry in enumerate(pending.tops) if not entry[3] and entry[4] is None]
    if command is not None and runs:
        from concurrent.futures import ThreadPoolExecutor

        pending.pool = ThreadPoolExecutor(min(len(runs), max(2, os.cpu_count() or 1)))
        for i in runs:
            kustomization, chain, restore, strangers, _ = pending.tops[i]
            job = pending.pool.submit(_build, command, kustomization.directory)
            pending.tops[i] = (kustomization, chain, restore, strangers, job)
    return pending


def _identity(command: list[str]) -> tuple[object, ...]:
    from portlint.render.memo import stamp

    return (*command, stamp(command[0]))


def _kept(kept: object, command: list[str]) -> subprocess.CompletedProcess[str] | None:
    """The render an earlier run kept for the same inputs (`kept`, from the cache), as
    its process's result; None for anything else."""
    if not (isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], int)):
        return None
    returncode, stdout, stderr = kept
    if not (isinstance(stdout, str) and isinstance(stderr, str)):
        return None
    return subprocess.CompletedProcess([*command], returncode, stdout, stderr)


def finish(pending: Pending) -> None:
    """Each top-level kustomization's output (or why not), in order, so the result is
    the same however the renders interleaved."""
    prepared = pending.prepared
    for index, (kustomization, chain, restore, strangers, job) in enumerate(pending.tops):
        if strangers:  # kustomize would fetch, read beyond the scanned tree, or block
            where = display_path(prepared.show(kustomization.directory)) + "/"
            prepared.note(
                "PL007",
                f"kustomization {where} not rendered: it uses {strangers[0]}; its files are "
                "checked one by one",
                display_path(prepared.show(kustomization.file)),
                f"kustomization:{where}",
            )
            prepared.candidates.extend(restore)
            continue
        done = job if job is None or isinstance(job, subprocess.CompletedProcess) else job.result()
        key = pending.keys.get(index)
        if key is not None and done is not None and done.args and prepared.memo is not None:
            prepared.memo.put(key, (done.returncode, done.stdout, done.stderr))
        _render(prepared, kustomization, chain, done, restore)
    if pending.pool is not None:
        pending.pool.shutdown()
    # A restored file keeps discovery's order (related locations follow it).
    order = {id(c): i for i, c in enumerate(pending.kept + pending.taken)}
    prepared.candidates.sort(key=lambda c: order.get(id(c), 0))


def _build(command: list[str], directory: Path) -> subprocess.CompletedProcess[str]:
    """One `kustomize build` (run in a worker thread: the process does the work)."""
    try:
        return subprocess.run(
            [*command, str(directory)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess([], 1, "", str(error))


_KLOG_PREFIX = re.compile(r"^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] ", re.MULTILINE)
_MAX_REASON = 240


def _reason(stderr: str, kustomization: Kustomization, where: str) -> str:
    """kustomize's error without klog's time stamp and process id (the output must not
    change from run to run) and with the directory as shown, shortened."""
    text = _KLOG_PREFIX.sub("", stderr or "").replace(f"{kustomization.directory}/", where)
    text = text.replace('"command failed" err=', "")
    lines = [line for line in text.strip().splitlines() if line]
    reason = lines[-1] if lines else "failed"
    return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 3] + "..."


def _chain(
    root: Kustomization,
    by_directory: dict[str, Kustomization],
    strangers: list[str] | None = None,
    roots: list[str] | None = None,
    seen: set[str] | None = None,
) -> list[Path]:
    """The YAML files a kustomization uses, bases first and its own patches last (the
    order that later files override earlier ones in). Uses that are no local file or
    directory (a remote base) go to `strangers`; `seen` collects the kustomizations'
    directories (all that kustomize may read)."""
    files: list[Path] = []
    seen = set() if seen is None else seen

    def visit(kustomization: Kustomization) -> None:
        key = str(kustomization.directory)
        if key in seen:
            return
        seen.add(key)
        for path in kustomization.uses:
            normal = os.path.normpath(str(path))
            nested = by_directory.get(normal)
            if nested is None and os.path.isdir(normal):
                nested = _directory_kustomization(Path(normal))
            if nested is not None:
                visit(nested)
            elif os.path.isfile(normal):
                files.append(Path(normal))
        if strangers is not None:
            strangers.extend(f"{remote}, {OUTSIDE}" for remote in kustomization.remote)
            for used in (*kustomization.uses, *kustomization.patches, *kustomization.reads):
                why = _unsafe(str(used), roots)
                if why is not None:
                    strangers.append(f"{os.path.relpath(str(used), root.directory)}, {why}")
        files.extend(Path(os.path.normpath(str(p))) for p in kustomization.patches)

    visit(root)
    return files


def _unsafe(path: str, roots: list[str] | None) -> str | None:
    """Why kustomize must not be given a path it would read, else None: one leading out
    of the roots, or one that is no file or directory (kustomize would block reading a
    FIFO until its timeout)."""
    if not os.path.exists(path):
        return None  # kustomize's own error
    if not _inside_any(path, roots):
        return OUTSIDE
    if not (os.path.isfile(path) or os.path.isdir(path)):
        return NOT_A_FILE
    return None


def _inside_any(path: str, roots: list[str] | None) -> bool:
    if roots is None:
        return True
    resolved = os.path.realpath(path)
    return any(resolved == r or resolved.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _directory_kustomization(directory: Path) -> Kustomization | None:
    for name in sorted(FILE_NAMES):
        if (directory / name).is_file():
            return read_kustomization(directory / name)
    return None


def _render(
    prepared: Prepared,
    kustomization: Kustomization,
    chain: list[Path],
    done: subprocess.CompletedProcess[str] | None,
    restore: list[Candidate],
) -> None:
    """`done`: the render's process, None where no kustomize is installed."""
    display = display_path(prepared.show(kustomization.file))
    where = display_path(prepared.show(kustomization.directory)) + "/"
    if done is None:
        prepared.note(
            "PL007",
            f"kustomization {where} not rendered, so its ports are not checked: {INSTALL_HINT}",
            display,
            f"kustomization:{where}",
        )
        return
    if done.returncode != 0:
        prepared.note(
            "PL007",
            f"kustomization {where} not rendered ({_reason(done.stderr, kustomization, where)}); "
            "its files are checked one by one",
            display,
            f"kustomization:{where}",
        )
        prepared.candidates.extend(restore)
        return
    text = done.stdout
    own = prepared.read(kustomization.file)
    fallback = Location.point(display, 1)
    rendered = SourceFile(kustomization.file, display, text)
    prepared.sources.append(rendered)
    sources = [s for s in map(prepared.read, chain) if s is not None]
    origins = mapcache.origins(
        prepared.memo, "kustomize", text, sources, lambda: _origins(text, sources)
    )
    prepared.remapper.add(display, VirtualFile(rendered, origins, fallback))
    for origin in origins:
        if origin is not None:
            prepared.remapper.originals[origin.source.display] = origin.source
    if own is not None:
        prepared.remapper.originals[display] = own


class _Object(Record):
    """An object of a file: kind, name and the 0-based line span of its document."""

    kind: str
    name: str
    first: int
    last: int


def _objects(text: str) -> list[_Object]:
    found: list[_Object] = []
    try:
        for node in yaml.compose_all(text, Loader=SafeLoader):
            if not isinstance(node, yaml.MappingNode):
                continue
            fields = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            kind = fields.get("kind")
            metadata = fields.get("metadata")
            name = None
            if isinstance(metadata, yaml.MappingNode):
                for key, value in metadata.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == "name":
                        name = value
            found.append(
                _Object(
                    kind.value if isinstance(kind, yaml.ScalarNode) else "",
                    name.value if isinstance(name, yaml.ScalarNode) else "",
                    node.start_mark.line,
                    node.end_mark.line,
                )
            )
    except (yaml.YAMLError, RecursionError):  # RecursionError: the pure-Python composer
        return []
    return found


def _origins(rendered: str, chain: list[SourceFile]) -> list[Origin | None]:
    """Each rendered line's origin: the last file of the chain whose object of the same
    kind (and a name the rendered one contains: prefixes and suffixes) has the line."""
    objects = {id(s): _objects(s.text) for s in chain}
    stripped = {id(s): [bare(line) for line in s.text.splitlines()] for s in chain}
    result: list[Origin | None] = []
    lines = rendered.splitlines()
    for obj in _objects(rendered):
        while len(result) < obj.first:
            result.append(None)
        homes = [
            (source, candidate)
            for source in reversed(chain)
            for candidate in objects[id(source)]
            if candidate.kind == obj.kind and candidate.name and candidate.name in obj.name
        ]
        for index in range(obj.first, min(obj.last + 1, len(lines))):
            result.append(_home(bare(lines[index]), homes, stripped))
    while len(result) < len(lines):
        result.append(None)
    return result


def _home(
    text: str, homes: list[tuple[SourceFile, _Object]], stripped: dict[int, list[str]]
) -> Origin | None:
    if not text or text.startswith("#") or text == "---":
        return None
    for source, obj in homes:
        lines = stripped[id(source)]
        for index in range(obj.first, min(obj.last + 1, len(lines))):
            if lines[index] == text:
                return Origin(source, index + 1)
    # A value a transformer changed (namePrefix, images:): the same key where it was
    # first declared, the base.
    key = text.partition(":")[0] + ":"
    if key == ":":
        return None
    for source, obj in reversed(homes):
        lines = stripped[id(source)]
        for index in range(obj.first, min(obj.last + 1, len(lines))):
            if lines[index].startswith(key):
                return Origin(source, index + 1)
    return None


def _load(file: Path) -> dict[str, Any]:
    source = read_text(file)
    try:
        data = yaml.load(source.text, Loader=SafeLoader) if source else None  # noqa: S506
    except (yaml.YAMLError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in _items(value) if isinstance(v, str)]


def _items(value: Any) -> list[Any]:
    """A list field's entries; nothing for a value that is not a list (`patches: 5` is
    kustomize's error to report, not a reason to stop)."""
    return value if isinstance(value, list) else []
