"""Reading portlint's own input files (configuration, policies, baselines) as safely as
scanned ones: through the one guarded reader (regular files only, bounded size, inside
the repository when a committed file names them), YAML under the same alias, depth and
size limits as scanned documents, and errors that never quote more than a short excerpt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portlint.errors import ConfigError
from portlint.options import Limits
from portlint.source import ReadError, Roots, SourceFile, read_source

#: Configuration and policy files are bounded by the default limits: they are read
#: before any `limits:` a configuration sets.
LIMITS = Limits()


def repository_root(directory: Path) -> Path:
    """The nearest directory at or above `directory` with a `.git`, else `directory`
    itself (both resolved): where files a committed configuration names must be."""
    start = directory.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def read_text(path: Path, what: str, roots: Roots | None = None) -> str:
    """The text of one of portlint's own files; ConfigError naming `what` and the reason.
    `roots` None: a path the user gave on the command line, their own choice."""
    try:
        return read_source(path, str(path), LIMITS.max_file_bytes, roots=roots).text
    except ReadError as error:
        raise ConfigError(f"{path}: cannot read {what}: {error}") from None


def load_yaml(text: str, where: str) -> tuple[Any, Any]:
    """(data, root node) of a one-document YAML text, composed under `LIMITS` first: an
    alias bomb must not expand in the loader or in the validation cache's digest."""
    import yaml

    from portlint.yamlkeys import DuplicateKeyError
    from portlint.yamlnodes import SafeLoader, YamlLimitError, compose_documents

    try:
        compose_documents(SourceFile(Path(where), where, text), LIMITS)
        node = yaml.compose(text, Loader=SafeLoader)
        data = yaml.load(text, Loader=SafeLoader)
    except DuplicateKeyError as error:
        raise ConfigError(
            f"{where}{_at(error)}: {error.args[0].split(':')[0]}: a key may appear "
            "only once (YAML forbids repeats; portlint never picks one)"
        ) from None
    except YamlLimitError as error:
        raise ConfigError(f"{where}{_at(error)}: YAML not checked: {error}") from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{where}{_at(error)}: invalid YAML: {problem}") from None
    return data, node


def _at(error: Exception) -> str:
    mark = getattr(error, "problem_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
