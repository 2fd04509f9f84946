"""Excel import of rooms: check every row first, then write all of them or none.

Staff upload an .xlsx (the export's layout, so an export can be edited and uploaded again). Every
row is checked — name, building, floor, area, function, opening hours, duplicates — and the result
is kept as a ``RoomImport`` for preview. Nothing is written until the user confirms, and only when
no row has an error. A row whose name matches an existing room of the community updates that
room; the others create rooms. The commit checks again through the same services as the pages
(the community may have changed since the preview, and an update can be refused because it would
strand future bookings); if any row fails, the whole file is refused and nothing is imported.
"""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from linli.errors import Conflict, DomainError, NotFound, ValidationFailed
from linli.workbooks import read_table
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from spaces import hours, services
from spaces.models import ImportStatus, Room, RoomFunction, RoomImport
from spaces.selectors import standard_for_community

MAX_ROWS = 2000

# Column key → accepted header texts (compared without spaces, brackets normalised, lower case).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "场室名称", "房间名称", "场室", "name"),
    "building": ("楼栋", "所在楼栋", "building"),
    "floor": ("楼层", "floor"),
    "area": ("面积(㎡)", "面积(m²)", "面积(m2)", "面积(平方米)", "面积", "area", "area(m²)", "area_m2"),
    "capacity": ("容纳人数", "容纳", "capacity"),
    "function": ("功能", "主要功能", "function"),
    "also": ("兼作功能", "其他功能", "alsoservesas", "also"),
    "facilities": ("设施", "设施设备", "facilities"),
    "hours": ("开放时间", "openinghours", "hours"),
    "description": ("说明", "简介", "description"),
    "in_use": ("在用", "是否在用", "inuse"),
}
REQUIRED = ("name", "area", "function")
HEADER_LABELS = {
    "name": "名称",
    "building": "楼栋",
    "floor": "楼层",
    "area": "面积(㎡)",
    "capacity": "容纳人数",
    "function": "功能",
    "also": "兼作功能",
    "facilities": "设施",
    "hours": "开放时间",
    "description": "说明",
    "in_use": "在用",
}
YES = {"是", "在用", "y", "yes", "1", "true", "√", ""}
NO = {"否", "停用", "不在用", "n", "no", "0", "false", "×"}


def read_rows(data: bytes, filename: str) -> list[dict[str, Any]]:
    """Parse an .xlsx into [{row, values}]; refuse anything that is not an Excel workbook."""
    return read_table(
        data,
        filename,
        columns=COLUMNS,
        required=REQUIRED,
        labels=HEADER_LABELS,
        max_rows=MAX_ROWS,
        empty_message=_("The workbook has column titles but no rooms."),
    )


class _Context:
    """Everything a row check needs, loaded once for the whole file (no query per row)."""

    def __init__(self, community: OrgNode) -> None:
        self.community = community
        self.buildings: dict[str, list[OrgNode]] = {}
        for b in OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING):
            self.buildings.setdefault(b.name, []).append(b)
        functions = list(RoomFunction.objects.all())
        self.functions = {f.name: f for f in functions} | {f.code: f for f in functions}
        self.existing = {r.name: r for r in Room.objects.filter(community=community)}


def _int(text: str, *, strip: str = "") -> int:
    cleaned = re.sub(strip, "", text) if strip else text
    value = Decimal(cleaned)
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def check_row(values: dict[str, str], ctx: _Context, seen: dict[str, int]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Return (clean values, errors) for one row; errors name the column and say what is wrong."""
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}

    def fail(col: str, message: Any) -> None:
        errors.append({"column": HEADER_LABELS[col], "message": str(message)})

    name = " ".join(values.get("name", "").split())
    if not name:
        fail("name", _("The room's name is required."))
    elif len(name) > 60:
        fail("name", _("The room's name is too long (60 characters at most)."))
    elif name in seen:
        fail("name", _("The same room is already on row %(row)s of this file.") % {"row": seen[name]})
    clean["name"] = name
    clean["action"] = "update" if name in ctx.existing else "create"

    building_name = values.get("building", "")
    clean["building_id"] = None
    if building_name:
        found = ctx.buildings.get(building_name, [])
        if not found:
            fail("building", _("There is no building “%(b)s” in %(c)s.") % {"b": building_name, "c": ctx.community.name})
        elif len(found) > 1:
            fail("building", _("%(c)s has several buildings called “%(b)s”.") % {"b": building_name, "c": ctx.community.name})
        else:
            clean["building_id"] = found[0].pk

    floor = values.get("floor", "")
    clean["floor"] = None
    if floor:
        text = floor.upper().replace("负", "-")
        text = re.sub(r"^B(\d+)$", r"-\1", text)
        try:
            clean["floor"] = _int(text, strip=r"[楼层F\s]")
            if not -5 <= clean["floor"] <= 100:
                raise ValueError
        except (InvalidOperation, ValueError):
            fail("floor", _("“%(v)s” is not a floor number.") % {"v": floor})

    area = values.get("area", "")
    clean["area_m2"] = None
    try:
        clean["area_m2"] = _int(area, strip=r"m2|[㎡m²平方米\s]")
        if not 0 < clean["area_m2"] <= services.rooms.MAX_AREA_M2:
            raise ValueError
    except (InvalidOperation, ValueError):
        fail("area", _("“%(v)s” is not an area in square metres.") % {"v": area} if area else _("The area is required."))

    capacity = values.get("capacity", "")
    clean["capacity"] = 0
    if capacity:
        try:
            clean["capacity"] = _int(capacity, strip=r"[人\s]")
            if not 0 <= clean["capacity"] <= services.rooms.MAX_CAPACITY:
                raise ValueError
        except (InvalidOperation, ValueError):
            fail("capacity", _("“%(v)s” is not a number of people.") % {"v": capacity})

    function = ctx.functions.get(values.get("function", ""))
    clean["function_id"] = function.pk if function else None
    if not values.get("function"):
        fail("function", _("The function is required."))
    elif function is None:
        fail("function", _("Unknown function “%(f)s”; see the list of functions in the template.") % {"f": values["function"]})

    also_ids = []
    for label in [t for t in re.split(r"[、,，;；/\s]+", values.get("also", "")) if t]:
        extra = ctx.functions.get(label)
        if extra is None:
            fail("also", _("Unknown function “%(f)s”; see the list of functions in the template.") % {"f": label})
        else:
            also_ids.append(extra.pk)
    clean["also_ids"] = also_ids

    try:
        clean["facilities"] = services.clean_facilities(values.get("facilities", ""))
    except ValidationFailed as exc:
        fail("facilities", exc.message)
        clean["facilities"] = []

    try:
        clean["hours"] = hours.to_json(hours.parse_week(values.get("hours", "")))
    except ValidationFailed as exc:
        fail("hours", exc.message)
        clean["hours"] = []

    description = " ".join(values.get("description", "").split())
    if len(description) > 300:
        fail("description", _("The description is too long (300 characters at most)."))
    clean["description"] = description

    in_use = values.get("in_use", "").strip().lower()
    if in_use in YES:
        clean["is_active"] = True
    elif in_use in NO:
        clean["is_active"] = False
    else:
        fail("in_use", _("Write 是 or 否."))
        clean["is_active"] = True
    return clean, errors


def _check_all(rows: list[dict[str, Any]], ctx: _Context) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    checked = []
    for row in rows:
        clean, errors = check_row(row["values"], ctx, seen)
        if clean.get("name") and clean["name"] not in seen:
            seen[clean["name"]] = row["row"]
        checked.append({"row": row["row"], "values": row["values"], "clean": clean, "errors": errors})
    return checked


@transaction.atomic
def import_preview(*, actor: Scope, community: OrgNode, data: bytes, filename: str) -> RoomImport:
    """Check an uploaded file and keep the result for the user to look at. Writes no room."""
    if not actor.has(Cap.SPACE_MANAGE, community.pk):
        raise NotFound()
    rows = _check_all(read_rows(data, filename), _Context(community))
    return RoomImport.objects.create(
        community=community,
        created_by=actor.user,
        filename=filename[:200],
        rows=rows,
        total_rows=len(rows),
        error_rows=sum(1 for r in rows if r["errors"]),
    )


def _fields(clean: dict[str, Any], functions: dict[int, RoomFunction], buildings: dict[int, OrgNode]) -> services.RoomFields:
    return services.RoomFields(
        name=clean["name"],
        function=functions[clean["function_id"]],
        area_m2=clean["area_m2"],
        capacity=clean["capacity"],
        building=buildings.get(clean["building_id"]) if clean["building_id"] else None,
        floor=clean["floor"],
        facilities=clean["facilities"],
        week=hours.from_json(clean["hours"]),
        also_functions=[functions[i] for i in clean["also_ids"]],
        description=clean["description"],
        is_active=clean["is_active"],
    )


@transaction.atomic
def import_commit(*, actor: Scope, batch: RoomImport) -> RoomImport:
    """Create or update every room of the batch in one transaction, or nothing at all."""
    community = batch.community
    if not actor.has(Cap.SPACE_MANAGE, community.pk):
        raise NotFound()
    # Claim the batch with a conditional update, so a double click imports once. A refusal
    # below rolls the claim back with everything else: the batch can be confirmed again.
    claimed = RoomImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(status=ImportStatus.IMPORTED)
    if not claimed:
        raise Conflict(_("This file has already been imported or discarded."), code="batch_closed")
    ctx = _Context(community)
    rows = _check_all([{"row": r["row"], "values": r["values"]} for r in batch.rows], ctx)
    bad = [r for r in rows if r["errors"]]
    if bad:
        raise ValidationFailed(
            _("%(n)s rows have errors. Fix them and upload the file again; nothing was imported.") % {"n": len(bad)},
            code="rows_have_errors",
            details=[{"row": r["row"], "errors": r["errors"]} for r in bad],
        )
    functions = RoomFunction.objects.in_bulk()
    buildings = OrgNode.objects.filter(community=community, kind=NodeKind.BUILDING).in_bulk()
    refused = []
    for row in rows:
        clean = row["clean"]
        fields = _fields(clean, functions, buildings)
        try:
            existing = ctx.existing.get(clean["name"])
            if existing is not None:
                services.room_update(actor=actor, room=existing, fields=fields)
            else:
                services.room_create(actor=actor, community=community, fields=fields)
        except DomainError as exc:
            refused.append({"row": row["row"], "errors": [{"column": HEADER_LABELS["name"], "message": str(exc.message)}]})
    if refused:
        raise ValidationFailed(
            _("%(n)s rows could not be saved (%(rows)s); nothing was imported.")
            % {
                "n": len(refused),
                "rows": "; ".join(
                    _("row %(row)s: %(problem)s") % {"row": r["row"], "problem": r["errors"][0]["message"]}
                    for r in refused[:5]
                ),
            },
            code="rows_refused",
            details=refused,
        )
    batch.rows = rows
    batch.error_rows = 0
    batch.imported_count = len(rows)
    batch.finished_at = timezone.now()
    batch.status = ImportStatus.IMPORTED
    batch.save(update_fields=["rows", "error_rows", "imported_count", "finished_at", "status"])
    return batch


def import_discard(*, actor: Scope, batch: RoomImport) -> None:
    if not actor.has(Cap.SPACE_MANAGE, batch.community_id):
        raise NotFound()
    RoomImport.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEW).update(
        status=ImportStatus.DISCARDED, finished_at=timezone.now()
    )


# --- Workbooks -----------------------------------------------------------------------------------


def _header_style(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F4CCCC")


def _functions_sheet(wb: Workbook, community: OrgNode | None) -> None:
    ws = wb.create_sheet("功能")
    ws.append(["功能", "代码", "说明", "本市标准"])
    levels: dict[int, str] = {}
    standard = standard_for_community(community) if community is not None else None
    if standard is not None:
        for item in standard.items.all():
            levels[item.function_id] = f"{item.aspect} · {'必设' if item.level == 'required' else '推荐'}"
    for f in RoomFunction.objects.all():
        ws.append([f.name, f.code, f.description, levels.get(f.pk, "")])
    _header_style(ws)


def _to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook(community: OrgNode | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "场室"
    ws.append([HEADER_LABELS[k] for k in COLUMNS])
    ws.append(
        [
            "共享自习室",
            "",
            2,
            60,
            24,
            "自习室",
            "阅览室",
            "书桌、台灯、无线网络",
            "周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00",
            "社区学习角改造",
            "是",
        ]
    )
    _header_style(ws)
    _functions_sheet(wb, community)
    return _to_bytes(wb)


def rooms_workbook(*, rooms: list[Room], community: OrgNode) -> bytes:
    """The rooms in the import layout: edit and upload again to update them."""
    wb = Workbook()
    ws = wb.active
    ws.title = "场室"
    ws.append([HEADER_LABELS[k] for k in COLUMNS])
    for room in rooms:
        ws.append(
            [
                room.name,
                room.building.name if room.building_id else "",
                room.floor if room.floor is not None else "",
                room.area_m2,
                room.capacity,
                room.function.name,
                "、".join(f.name for f in room.also_functions.all()),
                "、".join(room.facilities),
                room.hours_text,
                room.description,
                "是" if room.is_active else "否",
            ]
        )
    _header_style(ws)
    _functions_sheet(wb, community)
    return _to_bytes(wb)


def error_report(batch: RoomImport) -> bytes:
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
    return _to_bytes(wb)
