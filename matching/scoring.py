"""How well a resource fits a need: a pure function, so the rule is easy to read and to test.

The score is out of 100 and made of three parts (docs/matching.md explains the reasons):

* category (50): the same category 50; a resource of any kind (money, general help) 20;
  another category does not fit at all.
* place (30): the same building 30, the same grid 25, community-wide on either side 15,
  elsewhere in the same community 10. Another community does not fit (resources are the
  community's own list).
* time (20): the periods overlap 20; either side has no dates ("any time") 10; they do not
  overlap: no fit.

Each part adds its reason ("Same category" 同一类别, "Same grid" 同一网格, "Dates match" 时间吻合),
shown next to the suggestion so staff see why it was made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

GENERAL = "general"


@dataclass(frozen=True)
class Facts:
    """What matching knows of a need or a resource."""

    community_id: int
    category: str
    grid_id: int | None = None
    building_id: int | None = None
    starts: dt.date | None = None
    ends: dt.date | None = None


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: tuple[str, ...]


def _overlap(a: Facts, b: Facts) -> bool | None:
    """True if the periods overlap, None if either is open-ended on both sides, False if not."""
    if (a.starts is None and a.ends is None) or (b.starts is None and b.ends is None):
        return None
    a_start, a_end = a.starts or dt.date.min, a.ends or dt.date.max
    b_start, b_end = b.starts or dt.date.min, b.ends or dt.date.max
    return a_start <= b_end and b_start <= a_end


def fit(need: Facts, resource: Facts) -> Fit | None:
    """The fit of ``resource`` to ``need``, or None if it does not fit at all."""
    if need.community_id != resource.community_id:
        return None
    reasons: list[str] = []
    if need.category == resource.category:
        score = 50
        reasons.append(_("Same category"))
    elif resource.category == GENERAL:
        score = 20
        reasons.append(_("Any-kind resource"))
    else:
        return None

    if need.building_id and need.building_id == resource.building_id:
        score += 30
        reasons.append(_("Same building"))
    elif need.grid_id and need.grid_id == resource.grid_id:
        score += 25
        reasons.append(_("Same grid"))
    elif resource.grid_id is None or need.grid_id is None:
        score += 15
        reasons.append(_("Community-wide"))
    else:
        score += 10
        reasons.append(_("Same community"))

    overlap = _overlap(need, resource)
    if overlap is False:
        return None
    if overlap:
        score += 20
        reasons.append(_("Dates match"))
    else:
        score += 10
        reasons.append(_("Any time"))
    return Fit(score=score, reasons=tuple(reasons))
