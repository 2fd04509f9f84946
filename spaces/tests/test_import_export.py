"""Rooms to and from Excel: check everything first, write all of it or nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from spaces import hours, imports
from spaces.models import ImportStatus, Room, RoomImport
from spaces.tests.factories import book, day

pytestmark = pytest.mark.django_db

HEADER = ["名称", "楼栋", "楼层", "面积（㎡）", "容纳人数", "功能", "兼作功能", "设施", "开放时间", "说明", "在用"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    ["共享自习室", "1号楼", "2", "60", "24", "自习室", "阅览室", "书桌、台灯", "每天 08:00-22:00", "学习角改造", "是"],
    ["瑜伽室", "", "3楼", "80.4㎡", "20人", "yoga", "", "", "周一至周五 08:30-12:00、14:00-21:00；周六、周日 09:00-17:00", "", ""],
    ["仓库", "", "B1", "90", "", "仓库", "", "", "", "", "否"],
]


def workbook(rows, header=HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def preview(world, rows, user="staff_a"):
    return imports.import_preview(
        actor=Scope(world.user(user)), community=world.community_a, data=workbook(rows), filename="场室.xlsx"
    )


def test_a_good_file_is_checked_then_imported_in_full(world):
    batch = preview(world, GOOD)
    assert (batch.total_rows, batch.error_rows) == (3, 0)
    assert not Room.objects.exists()
    imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    rooms = {r.name: r for r in Room.objects.filter(community=world.community_a)}
    assert set(rooms) == {"共享自习室", "瑜伽室", "仓库"}
    study = rooms["共享自习室"]
    assert (study.building, study.floor, study.area_m2, study.capacity) == (world.building_a1, 2, 60, 24)
    assert [f.code for f in study.also_functions.all()] == ["reading"] and study.facilities == ["书桌", "台灯"]
    assert study.week == hours.parse_week("每天 08:00-22:00")
    assert (rooms["瑜伽室"].floor, rooms["瑜伽室"].area_m2, rooms["瑜伽室"].capacity) == (3, 80, 20)
    assert rooms["仓库"].floor == -1 and not rooms["仓库"].is_active and rooms["仓库"].week == hours.empty_week()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED and batch.imported_count == 3


def test_every_bad_row_is_named_and_nothing_is_imported(world):
    rows = GOOD + [
        ["", "", "", "30", "", "画室", "", "", "", "", ""],  # row 5: no name
        ["画室", "9号楼", "", "0", "", "画画", "", "", "周一 9:00", "", "也许"],  # row 6: five problems
        ["瑜伽室", "", "", "40", "", "瑜伽室", "", "", "", "", ""],  # row 7: same name as row 3
    ]
    batch = preview(world, rows)
    assert (batch.total_rows, batch.error_rows) == (6, 3)
    errors = {r["row"]: {e["column"] for e in r["errors"]} for r in batch.rows if r["errors"]}
    assert errors == {5: {"名称"}, 6: {"楼栋", "面积(㎡)", "功能", "开放时间", "在用"}, 7: {"名称"}}
    with pytest.raises(ValidationFailed) as exc:
        imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    assert exc.value.code == "rows_have_errors" and [d["row"] for d in exc.value.details] == [5, 6, 7]
    assert not Room.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW  # the refused commit changed nothing, the batch included


def test_export_then_import_updates_the_same_rooms(world, rooms):
    exported = imports.rooms_workbook(rooms=list(Room.objects.filter(community=world.community_a)), community=world.community_a)
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb["场室"]
    assert [c.value for c in ws[1]] == [imports.HEADER_LABELS[k] for k in imports.COLUMNS]
    assert "功能" in wb.sheetnames
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "书法室":
            row[3].value = 50
    buf = io.BytesIO()
    wb.save(buf)
    batch = imports.import_preview(actor=Scope(world.user("staff_a")), community=world.community_a, data=buf.getvalue(),
                                   filename="rooms.xlsx")
    assert batch.error_rows == 0 and {r["clean"]["action"] for r in batch.rows} == {"update"}
    imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    assert Room.objects.get(pk=rooms["a"].pk).area_m2 == 50
    assert Room.objects.get(pk=rooms["a"].pk).week == rooms["a"].week
    assert Room.objects.filter(community=world.community_a).count() == 2


def test_an_update_refused_by_a_service_refuses_the_whole_file(world, rooms):
    book(rooms["a"], day(0), "19:00", "20:00", holder="读书会")
    rows = [
        ["新画室", "", "", "30", "", "画室", "", "", "", "", ""],
        ["书法室", "", "", "45", "", "书法室", "", "", "周一至周五 09:00-17:00", "", ""],  # strands the booking
    ]
    batch = preview(world, rows)
    assert batch.error_rows == 0
    with pytest.raises(ValidationFailed) as exc:
        imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    assert exc.value.code == "rows_refused" and exc.value.details[0]["row"] == 3
    assert not Room.objects.filter(name="新画室").exists()
    assert Room.objects.get(pk=rooms["a"].pk).week == rooms["a"].week


def test_a_batch_is_imported_once(world):
    batch = preview(world, GOOD[:1])
    imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    with pytest.raises(Conflict) as exc:
        imports.import_commit(actor=Scope(world.user("staff_a")), batch=batch)
    assert exc.value.code == "batch_closed"


def test_what_is_not_a_room_workbook_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        imports.import_preview(actor=Scope(world.user("staff_a")), community=world.community_a, data=b"hello", filename="x.csv")
    assert exc.value.code == "not_excel"
    with pytest.raises(ValidationFailed) as exc:
        imports.import_preview(actor=Scope(world.user("staff_a")), community=world.community_a,
                               data=b"PK\x03\x04broken", filename="x.xlsx")
    assert exc.value.code == "not_excel"
    with pytest.raises(ValidationFailed) as exc:
        imports.import_preview(actor=Scope(world.user("staff_a")), community=world.community_a,
                               data=workbook([["x"]], header=["房间"]), filename="x.xlsx")
    assert exc.value.code == "bad_header"


def test_only_managers_of_the_community_import(world):
    with pytest.raises(NotFound):
        preview(world, GOOD, user="staff_b")
    with pytest.raises(NotFound):
        preview(world, GOOD, user="officer")


def upload(client, content: bytes, name="场室.xlsx"):
    return client.post("/console/spaces/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def test_the_pages_preview_confirm_and_refuse_other_communities(world, login):
    staff = login(world.user("staff_a"))
    assert staff.get("/console/spaces/import/").status_code == 200
    template = staff.get("/console/spaces/import/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"] == XLSX
    response = upload(staff, workbook(GOOD))
    assert response.status_code == 302
    batch = RoomImport.objects.get()
    assert response["Location"] == f"/console/spaces/import/{batch.pk}/"
    page = staff.get(response["Location"]).content.decode()
    assert "共享自习室" in page
    assert staff.get(f"/console/spaces/import/{batch.pk}/errors.xlsx").status_code == 200
    confirmed = staff.post(f"/console/spaces/import/{batch.pk}/confirm/", {"action": "all"})
    assert confirmed.status_code == 302 and Room.objects.count() == 3

    other = RoomImport.objects.create(community=world.community_b, created_by=world.user("staff_b"), filename="B.xlsx")
    assert staff.get(f"/console/spaces/import/{other.pk}/").status_code == 404
    assert staff.post(f"/console/spaces/import/{other.pk}/confirm/", {"action": "discard"}).status_code == 404
    assert staff.get(f"/console/spaces/import/{other.pk}/errors.xlsx").status_code == 404


def test_a_bad_upload_shows_why_on_the_form(world, login):
    staff = login(world.user("staff_a"))
    response = upload(staff, b"not excel", name="rooms.csv")
    assert response.status_code == 200 and not RoomImport.objects.exists()
    batch = preview(world, GOOD + [["", "", "", "x", "", "", "", "", "", "", ""]])
    refused = staff.post(f"/console/spaces/import/{batch.pk}/confirm/", {"action": "all"})
    assert refused.status_code == 302 and not Room.objects.exists()
    staff.post(f"/console/spaces/import/{batch.pk}/confirm/", {"action": "discard"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED


def test_the_export_page(world, rooms, login):
    response = login(world.user("officer")).get("/console/spaces/export.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["场室"]
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["书法室", "多功能厅"]  # 康平社区's rooms, not 溡源社区's
