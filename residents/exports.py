"""Excel and JSON exports of residents. Masked by default; a full export is logged per person."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.errors import Forbidden, ValidationFailed
from orgs.roles import Cap
from orgs.scope import Scope
from residents.models import Resident, RevealField, RevealLog
from residents.selectors import effective_tags


def full_export_check(*, actor: Scope, community_id: int, reason: str) -> None:
    """May ``actor`` export full numbers of the community, and did they say why?"""
    if not actor.has(Cap.RESIDENT_EXPORT, community_id):
        raise Forbidden(_("Your role may not export residents."))
    if not actor.has(Cap.RESIDENT_REVEAL, community_id):
        raise Forbidden(_("Your role may not see full ID or mobile numbers."))
    if len((reason or "").strip()) < 2:
        raise ValidationFailed(_("Say why you need the full numbers (this is logged)."), code="no_reason")


def residents_workbook(
    *, actor: Scope, residents: QuerySet[Resident], community_id: int, full: bool = False, reason: str = ""
) -> bytes:
    if not actor.has(Cap.RESIDENT_EXPORT, community_id):
        raise Forbidden(_("Your role may not export residents."))
    rows = list(residents)
    if full:
        full_export_check(actor=actor, community_id=community_id, reason=reason)
        now = timezone.now()
        RevealLog.objects.bulk_create(
            [
                RevealLog(
                    community_id=r.community_id, resident=r, actor=actor.user, field=RevealField.EXPORT,
                    reason=reason.strip()[:200], created_at=now,
                )
                for r in rows
            ],
            batch_size=1000,
        )
    from residents.models import VulnerableTag

    all_tags = list(VulnerableTag.objects.all())
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = "居民"
    ws.append(["姓名", "性别", "年龄", "身份证号", "手机号", "网格", "楼栋", "单元", "房号", "特殊群体", "备注"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(
            [
                r.name,
                r.get_gender_display(),
                r.age,
                r.id_number if full else r.id_number_masked,
                r.phone if full else r.phone_masked,
                r.grid.name,
                r.building.name if r.building_id else "",
                r.unit,
                r.room,
                "、".join(t.name for t in effective_tags(r, all_tags)),
                r.note,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def own_data(resident: Resident) -> dict[str, Any]:
    """Everything Linli holds about a resident, for the resident (PIPL art. 45: access and copy)."""
    history = [
        {
            "when": h.history_date.isoformat(),
            "change": h.get_history_type_display(),
            "by": str(h.history_user) if h.history_user_id else "",
        }
        for h in resident.history.all().select_related("history_user").order_by("history_date")
    ]
    reveals = [
        {"when": r.created_at.isoformat(), "who": str(r.actor), "what": r.get_field_display(), "reason": r.reason}
        for r in resident.reveals.select_related("actor").order_by("created_at")
    ]
    return {
        "name": resident.name,
        "gender": resident.get_gender_display(),
        "birth_date": resident.birth_date.isoformat(),
        "id_number": resident.id_number,
        "phone": resident.phone,
        "community": resident.community.name,
        "grid": resident.grid.name,
        "address": resident.address,
        "tags": [t.name for t in effective_tags(resident)],
        "note": resident.note,
        "registered_at": resident.created_at.isoformat(),
        "changes": history,
        "who_viewed_my_numbers": reveals,
        "consents": [
            {
                "when": c.at.isoformat(),
                "for": c.get_purpose_display(),
                "consents": c.granted,
                "how": c.get_method_display(),
                "guardian": f"{c.guardian_relation} {c.guardian_name}".strip(),
            }
            for c in resident.consents.order_by("at", "id")
        ],
        "deletion_requests": [
            {
                "when": d.requested_at.isoformat(),
                "status": d.get_status_display(),
                "answer": d.decision_note,
                "answered": d.decided_at.isoformat() if d.decided_at else "",
            }
            for d in resident.deletion_requests.order_by("requested_at", "id")
        ],
    }
