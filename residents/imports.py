"""Excel import of residents: check every row first, write all-or-nothing.

Staff upload an .xlsx; every row is checked (ID number and its check digit, mobile number,
grid and building, duplicates in the file and in the community) and the result is kept as an
``ImportBatch`` for preview. Nothing is written until the user confirms: either the whole file
(only when no row has an error) or, if they explicitly choose, the good rows only. The commit
checks the rows again, because the community may have changed since the preview.
"""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from simple_history.utils import bulk_create_with_history

from accounts.phone import normalize_phone
from linli.errors import Conflict, NotFound, ValidationFailed
from linli.workbooks import read_table
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from residents.idcard import check_digit, parse_id_number
from residents.models import Household, ImportBatch, ImportStatus, Resident, VulnerableTag, id_number_index
from residents.names import pinyin_keys

MAX_ROWS = 20000

# Column key → accepted header texts (Chinese first; English for systems that export English).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id number", "id_number"),
    "phone": ("手机号", "手机号码", "联系电话", "phone", "mobile"),
    "grid": ("网格", "所属网格", "grid"),
    "building": ("楼栋", "楼号", "building"),
    "unit": ("单元", "unit"),
    "room": ("房号", "门牌号", "room"),
    "tags": ("特殊群体", "标签", "tags"),
    "note": ("备注", "note"),
}
REQUIRED = ("name", "id_number", "grid")
HEADER_LABELS = {key: names[0] for key, names in COLUMNS.items()}


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    """Parse an .xlsx into [{row, values}]; refuse anything that is not an Excel workbook."""
    return read_table(
        data,
        filename,
        columns=COLUMNS,
        required=REQUIRED,
        labels=HEADER_LABELS,
        max_rows=MAX_ROWS,
        empty_message=_("The workbook has column titles but no residents."),
    )


class _Context:
    """Everything a row check needs, loaded once for the whole file (no query per row)."""

    def __init__(self, scope: Scope | None, community: OrgNode) -> None:
        self.community = community
        grids = OrgNode.objects.filter(community=community, kind=NodeKind.GRID)
        if scope is not None and not scope.is_platform_admin and community.pk not in scope.whole_community_ids(
            Cap.RESIDENT_MANAGE
        ):
            paths = [g.node_path for g in scope.grants_with(Cap.RESIDENT_MANAGE)]
            grids = [g for g in grids if any(g.path.startswith(p) for p in paths)]
        self.grids = {g.name: g for g in grids}
        self.buildings = {
            (b.parent_id, b.name): b
            for b in OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING)
        }
        # Blind indexes, not numbers: the numbers are encrypted, and comparing digests needs no key.
        self.existing_ids = set(Resident.objects.filter(community=community).values_list("id_number_hash", flat=True))
        self.tags = {t.name: t for t in VulnerableTag.objects.all()} | {t.code: t for t in VulnerableTag.objects.all()}


def check_row(values: dict[str, str], ctx: _Context, seen: dict[str, int]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return (clean values, errors) for one row; errors name the column and say what is wrong."""
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}

    def fail(col: str, message: str) -> None:
        errors.append({"column": HEADER_LABELS[col], "message": str(message)})

    name = values.get("name", "")
    if not name:
        fail("name", _("The name is required."))
    elif len(name) > 50:
        fail("name", _("The name is too long (50 characters at most)."))
    clean["name"] = name

    try:
        info = parse_id_number(values.get("id_number", ""))
        clean["id_number"] = info.number
        clean["birth_date"] = info.birth_date.isoformat()
        clean["gender"] = info.gender
        if info.number in seen:
            fail("id_number", _("The same ID number is already on row %(row)s of this file.") % {"row": seen[info.number]})
        elif id_number_index(info.number) in ctx.existing_ids:
            fail("id_number", _("This person is already registered in the community."))
    except ValidationFailed as exc:
        fail("id_number", exc.message)

    phone = values.get("phone", "")
    clean["phone"] = ""
    if phone:
        try:
            clean["phone"] = normalize_phone(phone)
        except ValidationFailed as exc:
            fail("phone", exc.message)

    grid = ctx.grids.get(values.get("grid", ""))
    if not values.get("grid"):
        fail("grid", _("The grid is required."))
    elif grid is None:
        fail("grid", _("There is no grid “%(grid)s” in %(community)s (or it is not yours).") % {"grid": values["grid"], "community": ctx.community.name})
    else:
        clean["grid_id"] = grid.pk
        building_name = values.get("building", "")
        clean["building_id"] = None
        if building_name:
            building = ctx.buildings.get((grid.pk, building_name))
            if building is None:
                fail("building", _("There is no building “%(building)s” in grid “%(grid)s”.") % {"building": building_name, "grid": grid.name})
            else:
                clean["building_id"] = building.pk
    clean["unit"] = values.get("unit", "")[:10]
    clean["room"] = values.get("room", "")[:10]
    clean["note"] = values.get("note", "")[:200]

    tag_ids = []
    for label in [t.strip() for t in values.get("tags", "").replace("，", ",").replace("、", ",").split(",") if t.strip()]:
        tag = ctx.tags.get(label)
        if tag is None:
            fail("tags", _("Unknown group “%(tag)s”.") % {"tag": label})
        else:
            tag_ids.append(tag.pk)
    clean["tag_ids"] = tag_ids
    return clean, errors


def _check_all(rows: list[dict[str, Any]], ctx: _Context) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    checked = []
    for row in rows:
        clean, errors = check_row(row["values"], ctx, seen)
        if clean.get("id_number") and clean["id_number"] not in seen:
            seen[clean["id_number"]] = row["row"]
        checked.append({"row": row["row"], "values": row["values"], "clean": clean, "errors": errors})
    return checked


@transaction.atomic
def import_preview(*, actor: Scope, community: OrgNode, data: bytes, filename: str) -> ImportBatch:
    """Check an uploaded file and keep the result for the user to look at. Writes no resident."""
    if not actor.has(Cap.RESIDENT_MANAGE, community.pk):
        raise NotFound()
    rows = _check_all(read_rows(data, filename), _Context(actor, community))
    return ImportBatch.objects.create(
        community=community,
        created_by=actor.user,
        filename=filename[:200],
        rows=rows,
        total_rows=len(rows),
        error_rows=sum(1 for r in rows if r["errors"]),
    )


@transaction.atomic
def import_commit(*, actor: Scope, batch: ImportBatch, good_rows_only: bool = False) -> ImportBatch:
    """Write the batch's residents in one transaction, or nothing.

    Without ``good_rows_only`` a single bad row refuses the whole file.
    """
    community = batch.community
    if not actor.has(Cap.RESIDENT_MANAGE, community.pk):
        raise NotFound()
    # Claim the batch with a conditional update, so a double click imports once.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(status=ImportStatus.IMPORTED)
    if not claimed:
        raise Conflict(_("This file has already been imported or discarded."), code="batch_closed")
    rows = _check_all([{"row": r["row"], "values": r["values"]} for r in batch.rows], _Context(actor, community))
    bad = [r for r in rows if r["errors"]]
    if bad and not good_rows_only:
        raise ValidationFailed(
            _("%(n)s rows have errors. Fix them and upload again, or choose to import only the good rows.") % {"n": len(bad)},
            code="rows_have_errors",
            details=[{"row": r["row"], "errors": r["errors"]} for r in bad],
        )
    good = [r["clean"] for r in rows if not r["errors"]]
    if not good:
        raise ValidationFailed(_("No row can be imported."), code="nothing_to_import")

    # Households: one per address, created once for all their members.
    existing_households = {
        (h.building_id, h.unit, h.room): h for h in Household.objects.filter(community=community, building__isnull=False)
    }
    new_households = {}
    for row in good:
        key = (row["building_id"], row["unit"], row["room"])
        if row["building_id"] and row["room"] and key not in existing_households and key not in new_households:
            new_households[key] = Household(
                community=community, grid_id=row["grid_id"], building_id=row["building_id"], unit=row["unit"], room=row["room"]
            )
    if new_households:
        bulk_create_with_history(list(new_households.values()), Household, default_user=actor.user)
        existing_households = {
            (h.building_id, h.unit, h.room): h
            for h in Household.objects.filter(community=community, building__isnull=False)
        }

    ctx_tags = {t.pk: t for t in VulnerableTag.objects.all()}
    residents = []
    for row in good:
        full, initials = pinyin_keys(row["name"])
        residents.append(
            Resident(
                community=community,
                grid_id=row["grid_id"],
                building_id=row["building_id"],
                unit=row["unit"],
                room=row["room"],
                household=existing_households.get((row["building_id"], row["unit"], row["room"])),
                name=row["name"],
                name_pinyin=full,
                name_initials=initials,
                id_number=row["id_number"],
                birth_date=row["birth_date"],
                gender=row["gender"],
                phone=row["phone"],
                sensitive_tags=",".join(sorted(ctx_tags[t].code for t in row["tag_ids"] if ctx_tags[t].sensitive)),
                note=row["note"],
            )
        )
    bulk_create_with_history(residents, Resident, batch_size=500, default_user=actor.user)
    created = dict(
        Resident.objects.filter(
            community=community, id_number_hash__in=[id_number_index(row["id_number"]) for row in good]
        ).values_list("id_number_hash", "pk")
    )
    through = Resident.tags.through
    through.objects.bulk_create(
        [
            through(resident_id=created[id_number_index(row["id_number"])], vulnerabletag_id=tag_id)
            for row in good
            for tag_id in row["tag_ids"]
            if not ctx_tags[tag_id].sensitive
        ],
        batch_size=1000,
    )
    batch.rows = rows
    batch.error_rows = len(bad)
    batch.imported_count = len(good)
    batch.finished_at = timezone.now()
    batch.status = ImportStatus.IMPORTED
    batch.save(update_fields=["rows", "error_rows", "imported_count", "finished_at", "status"])
    return batch


def import_discard(*, actor: Scope, batch: ImportBatch) -> None:
    if not actor.has(Cap.RESIDENT_MANAGE, batch.community_id):
        raise NotFound()
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.DISCARDED, finished_at=timezone.now()
    )


def _header_style(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F4CCCC")


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append([HEADER_LABELS[k] for k in COLUMNS])
    # The example's ID number must itself be valid: staff copy its format.
    example_id = "37030319500101123" + check_digit("37030319500101123")
    ws.append(["张丽君", example_id, "13800001234", "第一网格", "1号楼", "2", "301", "低保户", ""])
    _header_style(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def error_report(batch: ImportBatch) -> bytes:
    """The rows with errors, as typed, plus a column saying what to fix: fix and upload again."""
    wb = Workbook()
    ws = wb.active
    ws.title = "需修改的行"
    keys = list(COLUMNS)
    ws.append(["原行号"] + [HEADER_LABELS[k] for k in keys] + ["错误"])
    for row in batch.rows:
        if row["errors"]:
            ws.append(
                [row["row"]]
                + [row["values"].get(k, "") for k in keys]
                + ["；".join(f"{e['column']}：{e['message']}" for e in row["errors"])]
            )
    _header_style(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
