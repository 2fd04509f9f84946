"""A delivery rider who does not live in 康平社区 files a 随手拍 report with a photo through the
community's public page (the QR code at the gate); the grid worker of that building accepts it
on a phone and closes it with an after-photo; the rider sees it solved."""

from __future__ import annotations

import pytest

from accounts.services import user_create
from browser.pages import log_in, photo
from linli.testkit import PASSWORD
from snapshots.models import Photo, Report, Status

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RIDER_PHONE = "13953300777"


def test_a_rider_reports_with_a_photo_and_the_grid_worker_closes_it_with_an_after_photo(journey, world):
    user_create(username="rider-li", password=PASSWORD, display_name="李师傅", phone=RIDER_PHONE)
    community = world.community_a

    rider = journey.phone("rider")
    log_in(rider, RIDER_PHONE, next_url=f"/c/snapshots/{community.pk}/report/")
    assert rider.url.endswith(f"/c/snapshots/{community.pk}/report/")
    place = rider.locator("#id_place option", has_text="1号楼").first.get_attribute("value")
    rider.select_option("#id_place", place)
    rider.select_option("#id_category", index=1)
    rider.set_input_files("#id_photos", photo("stairwell"))
    rider.fill("#id_note", "2单元楼道堆放纸箱，挡住消防通道")
    journey.step(rider, "report-form", doc="snapshot-report-phone")
    with rider.expect_navigation():
        rider.click("main form button[type=submit]")
    report = Report.objects.get(reporter__username="rider-li")
    assert report.status == Status.NEW and report.community_id == community.pk
    assert Photo.objects.filter(report=report).count() == 1
    journey.step(rider, "reported")

    grid = journey.phone("grid-worker")
    log_in(grid, "grid_a1")
    grid.goto("/console/snapshots/queue/")
    assert grid.locator(f"main a[href='/console/snapshots/{report.pk}/']").count() >= 1  # routed to this grid
    journey.step(grid, "my-queue")
    grid.goto(f"/console/snapshots/{report.pk}/")
    with grid.expect_navigation():
        grid.click(f"form[action='/console/snapshots/{report.pk}/accept/'] button")
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    # Closing without an after-photo is refused; with one, the report is solved.
    close = f"form[action='/console/snapshots/{report.pk}/close/']"
    grid.fill(f"{close} textarea", "已清理，纸箱由物业回收")
    with grid.expect_navigation():
        grid.click(f"{close} button")
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    journey.step(grid, "close-needs-a-photo")
    grid.set_input_files("#close-photos", photo("cleared"))
    grid.fill(f"{close} textarea", "已清理，纸箱由物业回收")
    journey.step(grid, "close-with-after-photo", doc="snapshot-close-phone")
    with grid.expect_navigation():
        grid.click(f"{close} button")
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert Photo.objects.filter(report=report).count() == 2

    rider.goto(f"/me/snapshots/{report.pk}/")
    assert "已清理" in rider.locator("main").inner_text()
    journey.step(rider, "solved")
    journey.done()
