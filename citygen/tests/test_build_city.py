import pytest

from citygen.generate import PRESETS, build_city
from orgs.models import NodeKind, OrgNode
from residents.idcard import check_digit
from residents.models import Resident

pytestmark = pytest.mark.django_db


def test_ci_preset_builds_a_consistent_tree_and_valid_residents():
    r = build_city(communities=3, preset="ci", seed=7)
    assert r.communities == 3
    assert OrgNode.objects.filter(kind=NodeKind.COMMUNITY).count() == 3
    assert Resident.objects.count() == 3 * PRESETS["ci"]["residents"]
    for node in OrgNode.objects.select_related("parent"):
        if node.parent is None:
            assert node.path == f"/{node.pk}/"
        else:
            assert node.path == f"{node.parent.path}{node.pk}/"
            assert node.depth == node.parent.depth + 1
        if node.kind in (NodeKind.GRID, NodeKind.BUILDING):
            assert node.community.kind == NodeKind.COMMUNITY
            assert node.path.startswith(node.community.path)
    for res in Resident.objects.all():
        assert len(res.id_number) == 18
        assert res.id_number[17] == check_digit(res.id_number[:17])
        assert res.id_number[6:14] == f"{res.birth_date:%Y%m%d}"
