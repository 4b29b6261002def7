"""The Language Server: pygls wiring of the workspace model, diagnostics, code actions
and hover. Checks run on open and save at once, and on change after a short pause
(typing does not start a check per keystroke)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from portlint import __version__
from portlint.findings import Finding, Severity
from portlint.fixes import Fix, fix_for, suppression_fix
from portlint.lsp import positions
from portlint.lsp.hover import hover_text
from portlint.lsp.workspace import Checked, Workspace
from portlint.rules.catalogue import BY_ID
from portlint.source import display_path

DEBOUNCE_SECONDS = 0.3
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


class PortlintServer(LanguageServer):
    """State of one editor session: the workspace, the last check, what was published."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__("portlint", __version__)
        self.debug = debug  # parser and rule crashes raise instead of becoming PL001
        self.model: Workspace | None = None
        self.checked: Checked | None = None
        self.published: set[str] = set()  # display paths with diagnostics shown
        self.pending: asyncio.TimerHandle | None = None
        self._lines: dict[str, list[str]] = {}

    # --- workspace ------------------------------------------------------------------------

    def workspace_model(self) -> Workspace:
        if self.model is None:
            folders = list(self.workspace.folders.values())
            first = to_fs_path(folders[0].uri) if folders else None
            root = Path(self.workspace.root_path or first or os.getcwd())
            os.chdir(root)  # display paths (and so diagnostics) are relative to the root
            self.model = Workspace(root, debug=self.debug)
        return self.model

    def display(self, uri: str) -> str:
        return display_path(to_fs_path(uri) or uri)

    def uri(self, display: str) -> str:
        return from_fs_path(os.path.abspath(display)) or display

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or positions.UTF16)

    def line_text(self, display: str, line: int) -> str:
        lines = self._lines.get(display)
        if lines is None:
            source = self.checked.sources.get(display) if self.checked else None
            text = source.text if source is not None else ""
            lines = self._lines[display] = [x.removesuffix("\r") for x in text.split("\n")]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    # --- checking -------------------------------------------------------------------------

    def recheck(self) -> None:
        """Check the workspace and publish diagnostics for the open files, the files they
        collide with, and (empty) for files whose diagnostics went away."""
        self.pending = None
        model = self.workspace_model()
        try:
            self.checked = model.check()
        except Exception as error:  # a bug must not end the session: say so, keep going
            if self.debug:
                raise
            self.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"portlint: internal error: {type(error).__name__}: {error}",
                )
            )
            return
        self._lines = {}
        open_paths = {self.display(uri) for uri in self.workspace.text_documents}
        by_path: dict[str, list[Finding]] = {p: [] for p in open_paths | self.published}
        for finding in self.checked.findings:
            path = finding.location.path
            others = {r.location.path for r in finding.related}
            if path in open_paths or others & open_paths:
                by_path.setdefault(path, []).append(finding)
        for path, findings in by_path.items():
            diagnostics = [self.diagnostic(f) for f in findings]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=self.uri(path), diagnostics=diagnostics)
            )
        self.published = {p for p, fs in by_path.items() if fs}

    def schedule(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
        self.pending = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.recheck)

    def to_range(self, path: str, line: int, column: int, end_line: int, end_column: int):
        encoding = self.encoding()
        start = positions.to_client(self.line_text(path, line), column, encoding)
        end = positions.to_client(self.line_text(path, end_line), end_column, encoding)
        return types.Range(
            types.Position(max(line - 1, 0), start), types.Position(max(end_line - 1, 0), end)
        )

    def diagnostic(self, finding: Finding) -> types.Diagnostic:
        loc = finding.location
        info = BY_ID.get(finding.rule)
        from portlint.docs import help_uri

        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=self.uri(r.location.path),
                    range=self.to_range(r.location.path, *r.location[1:]),
                ),
                message=r.message,
            )
            for r in finding.related
        ]
        return types.Diagnostic(
            range=self.to_range(loc.path, *loc[1:]),
            message=finding.message,
            severity=_SEVERITY.get(finding.severity or Severity.WARNING),
            code=finding.rule,
            code_description=types.CodeDescription(href=help_uri(info)) if info else None,
            source="portlint",
            related_information=related or None,
        )

    # --- code actions and hover -----------------------------------------------------------

    def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        if self.checked is None:
            return []
        path = self.display(params.text_document.uri)
        text = self.workspace.get_text_document(params.text_document.uri).source
        first, last = params.range.start.line + 1, params.range.end.line + 1
        actions: list[types.CodeAction] = []
        for finding in self.checked.findings:
            loc = finding.location
            if loc.path != path or loc.end_line < first or loc.line > last:
                continue
            diagnostic = self.diagnostic(finding)
            for fix in (fix_for(finding, text), suppression_fix(finding, text)):
                if fix is not None:
                    actions.append(self.action(params.text_document.uri, fix, diagnostic))
        return actions

    def action(self, uri: str, fix: Fix, diagnostic: types.Diagnostic) -> types.CodeAction:
        path = self.display(uri)
        edits = [
            types.TextEdit(
                range=self.to_range(path, e.line, e.column, e.end_line, e.end_column),
                new_text=e.new_text,
            )
            for e in fix.edits
        ]
        disable = fix.title.startswith("Disable ")
        return types.CodeAction(
            title=fix.title if fix.safe or disable else f"{fix.title} (changes behaviour)",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: edits}),
            is_preferred=fix.safe and not disable,
        )

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        if self.checked is None:
            return None
        path = self.display(params.text_document.uri)
        line = params.position.line + 1
        text = self.workspace.get_text_document(params.text_document.uri).lines
        line_text = text[line - 1].rstrip("\r\n") if line <= len(text) else ""
        column = positions.from_client(line_text, params.position.character, self.encoding())
        policy = self.workspace_model().options.policy
        body = hover_text(self.checked.model, path, line, column, line_text, policy)
        if body is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=body))


def build(debug: bool = False) -> PortlintServer:
    """The server with its features registered."""
    server = PortlintServer(debug)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: PortlintServer, _params: types.InitializedParams) -> None:
        ls.workspace_model()
        caps = ls.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if watched is not None and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern="**/*")]
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="portlint-watch",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=watchers
                            ),
                        )
                    ]
                )
            )

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PortlintServer, params: types.DidOpenTextDocumentParams) -> None:
        doc = params.text_document
        ls.workspace_model().set_overlay(to_fs_path(doc.uri) or doc.uri, doc.text)
        ls.recheck()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PortlintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        ls.workspace_model().set_overlay(to_fs_path(uri) or uri, text)
        ls.schedule()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PortlintServer, params: types.DidSaveTextDocumentParams) -> None:
        model = ls.workspace_model()
        path = to_fs_path(params.text_document.uri) or ""
        if model.is_config(path):
            model.reload_config()
        ls.recheck()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PortlintServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.workspace_model().set_overlay(to_fs_path(params.text_document.uri) or "", None)
        ls.recheck()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: PortlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        model = ls.workspace_model()
        paths = [to_fs_path(change.uri) or "" for change in params.changes]
        if any(model.is_config(p) for p in paths):
            model.reload_config()
        else:
            model.files_changed()
        ls.recheck()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: PortlintServer, params: types.CodeActionParams):
        return ls.code_actions(params)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PortlintServer, params: types.HoverParams):
        return ls.hover(params)

    return server


def serve(debug: bool = False) -> None:
    build(debug).start_io()
