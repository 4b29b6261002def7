"""atheris fuzz target: the configuration loader on arbitrary bytes: `.portlint.yaml`,
`[tool.portlint]` in pyproject.toml, and a policy file that a config names, through
`load_config` and `build_options` (schema validation, policy parsing and validation).

A `ConfigError` is the loader's answer to bad input and is fine; any other exception is a
bug. The first byte picks what the rest is written as. See fuzz/README.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from portlint.config import ConfigError, build_options, load_config
    from portlint.policy import parse_policy  # noqa: F401 - imported to be instrumented

WORK = Path(tempfile.mkdtemp(prefix="portlint-fuzz-config-")).resolve()
POLICY_CONFIG = b"policy: policy.yaml\n"


def test_one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0] % 3, data[1:]
    for old in WORK.iterdir():
        old.unlink()
    if mode == 0:
        config = WORK / ".portlint.yaml"
        config.write_bytes(body)
    elif mode == 1:
        config = WORK / "pyproject.toml"
        config.write_bytes(b"[tool.portlint]\n" + body)
    else:
        config = WORK / ".portlint.yaml"
        config.write_bytes(POLICY_CONFIG)
        (WORK / "policy.yaml").write_bytes(body)
    try:
        build_options(load_config(config), config)
    except ConfigError as error:
        assert str(error), "a ConfigError says what is wrong"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
