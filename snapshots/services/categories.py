"""The categories offered to reporters: reference data, edited in the admin."""

from __future__ import annotations

from snapshots.models import Category

# (code, name, deadline in hours). Rubbish and blocked stairwells (a fire risk) first: they are
# what the reports name (垃圾积存、楼道堆放).
DEFAULTS: tuple[tuple[str, str, int], ...] = (
    ("rubbish", "垃圾积存", 24),
    ("stairwell", "楼道堆放", 48),
    ("lights", "路灯楼道灯损坏", 72),
    ("facilities", "公共设施损坏", 120),
    ("parking", "乱停乱放", 48),
    ("greenery", "绿化损毁", 120),
    ("water", "污水积水", 48),
    ("safety", "安全隐患", 24),
    ("other", "其他问题", 168),
)


def categories_ensure_defaults() -> int:
    """Create the default categories that are missing; returns how many it made."""
    made = 0
    for order, (code, name, hours) in enumerate(DEFAULTS):
        _obj, created = Category.objects.get_or_create(
            code=code, defaults={"name": name, "deadline_hours": hours, "sort_order": order}
        )
        made += created
    return made
