import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    """Tests (and the portlint processes they start) never touch the user's cache."""
    import os

    os.environ["PORTLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("portlint-cache"))
