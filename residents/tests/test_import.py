"""Excel import through the pages: check everything first, import all-or-nothing or good rows only."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.testkit import make_id_number
from orgs.scope import Scope
from residents import imports
from residents.models import Household, ImportBatch, ImportStatus, Resident, VulnerableTag, phone_index

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号", "网格", "楼栋", "单元", "房号", "特殊群体", "备注"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BAD_CHECK_DIGIT_ROW = 10
UNKNOWN_GRID_ROW = 250
BAD_PHONE_ROW = 499


def resident_rows(n: int) -> list[list]:
    """n distinct, valid residents of 康平社区, as staff would type them."""
    rows = []
    for i in range(n):
        birth = (dt.date(1940, 1, 1) + dt.timedelta(days=i * 53)).strftime("%Y%m%d")
        grid, building = ("第一网格", "1号楼") if i % 2 == 0 else ("第二网格", "2号楼")
        rows.append(
            [
                SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[i % 7],
                make_id_number(birth=birth, seq=500 + i % 400),
                f"137{i:08d}",
                grid,
                building,
                str(1 + i % 3),
                str(101 + i),
                "低保户" if i % 50 == 0 else "",
                "",
            ]
        )
    return rows


def workbook_bytes(rows: list[list], header: list[str] = HEADER) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_with_three_bad_rows() -> bytes:
    rows = resident_rows(500)
    # Excel row n is rows[n - 2]: row 1 is the header.
    good_id = rows[BAD_CHECK_DIGIT_ROW - 2][1]
    rows[BAD_CHECK_DIGIT_ROW - 2][1] = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    rows[UNKNOWN_GRID_ROW - 2][3] = "第九网格"
    rows[BAD_PHONE_ROW - 2][2] = "138-0000"
    return workbook_bytes(rows)


def upload(client, content: bytes, name: str = "居民.xlsx", **extra):
    return client.post("/console/residents/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)}, **extra)


@pytest.fixture
def staff(world, login):
    return login(world.user("staff_a"))


@pytest.fixture
def previewed(world, staff):
    before = Resident.objects.count()
    response = upload(staff, file_with_three_bad_rows())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/residents/import/{batch.pk}/"
    assert Resident.objects.count() == before
    return batch


def test_the_preview_names_exactly_the_bad_rows_and_imports_nothing(world, staff, previewed):
    page = staff.get(f"/console/residents/import/{previewed.pk}/")
    assert page.status_code == 200
    assert [r["row"] for r in page.context["bad"]] == [BAD_CHECK_DIGIT_ROW, UNKNOWN_GRID_ROW, BAD_PHONE_ROW]
    assert (previewed.total_rows, previewed.error_rows, page.context["good_count"]) == (500, 3, 497)
    columns = {r["row"]: [e["column"] for e in r["errors"]] for r in page.context["bad"]}
    assert columns == {BAD_CHECK_DIGIT_ROW: ["身份证号"], UNKNOWN_GRID_ROW: ["网格"], BAD_PHONE_ROW: ["手机号"]}
    body = page.content.decode()
    # The messages were written at upload time, in the uploader's language (Chinese by default).
    assert "校验位错误" in body and "第九网格" in body
    assert previewed.status == ImportStatus.PREVIEW
    assert Resident.objects.count() == 3  # the world's own


def test_confirming_all_rows_is_refused_while_some_are_bad(world, staff, previewed):
    response = staff.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "all"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/console/residents/import/{previewed.pk}/"
    assert Resident.objects.count() == 3
    previewed.refresh_from_db()
    assert previewed.status == ImportStatus.PREVIEW and previewed.imported_count == 0
    with pytest.raises(imports.ValidationFailed) as excinfo:
        imports.import_commit(actor=Scope(world.user("staff_a")), batch=previewed)
    assert excinfo.value.code == "rows_have_errors"
    assert [d["row"] for d in excinfo.value.details] == [BAD_CHECK_DIGIT_ROW, UNKNOWN_GRID_ROW, BAD_PHONE_ROW]


def test_importing_the_good_rows_only_imports_497_once(world, staff, previewed):
    response = staff.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "good_only"})
    assert response.status_code == 302 and response["Location"] == "/console/residents/"
    assert Resident.objects.filter(community=world.community_a).count() == 2 + 497
    previewed.refresh_from_db()
    assert (previewed.status, previewed.imported_count, previewed.error_rows) == (ImportStatus.IMPORTED, 497, 3)

    imported = Resident.objects.get(phone_hash=phone_index("13700000002"))  # row 4 (i = 2): 第一网格, 1号楼, unit 3, room 103
    assert (imported.grid, imported.building, imported.unit, imported.room) == (world.grid_a1, world.building_a1, "3", "103")
    assert imported.household == Household.objects.get(building=world.building_a1, unit="3", room="103")
    assert imported.gender in ("M", "F") and imported.name_initials
    assert imported.history.get().history_user == world.user("staff_a")
    assert set(Resident.objects.get(phone_hash=phone_index("13700000000")).sensitive_tag_codes) == {"dibao"}

    # A second click (or a second tab) does not import again.
    again = staff.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "good_only"})
    assert again.status_code == 409
    assert Resident.objects.filter(community=world.community_a).count() == 2 + 497


def test_the_error_report_holds_the_three_rows_as_typed(world, staff, previewed):
    response = staff.get(f"/console/residents/import/{previewed.pk}/errors.xlsx")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误"
    assert [r[0] for r in rows[1:]] == [BAD_CHECK_DIGIT_ROW, UNKNOWN_GRID_ROW, BAD_PHONE_ROW]
    assert rows[3][3] == "138-0000"  # the phone as typed, to be fixed in place
    assert all(r[-1] for r in rows[1:])


def test_discarding_imports_nothing_and_closes_the_batch(world, staff, previewed):
    staff.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "discard"})
    previewed.refresh_from_db()
    assert previewed.status == ImportStatus.DISCARDED
    assert staff.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "good_only"}).status_code == 409
    assert Resident.objects.count() == 3


def test_a_clean_file_imports_in_full(world, staff):
    upload(staff, workbook_bytes(resident_rows(20)))
    batch = ImportBatch.objects.get()
    assert batch.error_rows == 0
    staff.post(f"/console/residents/import/{batch.pk}/confirm/", {"action": "all"})
    assert Resident.objects.count() == 3 + 20


def test_the_commit_checks_the_rows_again(world, staff):
    rows = resident_rows(3)
    upload(staff, workbook_bytes(rows))
    batch = ImportBatch.objects.get()
    # Someone registers one of these people between preview and confirmation.
    address = imports.OrgNode.objects.get(pk=world.grid_a1.pk)
    from residents.services import resident_create, resolve_address

    resident_create(
        actor=None, community=world.community_a, name=rows[0][0], id_number=rows[0][1],
        address=resolve_address(scope=None, community=world.community_a, grid_name=address.name),
    )
    staff.post(f"/console/residents/import/{batch.pk}/confirm/", {"action": "all"})
    assert Resident.objects.count() == 3 + 1
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEW


def test_duplicates_in_the_file_and_in_the_community_are_named(world, staff):
    rows = resident_rows(3)
    rows.append(list(rows[0]))  # row 5 repeats row 2
    rows.append(["张丽君", world.residents["a1"].id_number, "", "第一网格", "", "", "", "", ""])  # already registered
    upload(staff, workbook_bytes(rows), HTTP_ACCEPT_LANGUAGE="en")
    batch = ImportBatch.objects.get()
    bad = {r["row"]: r["errors"][0]["message"] for r in batch.rows if r["errors"]}
    assert set(bad) == {5, 6}
    assert "row 2" in bad[5]


def test_a_grid_worker_imports_only_into_their_own_grid(world, login):
    client = login(world.user("grid_a1"))
    upload(client, workbook_bytes(resident_rows(4)))  # alternating 第一网格 / 第二网格
    batch = ImportBatch.objects.get()
    assert [r["row"] for r in batch.rows if r["errors"]] == [3, 5]
    client.post(f"/console/residents/import/{batch.pk}/confirm/", {"action": "good_only"})
    assert {r.grid.name for r in Resident.objects.select_related("grid") if r.phone.startswith("137")} == {"第一网格"}


def test_the_template_downloads_and_its_example_row_is_valid(world, staff):
    response = staff.get("/console/residents/import/template.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    VulnerableTag.objects.get(name="低保户")
    upload(staff, response.content, name="template.xlsx")
    assert ImportBatch.objects.get().error_rows == 0


# --- Files that are not what they claim -----------------------------------------------------


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _corrupt_sheet() -> bytes:
    """A real workbook whose worksheet XML is broken: openpyxl only notices while reading rows."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(resident_rows(2))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zf.writestr(item, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("居民.txt", "姓名,身份证号\n张三,370303195001011230\n".encode()),
        ("居民.xlsx", b"this is not a workbook at all"),
        ("居民.xlsx", b"PK\x03\x04 garbage after a zip signature"),
        ("居民.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),  # an old binary Excel file
        ("居民.xlsx", _zip({"hello.txt": "hi"})),  # a zip, but not a workbook
        ("居民.xlsx", _zip({"[Content_Types].xml": "<Types garbage"})),  # broken XML inside
        ("居民.xlsx", _corrupt_sheet()),
        ("居民.xlsx", b""),
    ],
)
def test_a_file_that_is_not_an_xlsx_gets_a_clear_error(world, staff, name, content):
    response = upload(staff, content, name=name, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert ("is not an Excel file" in body or "could not be read as an Excel workbook" in body) or (
        content == b"" and "The submitted file is empty" in body
    )
    assert not ImportBatch.objects.exists()
    assert Resident.objects.count() == 3


def test_missing_columns_are_named(world, staff):
    response = upload(staff, workbook_bytes([["张三", "13700000000"]], header=["姓名", "手机号"]), HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "missing: 身份证号、网格" in body
    assert not ImportBatch.objects.exists()


def test_an_empty_workbook_and_a_header_only_workbook_are_refused(world, staff):
    assert "no residents" in upload(staff, workbook_bytes([]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    empty = openpyxl.Workbook()
    buf = io.BytesIO()
    empty.save(buf)
    assert "The workbook is empty" in upload(staff, buf.getvalue(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not ImportBatch.objects.exists()


def test_english_headers_and_numbers_typed_as_numbers_are_understood(world, staff):
    number = make_id_number(birth="19700101", seq=888)
    content = workbook_bytes([["Zhang San", number, 13700000888, "第一网格"]], header=["Name", "ID Number", "Phone", "Grid"])
    upload(staff, content)
    batch = ImportBatch.objects.get()
    assert batch.error_rows == 0
    assert batch.rows[0]["clean"]["phone"] == "13700000888"


def test_someone_without_the_manage_capability_cannot_import(world, login):
    for who in ("officer", "committee_a", "partner_a"):
        response = upload(login(world.user(who)), workbook_bytes(resident_rows(2)))
        assert response.status_code == 404
    assert not ImportBatch.objects.exists()


def test_a_grid_worker_cannot_open_a_file_someone_else_uploaded(world, staff, previewed):
    """The community's file holds full numbers of every grid: a grid worker gets a 404 for it."""
    grid_worker = Client()  # its own client: ``staff`` stays logged in as staff_a
    grid_worker.force_login(world.user("grid_a1"), backend="accounts.backends.PhoneOrUsernameBackend")
    for suffix in ("", "errors.xlsx"):
        assert grid_worker.get(f"/console/residents/import/{previewed.pk}/{suffix}").status_code == 404
    assert grid_worker.post(f"/console/residents/import/{previewed.pk}/confirm/", {"action": "good_only"}).status_code == 404
    previewed.refresh_from_db()
    assert previewed.status == ImportStatus.PREVIEW
    # Their own upload is theirs to see.
    upload(grid_worker, workbook_bytes(resident_rows(2)))
    own = ImportBatch.objects.exclude(pk=previewed.pk).get()
    assert grid_worker.get(f"/console/residents/import/{own.pk}/").status_code == 200
    # The community's staff see every upload of the community.
    assert staff.get(f"/console/residents/import/{own.pk}/").status_code == 200
