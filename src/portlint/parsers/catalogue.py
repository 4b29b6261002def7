"""The built-in parsers: which module holds each, its format, and which files may be its.

A check of one file (the pre-commit case) should import that file's parser and no other.
So the registry holds a stand-in for every built-in parser: the stand-in knows its
parser's format and a quick test that is true of every file (or YAML document) the
parser would take, and imports the parser's module only when that test passes; the
parser's own `matches`/`claims` then decides, and answers from then on with nothing in
between. The quick tests must never be stricter than the parsers' own (tests/test_startup.py
checks them against every parser on the fixtures and the corpus).

The order here is the registry's order, which decides which parser gets a file that two
could take: text parsers by module, then document parsers by module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portlint.model import ParseResult
    from portlint.yamlnodes import YamlDocument

#: nginx reads files without `.conf` in these directories (the nginx parser's own set,
#: here so that its stand-in needs no import).
NGINX_FRAGMENT_DIRS = frozenset(
    {"conf.d", "sites-available", "sites-enabled", "http.d", "stream.d", "vhosts.d"}
)
_MISSING: Any = object()  # a built-in module this installation lacks


class _Deferred:
    """What every stand-in shares: the module, the parser's place in its `PARSERS`, and
    the import on first real use."""

    def __init__(self, module: str, index: int, format: str) -> None:
        self.module = module
        self.index = index
        self.format = format
        self._parser: Any = None

    def load(self) -> Any:
        """The parser itself (imported now if it was not), or None when its module is
        not installed. Its methods then replace the stand-in's."""
        if self._parser is None:
            name = f"portlint.parsers.{self.module}"
            try:
                self._parser = importlib.import_module(name).PARSERS[self.index]
            except ModuleNotFoundError as error:
                if error.name != name:
                    raise
                self._parser = _MISSING
                return None
            self._take_over(self._parser)
        return None if self._parser is _MISSING else self._parser

    def _take_over(self, parser: Any) -> None:
        self.parse = parser.parse  # type: ignore[method-assign]

    def parse(self, *args: Any) -> ParseResult:
        parser = self.load()
        if parser is None:  # pragma: no cover - only a file it matched is parsed
            raise RuntimeError(f"parser module portlint.parsers.{self.module} is missing")
        return parser.parse(*args)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<{self.format} parser from portlint.parsers.{self.module}>"


class DeferredTextParser(_Deferred):
    """A text parser (portlint.parsers.TextParser) imported when a file's name may be its."""

    def __init__(self, module: str, index: int, format: str, may_match: Callable[..., bool]):
        super().__init__(module, index, format)
        self.may_match = may_match

    def _take_over(self, parser: Any) -> None:
        super()._take_over(parser)
        self.matches = parser.matches  # type: ignore[method-assign]

    def matches(self, path: Path) -> bool:
        if not self.may_match(path, path.name.lower()):
            return False
        parser = self.load()
        return parser is not None and bool(parser.matches(path))


class DeferredDocumentParser(_Deferred):
    """A document parser (portlint.parsers.DocumentParser) imported when a document may
    be its."""

    def __init__(
        self,
        module: str,
        index: int,
        format: str,
        group_by_directory: bool,
        claim_test: str,
    ) -> None:
        super().__init__(module, index, format)
        self.group_by_directory = group_by_directory
        #: the quick test's name in portlint.parsers.document_claims, imported with the
        #: first document (it needs the YAML node classes, which a check of text formats
        #: only never imports)
        self.claim_test = claim_test
        self._may_claim: Callable[[YamlDocument], bool] | None = None

    def may_claim(self, document: YamlDocument) -> bool:
        test = self._may_claim
        if test is None:
            module = importlib.import_module("portlint.parsers.document_claims")
            test = self._may_claim = getattr(module, self.claim_test)
        return test(document)

    def _take_over(self, parser: Any) -> None:
        super()._take_over(parser)
        self.claims = parser.claims  # type: ignore[method-assign]

    def claims(self, document: YamlDocument) -> bool:
        if not self.may_claim(document):
            return False
        parser = self.load()
        return parser is not None and bool(parser.claims(document))


# --- which files may be whose: each true of every file its parser matches -------------
# (path, its name in lower case) -> bool


def _dockerfile(path: Path, name: str) -> bool:
    return "dockerfile" in name or "containerfile" in name


def _nginx(path: Path, name: str) -> bool:
    return name.endswith(".conf") or path.parent.name in NGINX_FRAGMENT_DIRS


def _conf(path: Path, name: str) -> bool:  # Apache, dovecot
    return name.endswith(".conf")


def _haproxy(path: Path, name: str) -> bool:
    return name.endswith(".cfg")


def _systemd_socket(path: Path, name: str) -> bool:
    return name.endswith((".socket", ".conf"))  # lower case: looser than the suffix


def _systemd_service(path: Path, name: str) -> bool:
    return name.endswith(".service")


def _run_script(path: Path, name: str) -> bool:
    return name.endswith((".sh", ".bash", ".mk")) or name in ("makefile", "gnumakefile")


def _quadlet(path: Path, name: str) -> bool:
    return name.endswith((".container", ".pod", ".kube"))


def _toml(path: Path, name: str) -> bool:
    return name.endswith(".toml")


def _caddy(path: Path, name: str) -> bool:
    return "caddyfile" in name


def _key_value(path: Path, name: str) -> bool:  # redis, PostgreSQL, MySQL, sshd
    return name.endswith((".conf", ".cnf", ".sample", ".fallback")) or name == "sshd_config"


def _spring_properties(path: Path, name: str) -> bool:
    return name.startswith("application") and name.endswith(".properties")


def _postfix(path: Path, name: str) -> bool:
    return name == "master.cf"


def _bind(path: Path, name: str) -> bool:
    return name.startswith("named.conf")


# Which documents may be whose: portlint.parsers.document_claims (they read YAML nodes).


def text_parsers() -> list[DeferredTextParser]:
    """The built-in text parsers, in the registry's order (fresh stand-ins)."""
    return [
        DeferredTextParser("dockerfile", 0, "dockerfile", _dockerfile),
        DeferredTextParser("nginx", 0, "nginx", _nginx),
        DeferredTextParser("apache", 0, "apache", _conf),
        DeferredTextParser("haproxy", 0, "haproxy", _haproxy),
        DeferredTextParser("systemd", 0, "systemd", _systemd_socket),
        DeferredTextParser("systemd_service", 0, "systemd", _systemd_service),
        DeferredTextParser("runscripts", 0, "script", _run_script),
        DeferredTextParser("quadlet", 0, "quadlet", _quadlet),
        DeferredTextParser("traefik", 1, "traefik", _toml),
        DeferredTextParser("caddy", 0, "caddy", _caddy),
        DeferredTextParser("keyvalue", 0, "keyvalue", _key_value),
        DeferredTextParser("spring", 0, "spring", _spring_properties),
        DeferredTextParser("postfix", 0, "postfix", _postfix),
        DeferredTextParser("dovecot", 0, "dovecot", _conf),
        DeferredTextParser("bind", 0, "bind", _bind),
    ]


def document_parsers() -> list[DeferredDocumentParser]:
    """The built-in document parsers, in the registry's order (fresh stand-ins)."""
    return [
        DeferredDocumentParser("compose", 0, "compose", True, "compose"),
        DeferredDocumentParser("kubernetes", 0, "kubernetes", False, "kubernetes"),
        DeferredDocumentParser("envoy", 0, "envoy", False, "envoy"),
        DeferredDocumentParser("traefik", 0, "traefik", False, "traefik"),
        DeferredDocumentParser("spring", 1, "spring", False, "spring_yaml"),
    ]
