"""Community staff import 500 residents from Excel: three rows are wrong. They import the 497
good ones, download the rows to fix, correct them in the workbook and import those three."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from browser.pages import download, log_in, message, workbook
from linli.testkit import make_id_number
from residents.idcard import check_digit
from residents.models import ImportBatch, Resident, phone_index

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADER = ["姓名", "身份证号", "手机号", "网格", "楼栋", "单元", "房号", "特殊群体", "备注"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel rows (row 1 holds the titles) that staff typed wrong.
BAD_ID_ROW, BAD_GRID_ROW, BAD_PHONE_ROW = 10, 250, 499


def residents_rows() -> list[list]:
    """The titles and 500 distinct residents of 康平社区, three of them typed wrong."""
    rows = [HEADER]
    for i in range(500):
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
    # rows[n - 1] is Excel row n.
    good_id = rows[BAD_ID_ROW - 1][1]
    rows[BAD_ID_ROW - 1][1] = good_id[:17] + ("0" if good_id[17] != "0" else "1")  # wrong check digit
    rows[BAD_GRID_ROW - 1][3] = "第九网格"  # no such grid
    rows[BAD_PHONE_ROW - 1][2] = "138-0000"  # too short
    return rows


def fix_rows(report: bytes) -> dict:
    """What the staff member does in Excel: correct the three rows of the error report in place."""
    wb = openpyxl.load_workbook(io.BytesIO(report))
    ws = wb.active
    titles = [c.value for c in ws[1]]
    col = {title: titles.index(title) + 1 for title in titles}
    for r in range(2, ws.max_row + 1):
        original_row = ws.cell(r, col["原行号"]).value
        if original_row == BAD_ID_ROW:
            first17 = ws.cell(r, col["身份证号"]).value[:17]
            ws.cell(r, col["身份证号"]).value = first17 + check_digit(first17)
        elif original_row == BAD_GRID_ROW:
            ws.cell(r, col["网格"]).value = "第一网格"
        elif original_row == BAD_PHONE_ROW:
            ws.cell(r, col["手机号"]).value = "13800009999"
    buf = io.BytesIO()
    wb.save(buf)
    return {"name": "需修改的行-已改.xlsx", "mimeType": XLSX, "buffer": buf.getvalue()}


def upload(page, file: dict) -> None:
    page.set_input_files("#id_file", files=[file])
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_staff_import_500_residents_and_fix_the_3_bad_rows(journey, world):
    before = Resident.objects.filter(community=world.community_a).count()  # 2 in the test world
    desk = journey.desktop("staff")
    log_in(desk, "staff_a")
    desk.click("nav.side a[href='/console/residents/import/']")
    journey.step(desk, "import-page")

    upload(desk, workbook(residents_rows(), "康平社区居民.xlsx"))
    batch = ImportBatch.objects.get()
    assert desk.url.endswith(f"/console/residents/import/{batch.pk}/")
    assert (batch.total_rows, batch.error_rows) == (500, 3)
    journey.step(desk, "preview-3-bad-rows", doc="import-preview-desk")
    bad_rows = desk.locator("main table tr").all_inner_texts()[1:]
    assert [int(row.split()[0]) for row in bad_rows] == [BAD_ID_ROW, BAD_GRID_ROW, BAD_PHONE_ROW]
    assert "497" in desk.locator("main").inner_text()

    # The rows to fix, as an Excel file (saved before importing: the batch stays readable after).
    report = download(desk, f"main a[href='/console/residents/import/{batch.pk}/errors.xlsx']")

    with desk.expect_navigation():
        desk.click("main button[name=action][value=good_only]")
    assert desk.url.endswith("/console/residents/")
    assert "497" in message(desk)
    journey.step(desk, "497-imported")
    assert Resident.objects.filter(community=world.community_a).count() == before + 497

    desk.goto("/console/residents/import/")
    upload(desk, fix_rows(report))
    fixed = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert (fixed.total_rows, fixed.error_rows) == (3, 0)
    journey.step(desk, "preview-fixed-rows")
    with desk.expect_navigation():
        desk.click("main button[name=action][value=all]")
    assert desk.url.endswith("/console/residents/")
    journey.step(desk, "all-500-imported")
    assert Resident.objects.filter(community=world.community_a).count() == before + 500
    assert (
        Resident.objects.get(phone_hash=phone_index("13800009999")).grid == world.grid_a2
    )  # row 499 (i = 497): 第二网格

    # The corrected resident can be found by name in the list.
    moved = Resident.objects.get(community=world.community_a, grid=world.grid_a1, room=str(101 + BAD_GRID_ROW - 2))
    desk.fill("main input[name=q]", moved.name)  # htmx filters the rows as one types
    expect(desk.locator("#resident-rows")).to_contain_text(moved.name)
    expect(desk).to_have_url(re.compile(r"/console/residents/\?q="))
    journey.step(desk, "search-a-fixed-resident")
    journey.done()
