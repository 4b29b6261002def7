"""Allow `python -m portlint`."""

from portlint.cli import main

raise SystemExit(main())
