"""Reads of residents, always inside the asker's scope (grid workers see their own grid)."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from linli.errors import NotFound
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import (
    ImportBatch,
    Resident,
    RevealLog,
    VulnerableTag,
    id_number_index,
    phone_index,
    phone_tail_index,
)


def _scoped(scope: Scope, cap: str) -> QuerySet[Resident]:
    return scope.filter(Resident.objects.all(), cap, community_field="community_id", path_field="grid__path")


def resident_list_for_user(
    *,
    scope: Scope,
    community: OrgNode,
    query: str = "",
    grid_id: int | None = None,
    tag: str = "",
) -> QuerySet[Resident]:
    qs = _scoped(scope, Cap.RESIDENT_VIEW).filter(community=community)
    query = (query or "").strip()
    if query:
        if re.fullmatch(r"[A-Za-z]+", query):
            key = query.lower()
            qs = qs.filter(Q(name_initials__startswith=key) | Q(name_pinyin__startswith=key) | Q(name_pinyin__contains=key))
        elif re.fullmatch(r"\d{4}", query):
            # The last four digits of a phone number: how people say it on the phone.
            qs = qs.filter(phone_tail_hash=phone_tail_index(query))
        elif re.fullmatch(r"\d{11}|\d{17}[\dXx]", query) and not scope.has(Cap.RESIDENT_REVEAL, community.pk):
            # Searching by a full number would tell someone who may not see full numbers whether
            # that number is registered here: only roles that may reveal numbers search by them.
            qs = qs.none()
        elif re.fullmatch(r"\d{11}", query):
            qs = qs.filter(phone_hash=phone_index(query))
        elif re.fullmatch(r"\d{17}[\dXx]", query):
            qs = qs.filter(id_number_hash=id_number_index(query))
        else:
            qs = qs.filter(name__contains=query)
    if grid_id:
        qs = qs.filter(grid_id=grid_id)
    if tag:
        tag_obj = VulnerableTag.objects.filter(code=tag).first()
        if tag_obj is not None and tag_obj.min_age is not None:
            from django.utils import timezone

            today = timezone.localdate()
            try:
                cutoff = today.replace(year=today.year - tag_obj.min_age)
            except ValueError:  # 29 February, in a year that has none: born by the 28th
                cutoff = today.replace(year=today.year - tag_obj.min_age, day=28)
            qs = qs.filter(Q(birth_date__lte=cutoff) | Q(tags=tag_obj)).distinct()
        elif tag_obj is not None and tag_obj.sensitive:
            qs = qs.filter(pk__in=residents_with_sensitive_tag(qs, tag_obj.code))
        else:
            qs = qs.filter(tags__code=tag)
    return qs.select_related("grid", "building").prefetch_related("tags").order_by("grid__sort_order", "name_pinyin", "id")


def resident_get_for_user(*, scope: Scope, resident_id: int, cap: str = Cap.RESIDENT_VIEW) -> Resident:
    resident = _scoped(scope, cap).select_related("community", "grid", "building", "household").filter(pk=resident_id).first()
    if resident is None:
        raise NotFound()
    return resident


def resident_for_self(*, user) -> Resident:
    resident = Resident.objects.select_related("community", "grid", "building").filter(user=user).first()
    if resident is None:
        raise NotFound()
    return resident


def effective_tags(resident: Resident, all_tags: list[VulnerableTag] | None = None) -> list[VulnerableTag]:
    """Tags given by staff (the plain ones and the encrypted sensitive ones) plus those that apply
    by age (80+). Pass ``all_tags`` (every tag, read once) on list pages: no query per resident."""
    tags = all_tags if all_tags is not None else list(VulnerableTag.objects.all())
    by_code = {t.code: t for t in tags}
    codes = resident.sensitive_tag_codes
    if any(code not in by_code for code in codes):
        by_code |= {t.code: t for t in VulnerableTag.objects.filter(code__in=codes)}
    given = list(resident.tags.all()) + [by_code[c] for c in codes if c in by_code]
    given.sort(key=lambda t: (t.sort_order, t.code))
    age = resident.age
    auto = [t for t in tags if t.min_age is not None and age >= t.min_age and t not in given]
    return given + auto


def residents_with_sensitive_tag(qs: QuerySet[Resident], code: str) -> list[int]:
    """Ids of the residents of ``qs`` in a sensitive group. Membership is encrypted, so the
    database cannot filter on it: the scoped rows are decrypted here (a community's few thousand
    rows in milliseconds; docs/decisions/0005-field-encryption.md)."""
    return [pk for pk, value in qs.values_list("pk", "sensitive_tags") if code in (value or "").split(",")]


def tag_list() -> QuerySet[VulnerableTag]:
    return VulnerableTag.objects.all()


def reveal_log_for_user(*, scope: Scope, community: OrgNode) -> QuerySet[RevealLog]:
    return (
        scope.filter(RevealLog.objects.filter(community=community), Cap.AUDIT_VIEW)
        .select_related("actor", "resident")
        .order_by("-created_at")
    )


def import_batch_get_for_user(*, scope: Scope, batch_id: int) -> ImportBatch:
    batch = scope.filter(ImportBatch.objects.all(), Cap.RESIDENT_MANAGE).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound()
    # A batch holds full ID and mobile numbers of residents of any grid. Someone who manages only
    # part of the community (a grid worker) sees, and may confirm, only the files they uploaded.
    if (
        not scope.is_platform_admin
        and batch.community_id not in scope.whole_community_ids(Cap.RESIDENT_MANAGE)
        and batch.created_by_id != scope.user.pk
    ):
        raise NotFound()
    return batch
