"""Listen ports from a Compose service's `env_file:` files and its locally built image's
Dockerfile `ENV`, with `environment:` over `env_file:` over `ENV`, each binding on the
value where it is written (portlint.parsers.compose.service_env)."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, run

CASES = FIXTURES / "compose-env"


def _read(case: str) -> list[tuple[str, str, int, int, int, str]]:
    report = run(CASES / case)
    return sorted(
        (
            b.owner.rsplit("/", 1)[1],
            Path(b.location.path).resolve().relative_to(CASES / case).as_posix(),
            b.location.line,
            b.location.column,
            b.port,
            b.source,
        )
        for b in report.model.bindings
        if b.source.startswith("environment") and b.format == "compose"
    )


def test_env_file_values_are_read_and_environment_overrides_them():
    report = run(CASES / "env-file")
    assert report.findings == []  # a missing env file is skipped, never an error
    assert _read("env-file") == [
        ("api", "api.env", 1, 7, 7000, "environment PORT"),  # inside its quotes
        ("api", "compose.yaml", 14, 21, 9000, "environment SERVER_PORT"),  # not api.env's
        ("web", "web.env", 2, 6, 3000, "environment PORT"),
    ]
    web = next(b for b in report.model.bindings if b.location.path.endswith("web.env"))
    assert (web.location.end_line, web.location.end_column) == (2, 10)


def test_dockerfile_env_of_the_final_stage_unless_the_service_overrides_it():
    assert _read("dockerfile-env") == [
        ("api", "compose.yaml", 10, 14, 5000, "environment PORT"),  # over ENV PORT="8000"
        ("app", "app/Dockerfile", 4, 10, 3000, "environment PORT"),  # not the builder's 1234
    ]


def test_final_stage_env_positions_every_form():
    from portlint.parsers.dockerfile import final_stage_env

    text = "FROM python:3.12\nENV A=1 B=\"2\" C='3'\nENV D 4\nENV E=5 \\\n    F=6\n"
    image, values = final_stage_env(text)
    assert image == "python:3.12"
    assert values == {
        "A": ("1", 23, None),
        "B": ("2", 27, '"'),
        "C": ("3", 33, "'"),
        "D": ("4", 43, None),
        "E": ("5", 51, None),
        "F": ("6", 61, None),
    }
    assert [text[offset] for _, offset, _ in values.values()] == ["1", '"', "'", "4", "5", "6"]


def test_a_build_target_reads_that_stage_only():
    from portlint.parsers.dockerfile import final_stage_env

    text = "FROM node:20 AS dev\nENV PORT=3000\nFROM node:20-slim AS prod\nENV PORT=8080\n"
    assert final_stage_env(text) == ("node:20-slim", {"PORT": ("8080", 69, None)})
    assert final_stage_env(text, "dev") == ("node:20", {"PORT": ("3000", 29, None)})
    assert final_stage_env(text, "missing") == (None, {})


def test_a_scanned_dockerfile_binds_its_env_port_in_its_image_and_says_a_bad_one_once(
    tmp_path: Path,
) -> None:
    """The image's own namespace gets the ENV port (what it serves unless a runtime
    overrides it); a service building it reads the same ENV, but a bad value is one PL002."""
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nENV DEBUG=0 PORT=3000\n")
    report = run(tmp_path)
    assert [
        (b.namespace.kind, b.port, b.location.line, b.location.column, b.source)
        for b in report.model.bindings
    ] == [("dockerfile", 3000, 2, 18, "environment PORT")]
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nENV PORT=99999\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    build: .\n")
    found = run(tmp_path).findings
    assert [(f.rule, f.location.line, f.location.column) for f in found] == [("PL002", 2, 10)]
