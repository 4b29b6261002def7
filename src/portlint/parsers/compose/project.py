"""One Compose project: which files form it and in which order, its key, what every
binding of a service shares (owner, identity, namespaces), and its mounts as facts.

Its environment is `environment.ProjectEnvironment`, the merging of its files (overrides,
`include:`, `extends:`) `services.ServiceMerging`; bindings are built from the merged
services afterwards (portlint.parsers.compose.bindings).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from portlint import registry
from portlint.compose_projects import ProjectKeys
from portlint.env_examples import Documented
from portlint.model import Diagnostic, Mount, Namespace, ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.compose.environment import ProjectEnvironment
from portlint.parsers.compose.services import Service, ServiceMerging, file_order
from portlint.source import Location, SourceFile
from portlint.yamlnodes import Node, YamlDocument, location

__all__ = ["FORMAT", "Project", "Service"]

FORMAT = "compose"


class Project(ProjectEnvironment, ServiceMerging):
    """One Compose project: its documents in the order `docker compose` reads them, its
    environment, and the `ParseResult` every stage appends to."""

    def __init__(self, documents: list[YamlDocument], ctx: ParseContext) -> None:
        self.documents = sorted(documents, key=file_order)
        self.ctx = ctx
        first = self.documents[0].source
        self.directory = first.path.parent
        keys = ctx.project_keys if ctx.project_keys is not None else ProjectKeys(ctx.read)
        self.key = keys.key(first.path, first.display)
        self.result = ParseResult()
        self.env, self.env_file = self._load_env()
        #: variable -> value, as interpolation reads it (built once per project)
        self.env_values = {k: v.value for k, v in self.env.items()}
        self._resolved_directory: Path | None = None
        self._documented: Documented | None = None
        #: what every binding of a service shares, made once (one owner string per service)
        self._shared: dict[tuple, Any] = {}
        #: top-level `configs:` name -> file
        self.config_files: dict[str, str] = {}
        #: (service, mapping) -> the file that declared it first
        self.mappings: dict[tuple, str] = {}
        self.included: list[YamlDocument] = []
        self.file_env: dict[str, dict[str, str]] = {}
        self.base_dirs: dict[str, Path] = {}
        #: path of a file `extends: {file:}` names -> its documents, read once
        self.extended_files: dict[str, list[YamlDocument]] = {}

    def record_mounts(self, service: Service) -> None:
        """The service's mounted files as `Mount` facts, for the resolve stage."""
        if service.network_mode == "host":
            return  # a host-network container listens on the host itself
        mounts = self.result.mounts
        for host_path in [*service.mounts, *self._build_copies(service)]:
            if self._resolved_directory is None:
                self._resolved_directory = self.directory.resolve()
            path = Path(os.path.normpath(self._resolved_directory / host_path))
            mounts.append(
                Mount(
                    path,
                    self.container_namespace(service),
                    f"{self.key}/{service.name}",
                    f"service '{service.name}'",
                )
            )

    def _build_copies(self, service: Service) -> list[str]:
        """What the service's image build copies from its context (portlint.build_copies)."""
        if service.build is None or self.ctx.read is None:
            return []
        from portlint.build_copies import copied_paths

        context = Path(os.path.normpath(self.directory.resolve() / service.build[0]))
        dockerfile = self.ctx.read(Path(os.path.normpath(context / service.build[1])))
        if dockerfile is None:
            return []
        return [str(p) for p in copied_paths(dockerfile.text, [context], self.ctx.inside_roots)]

    # -- what every binding of a service shares --------------------------------------

    def common(self, service: Service) -> dict[str, Any]:
        key = ("common", service.name, service.build is not None, service.image, service.profiles)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._common(service)
        return found  # type: ignore[no-any-return]

    def _common(self, service: Service) -> dict[str, Any]:
        return {
            "owner": f"{self.key}/{service.name}",
            "format": FORMAT,
            # A locally built image's `image:` is the tag the build gives it, not known
            # software: only a service named after known software says what it is.
            "identity": registry.identify(name=service.name)
            if service.build is not None
            else registry.identify(image=service.image, name=service.name),
            # One string per image (the same few recur in every project).
            "image": None
            if service.build is not None or service.image is None
            else sys.intern(service.image),
            "label": f"service '{service.name}'",
            "project": self.key,
            "profiles": service.profiles,
        }

    def container_namespace(self, service: Service) -> Namespace:
        key = ("namespace", service.name, service.network_mode)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._container_namespace(service)
        return found  # type: ignore[no-any-return]

    def _container_namespace(self, service: Service) -> Namespace:
        mode = service.network_mode or ""
        if mode.startswith("service:"):
            return Namespace.container(f"{self.key}/{mode[len('service:') :]}")
        if mode.startswith("container:"):
            return Namespace.container(mode[len("container:") :])
        return Namespace.container(self.common(service)["owner"])  # the same text, once

    def network_namespace(self, service: Service) -> Namespace:
        """Where the service's own sockets listen: the host for `network_mode: host`."""
        if service.network_mode == "host":
            return Namespace.host()
        return self.container_namespace(service)

    # -- problems --------------------------------------------------------------------

    def invalid(self, where: Location, message: str, key: str) -> None:
        self.result.diagnostics.append(Diagnostic("PL002", message, where, key=f"{self.key}:{key}"))

    def error(self, rule: str, source: SourceFile, node: Node | None, message: str) -> None:
        where = location(source, node) if node is not None else Location.point(source.display, 1)
        self.result.diagnostics.append(Diagnostic(rule, message, where, key=message))
