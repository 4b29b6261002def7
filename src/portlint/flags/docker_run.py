"""`docker run` / `podman run` (and `docker container run`, `docker create`) command lines:
the `-p`/`--publish` mappings they publish, in every spelling the Docker CLI takes
(`-p 80:80`, `-p80:80`, `--publish 80:80`, `--publish=80:80`,
`-p 127.0.0.1:8080:80/udp`, `-p [::1]:80:80`, a range), each with the place of its value.
A mapping without a host port (`-p 80`) publishes on a port Docker picks: not a fixed
binding, so not reported. Words after the image are the container's command, not options.
"""

from __future__ import annotations

from portlint.flags.words import Word
from portlint.records import Record

_ENGINES = frozenset({"docker", "podman", "nerdctl"})
_RUN = frozenset({"run", "create"})
#: `docker run` options that take a value as the next word (so the image is found).
_VALUED = frozenset(
    " ".join(
        (
            "-a -c -e -h -l -m -u -v -w --name --env --env-file --network --net --volume",
            "--user --workdir --label --hostname --restart --entrypoint --mount --memory",
            "--cpus --add-host --device --dns --log-driver --log-opt --ulimit --cap-add",
            "--cap-drop --pull --platform --expose --link --tmpfs --security-opt",
            "--health-cmd --stop-signal --shm-size --pod --ip --ip6 --gpus --runtime",
            "--cgroupns --ipc --pid --userns --group-add",
        )
    ).split()
)


class Publish(Record):
    value: str  # the mapping as written ("127.0.0.1:8080:80/tcp")
    word: Word
    at: int  # where the value starts in the word's text
    name: str  # the container's --name ("" when not given)
    image: str  # the image ("" when not found)
    host_network: bool = False  # --network host / --net=host


def publishes(words: list[Word]) -> list[Publish]:
    """The mappings of one simple command, when it is a `docker run`-like command."""
    index = _run_start(words)
    if index is None:
        return []
    found: list[tuple[str, Word, int]] = []
    name = image = ""
    host_network = False
    i = index
    while i < len(words):
        text = words[i].text
        if not text.startswith("-") or text == "-":
            image = text
            break
        option, eq, value = text.partition("=")
        if option in ("-p", "--publish"):
            if eq:
                found.append((value, words[i], len(option) + 1))
            elif i + 1 < len(words):
                found.append((words[i + 1].text, words[i + 1], 0))
                i += 1
        elif text.startswith("-p") and not text.startswith("--") and len(text) > 2:
            found.append((text[2:], words[i], 2))  # -p8080:80
        elif option in _VALUED:
            taken = value if eq else (words[i + 1].text if i + 1 < len(words) else "")
            if option == "--name":
                name = taken
            if option in ("--network", "--net") and taken == "host":
                host_network = True
            if not eq:
                i += 1
        i += 1
    return [Publish(v, w, at, name, image, host_network) for v, w, at in found]


def _run_start(words: list[Word]) -> int | None:
    """Index of the first option after `docker run` (None: not such a command)."""
    if not words or words[0].text.rsplit("/", 1)[-1] not in _ENGINES:
        return None
    i = 1
    while i < len(words) and words[i].text.startswith("-"):
        i += 1  # global options (`docker --context x run`: rare, values not skipped)
    if i + 1 < len(words) and words[i].text == "container" and words[i + 1].text in _RUN:
        return i + 2
    if i < len(words) and words[i].text in _RUN:
        return i + 1
    return None
