import pytest

from spaces.tests.factories import make_room


@pytest.fixture
def rooms(world):
    """书法室 and 多功能厅 in 康平社区 (A), 手工坊 in 溡源社区 (B); all open 延时错时 hours."""
    return {
        "a": make_room(world.community_a, "书法室"),
        "a2": make_room(world.community_a, "多功能厅", function="multipurpose", area=150, capacity=80),
        "b": make_room(world.community_b, "手工坊", function="workshop", area=80),
    }
