import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.services import user_create
from orgs.scope import Scope
from snapshots import services
from snapshots.models import Report, Status
from snapshots.tests.factories import category, jpeg, report

pytestmark = pytest.mark.django_db


def _new_report(client, world, *, photos=None, place=None, note="楼道里堆满纸箱"):
    return client.post(
        reverse("snapshots_me:new"),
        {
            "community_id": world.community_a.pk,
            "category": category("stairwell").pk,
            "place": place or f"b:{world.building_a1.pk}",
            "note": note,
            "photos": photos if photos is not None else [jpeg(gps=True)],
        },
    )


def test_a_resident_reports_from_the_phone_and_follows_it(world, client):
    client.force_login(world.user("resident_a"))
    page = client.get(reverse("snapshots_me:new"))
    assert page.status_code == 200 and "1号楼" in page.content.decode()
    response = _new_report(client, world)
    r = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("snapshots_me:detail", args=[r.pk])
    assert r.reporter == world.user("resident_a") and r.assignee == world.user("grid_a1")
    detail = client.get(response["Location"]).content.decode()
    assert "楼道里堆满纸箱" in detail and str(Status.NEW.label) in detail
    photo_url = reverse("snapshots_me:photo", args=[r.photos.get().pk])
    assert photo_url in detail
    image = client.get(photo_url)
    assert image["Content-Type"] == "image/jpeg" and b"Exif" not in image.content
    assert "楼道里堆满纸箱" in client.get(reverse("snapshots_me:index")).content.decode()


def test_a_non_image_upload_is_refused_on_the_page(world, client):
    client.force_login(world.user("resident_a"))
    fake = SimpleUploadedFile("合同.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")
    response = _new_report(client, world, photos=[fake])
    assert response.status_code == 422
    text = response.content.decode()
    assert "合同.jpg" in text and "JPEG" in text
    assert not Report.objects.exists()


def test_the_grid_worker_accepts_and_cannot_close_without_an_after_photo(world, client):
    r = report(world)
    client.force_login(world.user("grid_a1"))
    queue = client.get(reverse("snapshots:queue")).content.decode()
    assert f"#{r.pk}" in queue
    assert client.post(reverse("snapshots:accept", args=[r.pk])).status_code == 302
    page = client.post(reverse("snapshots:close", args=[r.pk]), {"resolution": "已清理"}, follow=True)
    r.refresh_from_db()
    assert r.status == Status.ACCEPTED
    assert "after handling" in page.content.decode() or "整治后" in page.content.decode() or "photo" in page.content.decode()
    client.post(reverse("snapshots:close", args=[r.pk]), {"resolution": "已清理", "photos": [jpeg()]})
    r.refresh_from_db()
    assert r.status == Status.CLOSED and r.resolution == "已清理"
    assert f"#{r.pk}" not in client.get(reverse("snapshots:queue")).content.decode()


def test_console_pages_are_scoped(world, client):
    ra, rb = report(world, "a", note="甲方便条"), report(world, "b", note="乙方便条")
    client.force_login(world.user("staff_a"))
    listing = client.get(reverse("snapshots:list")).content.decode()
    assert f"#{ra.pk}" in listing and f"#{rb.pk}" not in listing
    assert client.get(reverse("snapshots:detail", args=[rb.pk])).status_code == 404
    assert client.get(reverse("snapshots:photo", args=[rb.photos.get().pk])).status_code == 404
    assert client.post(reverse("snapshots:accept", args=[rb.pk])).status_code == 404
    assert "乙方便条" not in client.get(reverse("snapshots_me:index")).content.decode()
    client.force_login(world.user("resident_a"))
    assert client.get(reverse("snapshots:list")).status_code == 404
    assert client.get(reverse("snapshots:detail", args=[ra.pk])).status_code == 404
    assert client.get(reverse("snapshots_me:detail", args=[ra.pk])).status_code == 200
    assert client.get(reverse("snapshots_me:detail", args=[rb.pk])).status_code == 404


def test_staff_reassign_from_the_console(world, client):
    r = report(world)
    client.force_login(world.user("staff_a"))
    page = client.get(reverse("snapshots:detail", args=[r.pk])).content.decode()
    assert "grid_a1" in page and "resident_a" in page  # handled by, reported by (staff only)
    client.post(reverse("snapshots:reassign", args=[r.pk]), {"to_user": world.user("staff_a").pk, "note": "我来"})
    r.refresh_from_db()
    assert r.assignee == world.user("staff_a")


def test_tapping_a_zone_on_the_plan_chooses_it(world, client):
    staff = Scope(world.user("staff_a"))
    services.plan_set(actor=staff, community=world.community_a, image=jpeg(size=(400, 300)))
    zone = services.zone_create(actor=staff, community=world.community_a, name="北门垃圾房", grid=world.grid_a1, x=100, y=100, w=200, h=200)
    client.force_login(world.user("resident_a"))
    page = client.get(reverse("snapshots_me:new"), {"place": f"z:{zone.pk}"}).content.decode()
    assert f'place=z:{zone.pk}#where"' in page and 'class="chosen"' in page
    assert f'<option value="z:{zone.pk}" selected>' in page
    assert 'style="' not in page  # strict CSP: no inline styles
    _new_report(client, world, place=f"z:{zone.pk}")
    assert Report.objects.get().zone == zone
    plan = client.get(reverse("snapshots_public:plan_image", args=[world.community_a.pk]))
    assert plan.status_code == 200 and Image.open(io.BytesIO(plan.content)).size == (400, 300)


def test_staff_edit_the_plan(world, client):
    client.force_login(world.user("staff_a"))
    client.post(reverse("snapshots:plan"), {"action": "plan", "image": jpeg(size=(300, 200))})
    client.post(
        reverse("snapshots:plan"),
        {"action": "zone", "name": "东门快递柜", "grid": world.grid_a1.pk, "left": 10, "top": 20, "width": 30, "height": 10},
    )
    page = client.get(reverse("snapshots:plan")).content.decode()
    assert "东门快递柜" in page and "<svg" in page
    client.force_login(world.user("grid_a1"))
    assert client.get(reverse("snapshots:plan")).status_code == 200
    assert client.post(reverse("snapshots:plan"), {"action": "zone", "name": "x", "grid": world.grid_a1.pk}).status_code == 404


def test_anyone_logged_in_reports_through_the_public_page(world, client):
    url = reverse("snapshots_public:report", args=[world.community_b.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and reverse("accounts:login") in anonymous.content.decode()
    rider = user_create(username="rider", password="x-linli-2026", display_name="骑手小王")
    client.force_login(rider)
    assert "1号楼" in client.get(url).content.decode()
    response = client.post(
        url,
        {"category": category().pk, "place": f"b:{world.building_b1.pk}", "photos": [jpeg()], "idempotency_key": "k1"},
    )
    assert response.status_code == 302
    r = Report.objects.get()
    assert r.community == world.community_b and r.reporter == rider


def test_public_pages_never_show_who_reported(world, client):
    rider = user_create(username="rider-wang", password="x-linli-2026", display_name="骑手王小明", phone="13912345678")
    start = timezone.now() - dt.timedelta(days=40)
    grid = Scope(world.user("grid_a1"))
    for i in range(3):
        r = report(world, user=rider, note=f"王小明在{i}号楼看到", now=start)
        services.report_close(actor=grid, report=r, after_photos=[jpeg()], resolution="已清运", now=start + dt.timedelta(hours=5))
    report(world, user=world.user("resident_a"), note="张丽君的便条")
    markers = ["骑手王小明", "rider-wang", "13912345678", "王小明在", "张丽君", "resident_a", "photos/"]
    urls = [
        reverse("snapshots_public:index"),
        reverse("snapshots_public:community", args=[world.community_a.pk]),
        "/api/v1/snapshots/public/overview",
        f"/api/v1/snapshots/public/communities/{world.community_a.pk}/stats",
        f"/api/v1/snapshots/public/communities/{world.community_a.pk}/places",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        for marker in markers:
            assert marker not in text, (url, marker)
    page = client.get(reverse("snapshots_public:community", args=[world.community_a.pk])).content.decode()
    assert ">3<" in page and "5.0 h" in page and "楼道堆放" not in page and "垃圾积存" in page
    assert client.get(reverse("snapshots_public:qr", args=[world.community_a.pk]))["Content-Type"] == "image/svg+xml"
