"""The pages: staff lists and matching, grid workers' wishes, residents' own pages, the public
wish wall (which never shows who the resident is)."""

import pytest

from matching import services
from matching.models import Need, Wish, WishStatus
from matching.tests.conftest import photo, post_wish
from orgs.scope import Scope
from residents.models import ConsentRecord
from residents.selectors_privacy import consent_states

pytestmark = pytest.mark.django_db


def _lists(world):
    staff = Scope(world.staff("a"))
    need = services.need_create(
        actor=staff, community=world.community_a, title="四点半课堂没人管", category="childcare", affected_count=25,
        affected_groups=["children"], grid=world.grid_a1,
    )
    resource = services.resource_create(
        actor=staff, community=world.community_a, title="大学生志愿辅导", category="childcare", offered_by="volunteer",
        provider_name="理工大学志愿者协会", quantity=6, unit="人",
    )
    return need, resource


def test_staff_see_the_lists_and_suggestions(world, login):
    need, resource = _lists(world)
    client = login(world.staff("a"))
    for url in ("/console/matching/", "/console/matching/needs/", "/console/matching/resources/", "/console/matching/projects/"):
        assert client.get(url).status_code == 200, url
    home = client.get("/console/matching/").content.decode()
    assert need.title in home and resource.title in home and "类别相同" in home
    detail = client.get(f"/console/matching/needs/{need.pk}/").content.decode()
    assert resource.title in detail and "全社区" in detail


def test_staff_start_a_project_from_a_suggestion_and_record_progress(world, login):
    need, resource = _lists(world)
    client = login(world.staff("a"))
    form = client.get(f"/console/matching/projects/new/?need={need.pk}&resource={resource.pk}")
    assert form.status_code == 200
    response = client.post(
        "/console/matching/projects/new/",
        {"title": "四点半课堂", "owner_name": "社区党委", "plan": "每周一至五 16:30", "needs": [need.pk], "resources": [resource.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = need.projects.get()
    client.post(f"/console/matching/projects/{project.pk}/progress/", {"note": "开班 20 人", "progress": 40})
    project.refresh_from_db()
    assert project.progress == 40 and project.status == "active"
    assert "开班 20 人" in client.get(f"/console/matching/projects/{project.pk}/").content.decode()


def test_a_need_form_with_bad_input_shows_the_message(world, login):
    client = login(world.staff("a"))
    response = client.post(
        "/console/matching/needs/new/",
        {"title": "x", "category": "meals", "source": "staff", "affected_count": 1, "urgency": 2,
         "needed_from": "2026-05-01", "needed_until": "2026-04-01"},
    )
    assert response.status_code == 200 and "结束时间早于开始时间" in response.content.decode()
    assert Need.objects.count() == 0


def test_a_grid_worker_posts_a_wish_from_the_phone(world, login):
    client = login(world.user("grid_a1"))
    page = client.get("/console/matching/wishes/new/").content.decode()
    assert world.residents["a1"].name in page and world.residents["a2"].name not in page  # their grid only
    response = client.post(
        "/console/matching/wishes/new/",
        {"resident": world.residents["a1"].pk, "title": "轮椅维修", "who_public": "一位八旬独居老人",
         "category": "repairs", "estimated_yuan": 80, "consent_note": "本人口头同意", "consent_given": "on",
         "consent_method": "oral"},
    )
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert (wish.estimated_fen, wish.posted_by) == (8000, world.user("grid_a1"))
    assert "轮椅维修" in client.get("/console/matching/wishes/?mine=1").content.decode()


def test_the_wish_form_records_the_consent_or_says_it_is_missing(world, login):
    client = login(world.user("grid_a1"))
    page = client.get("/console/matching/wishes/new/").content.decode()
    assert "居民已同意公开发布微心愿（不含身份信息）" in page
    form = {"resident": world.residents["a1"].pk, "title": "轮椅维修", "who_public": "一位八旬独居老人",
            "category": "repairs", "consent_note": "本人口头同意，家访时", "consent_method": "oral"}
    refused = client.post("/console/matching/wishes/new/", form)
    assert refused.status_code == 200 and "尚未同意公开发布微心愿" in refused.content.decode()
    assert not Wish.objects.exists() and not ConsentRecord.objects.exists()

    assert client.post("/console/matching/wishes/new/", form | {"consent_given": "on"}).status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.purpose, record.granted, record.recorded_by) == ("wish", True, world.user("grid_a1"))
    assert Wish.objects.get().resident == world.residents["a1"]
    # It is the resident's consent like any other: their page and /me/ show it as it stands.
    states = {s.purpose: s.granted for s in consent_states(world.residents["a1"])}
    assert states["wish"] is True


def test_posting_a_wish_through_the_api_needs_the_consent(world, login):
    client = login(world.user("grid_a1"))
    body = {"resident_id": world.residents["a1"].pk, "title": "轮椅维修", "who_public": "一位八旬独居老人",
            "consent_note": "本人口头同意"}
    refused = client.post("/api/v1/matching/wishes", body, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "no_consent"
    assert not Wish.objects.exists() and not ConsentRecord.objects.exists()
    posted = client.post("/api/v1/matching/wishes", body | {"record_consent": True}, content_type="application/json")
    assert posted.status_code == 201
    assert ConsentRecord.objects.get().recorded_by == world.user("grid_a1")


def test_the_public_wall_never_shows_who_the_resident_is(world, client, login):
    a1 = world.residents["a1"]
    wish = post_wish(world)
    other = post_wish(world, title="上门理发")
    services.wish_claim(actor=Scope(world.user("volunteer_a")), wish=other, promise=True, display_name="理发志愿者")
    other = services.wish_fulfil(actor=Scope(world.user("volunteer_a")), wish=Wish.objects.get(pk=other.pk), photo=photo())
    services.wish_thank(actor=Scope(world.user("grid_a1")), wish=other, thanks="老人说头发剪得真精神")
    secrets = [a1.name, a1.phone, a1.id_number, a1.building.name, "监护人口头同意", a1.phone_masked, a1.id_number_masked]
    pages = [
        client.get(f"/c/matching/{world.community_a.pk}/"),
        client.get(f"/c/matching/wishes/{wish.pk}/"),
        client.get(f"/c/matching/wishes/{other.pk}/"),
        client.get(f"/api/v1/matching/public/communities/{world.community_a.pk}/wishes"),
        client.get(f"/api/v1/matching/public/wishes/{other.pk}"),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode() if "json" not in response["Content-Type"] else str(response.json())
        assert not [s for s in secrets if s and s in text], (response.request["PATH_INFO"], secrets)
    wall = pages[0].content.decode()
    assert "一个新书包" in wall and "一位困境儿童" in wall and "老人说头发剪得真精神" in wall and "理发志愿者" in wall
    # The proof photo is not public.
    assert client.get(f"/console/matching/wishes/{other.pk}/proof.jpg").status_code == 302


def test_anyone_logged_in_claims_from_the_public_page_and_fulfils_from_their_own(world, client, login):
    wish = post_wish(world)
    anonymous = client.post(f"/c/matching/wishes/{wish.pk}/", {"promise": "on"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = login(world.user("resident_b"))  # another community: still welcome to help
    refused = client.post(f"/c/matching/wishes/{wish.pk}/", {"display_name": "王阿姨"})
    assert refused.status_code == 200 and Wish.objects.get(pk=wish.pk).status == WishStatus.POSTED
    response = client.post(f"/c/matching/wishes/{wish.pk}/", {"display_name": "王阿姨", "promise": "on"})
    assert response.status_code == 302
    assert "一个新书包" in client.get("/me/matching/").content.decode()
    bad = client.post(f"/me/matching/claims/{wish.pk}/fulfil/", {"photo": photo_text()})
    assert bad.status_code == 302 and Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED
    client.post(f"/me/matching/claims/{wish.pk}/fulfil/", {"photo": photo(), "note": "已送到"})
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.FULFILLED
    assert client.get(f"/me/matching/claims/{wish.pk}/proof.jpg").status_code == 200


def photo_text():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", b"hello", content_type="image/jpeg")


def test_a_resident_raises_a_need_once_even_when_tapping_twice(world, login):
    client = login(world.user("resident_a"))
    assert client.get("/me/matching/needs/new/").status_code == 200
    data = {"title": "楼下路灯坏了", "category": "repairs", "urgency": 2, "idempotency_key": "tap-1"}
    assert client.post("/me/matching/needs/new/", data).status_code == 302
    assert client.post("/me/matching/needs/new/", data).status_code == 302
    assert Need.objects.filter(title="楼下路灯坏了").count() == 1
    assert "楼下路灯坏了" in client.get("/me/matching/").content.decode()
    # On the shared list the need carries no name.
    staff_list = login(world.staff("a")).get("/console/matching/needs/").content.decode()
    assert "楼下路灯坏了" in staff_list and world.residents["a1"].name not in staff_list


def test_the_api_raises_needs_and_claims_wishes(world, login):
    client = login(world.user("resident_a"))
    r = client.post(
        "/api/v1/matching/me/needs", {"title": "想学智能手机", "category": "education"},
        content_type="application/json", headers={"Idempotency-Key": "k1"},
    )
    assert r.status_code == 201
    again = client.post(
        "/api/v1/matching/me/needs", {"title": "想学智能手机", "category": "education"},
        content_type="application/json", headers={"Idempotency-Key": "k1"},
    )
    assert again.json()["id"] == r.json()["id"]
    wish = post_wish(world, resident_key="a1")
    volunteer = login(world.user("volunteer_a"))
    claim = volunteer.post(f"/api/v1/matching/wishes/{wish.pk}/claim", {"promise": True}, content_type="application/json")
    assert claim.status_code == 200 and claim.json()["status"] == "claimed"
    second = login(world.user("resident_b")).post(
        f"/api/v1/matching/wishes/{wish.pk}/claim", {"promise": True}, content_type="application/json"
    )
    assert second.status_code == 409 and second.json()["code"] == "already_claimed"
    staff = login(world.staff("a"))
    listed = staff.get("/api/v1/matching/needs", {"community_id": world.community_a.pk}).json()
    assert [n["title"] for n in listed] == ["想学智能手机"] and "resident" not in str(listed[0].keys())
    assert staff.get("/api/v1/matching/needs", {"community_id": world.community_b.pk}).status_code == 404


def test_lists_take_the_same_number_of_queries_whatever_their_length(world, login):
    client = login(world.staff("a"))
    urls = ["/console/matching/", "/console/matching/needs/", "/console/matching/resources/", "/console/matching/wishes/"]

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    _lists(world)
    post_wish(world)
    client.get(urls[0])  # the session's once-a-minute renewal happens here, not in a count
    before = count()
    for i in range(4):
        _lists(world)
        post_wish(world, title=f"愿望{i}")
    assert count() == before
