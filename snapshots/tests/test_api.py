import io

import pytest
from PIL import Image

from snapshots.models import Report, Status
from snapshots.tests.factories import category, jpeg, report

pytestmark = pytest.mark.django_db


def _post(client, world, *, photos, key=None, **extra):
    data = {
        "community_id": world.community_a.pk,
        "category_id": category().pk,
        "building_id": world.building_a1.pk,
        "note": "路灯不亮",
        "photos": photos,
        **extra,
    }
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/api/v1/snapshots/reports", data, headers=headers)


def test_report_through_the_api_with_multipart_photos_and_an_idempotency_key(world, login):
    client = login(world.user("resident_a"))
    first = _post(client, world, photos=[jpeg(gps=True), jpeg()], key="abc")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "new" and body["handled_by"] == "grid_a1" and body["reporter"] is None
    assert len(body["photos"]) == 2
    again = _post(client, world, photos=[jpeg()], key="abc")
    assert again.json()["id"] == body["id"] and Report.objects.count() == 1
    image = client.get(body["photos"][0]["url"])
    assert image.status_code == 200 and not Image.open(io.BytesIO(image.content)).getexif()
    mine = client.get("/api/v1/snapshots/reports/mine").json()
    assert [m["id"] for m in mine] == [body["id"]]
    detail = client.get(f"/api/v1/snapshots/reports/{body['id']}").json()
    assert [e["kind"] for e in detail["events"]] == ["reported", "routed"]


def test_a_non_image_is_refused_by_the_api_with_a_clear_message(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(world.user("resident_a"))
    response = _post(client, world, photos=[SimpleUploadedFile("x.png", b"<?php echo 1;", content_type="image/png")])
    assert response.status_code == 422
    assert response.json()["code"] == "not_an_image" and "x.png" in response.json()["message"]
    assert not Report.objects.exists()


def test_handling_through_the_api(world, login):
    r = report(world)
    client = login(world.user("grid_a1"))
    queue = client.get("/api/v1/snapshots/queue").json()
    assert [q["id"] for q in queue] == [r.pk] and queue[0]["reporter"] == "resident_a"
    assert client.post(f"/api/v1/snapshots/reports/{r.pk}/accept").json()["status"] == "accepted"
    refused = client.post(f"/api/v1/snapshots/reports/{r.pk}/close", {"resolution": "修好了"})
    assert refused.status_code == 422 and refused.json()["code"] == "after_photo_required"
    closed = client.post(f"/api/v1/snapshots/reports/{r.pk}/close", {"resolution": "修好了", "photos": [jpeg()]})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert [p["kind"] for p in closed.json()["photos"]] == ["before", "after"]


def test_lists_through_the_api_are_scoped(world, login):
    ra, rb = report(world, "a"), report(world, "b")
    staff = login(world.user("staff_a"))
    listed = staff.get("/api/v1/snapshots/reports").json()
    assert [i["id"] for i in listed["items"]] == [ra.pk] and listed["count"] == 1
    assert staff.get("/api/v1/snapshots/reports", {"community_id": world.community_b.pk}).status_code == 404
    assert staff.get(f"/api/v1/snapshots/reports/{rb.pk}").status_code == 404
    assert staff.post(f"/api/v1/snapshots/reports/{rb.pk}/dismiss", {"reason": "x"}, content_type="application/json").status_code == 404
    resident = login(world.user("resident_a"))
    assert resident.get("/api/v1/snapshots/reports").json()["count"] == 0
    assert resident.get(f"/api/v1/snapshots/photos/{rb.photos.get().pk}").status_code == 404


def test_reassign_and_dismiss_through_the_api(world, login):
    r = report(world)
    staff = login(world.user("staff_a"))
    moved = staff.post(
        f"/api/v1/snapshots/reports/{r.pk}/reassign", {"user_id": world.user("staff_a").pk, "note": ""}, content_type="application/json"
    )
    assert moved.json()["handled_by"] == "staff_a"
    bad = staff.post(
        f"/api/v1/snapshots/reports/{r.pk}/reassign", {"user_id": world.user("staff_b").pk}, content_type="application/json"
    )
    assert bad.status_code == 422
    gone = staff.post(f"/api/v1/snapshots/reports/{r.pk}/dismiss", {"reason": "重复"}, content_type="application/json")
    assert gone.json()["status"] == Status.DISMISSED


def test_plan_and_zones_through_the_api(world, login):
    staff = login(world.user("staff_a"))
    uploaded = staff.post(f"/api/v1/snapshots/communities/{world.community_a.pk}/plan", {"image": jpeg(size=(500, 400))})
    assert uploaded.status_code == 201 and uploaded.json()["plan_width"] == 500
    zone = staff.post(
        f"/api/v1/snapshots/communities/{world.community_a.pk}/zones",
        {"name": "南门", "grid_id": world.grid_a1.pk, "x": 0, "y": 0, "w": 100, "h": 100},
        content_type="application/json",
    )
    assert zone.status_code == 201
    places = staff.get(f"/api/v1/snapshots/public/communities/{world.community_a.pk}/places").json()
    assert [z["name"] for z in places["zones"]] == ["南门"] and places["buildings"][0]["name"] == "1号楼"
    assert staff.delete(f"/api/v1/snapshots/zones/{zone.json()['id']}").status_code == 204
    assert login(world.user("grid_a1")).post(
        f"/api/v1/snapshots/communities/{world.community_a.pk}/zones",
        {"name": "x", "grid_id": world.grid_a1.pk},
        content_type="application/json",
    ).status_code == 403
