import pytest

from enterprise.tests.factories import enterprise_for


@pytest.fixture
def ent_a(world):
    return enterprise_for(world, "a")


@pytest.fixture
def ent_b(world):
    return enterprise_for(world, "b")
