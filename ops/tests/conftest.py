import pytest

from ops.instances import Templates


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """Migrated template databases, made once per test session (see ops/instances.py)."""
    made = Templates(tmp_path_factory.mktemp("ops-templates"))
    yield made
    made.close()
