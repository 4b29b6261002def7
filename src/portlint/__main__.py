"""Allow `python -m portlint`."""

from portlint.cli import entry

entry()
