"""The residents pages in the console and the resident's own /me/ pages."""

import json

import pytest

from accounts.models import User
from linli.testkit import PASSWORD, make_id_number
from residents.models import Resident, RevealLog, id_number_index

pytestmark = pytest.mark.django_db


# --- Console -------------------------------------------------------------------------------------


def test_the_list_masks_numbers_and_searches(world, login):
    client = login(world.user("staff_a"))
    body = client.get("/console/residents/").content.decode()
    a1 = world.residents["a1"]
    assert a1.name in body and a1.phone_masked in body and a1.id_number_masked in body
    assert a1.phone not in body and a1.id_number not in body
    found = client.get("/console/residents/", {"q": "zlj"}).context["page"].object_list
    assert [r.name for r in found] == ["张丽君"]
    by_grid = client.get("/console/residents/", {"grid": world.grid_a2.pk}).context["page"].object_list
    assert [r.name for r in by_grid] == ["李建国"]


def test_the_list_answers_htmx_with_the_rows_only(world, login):
    response = login(world.user("staff_a")).get(
        "/console/residents/", {"q": "ljg"}, headers={"HX-Request": "true", "HX-Target": "resident-rows"}
    )
    assert [t.name for t in response.templates][0] == "residents/_rows.html"
    assert "李建国" in response.content.decode() and "<html" not in response.content.decode()


def test_the_detail_page_masks_and_offers_reveal_to_those_who_may(world, login):
    a1 = world.residents["a1"]
    staff = login(world.user("staff_a")).get(f"/console/residents/{a1.pk}/")
    assert staff.status_code == 200
    body = staff.content.decode()
    assert a1.id_number_masked in body and a1.id_number not in body and a1.phone not in body
    assert staff.context["can_reveal"] is True
    officer = login(world.user("officer")).get(f"/console/residents/{a1.pk}/")
    assert officer.status_code == 200 and officer.context["can_reveal"] is False


def test_reveal_through_the_page_logs_it_and_the_resident_sees_it(world, login):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    response = client.post(f"/console/residents/{a1.pk}/reveal/", {"field": "id_number", "reason": "办理高龄补贴", "password": PASSWORD})
    assert response.status_code == 200 and a1.id_number in response.content.decode()
    log = RevealLog.objects.get()
    assert (log.actor, log.reason, log.ip_address) == (world.user("staff_a"), "办理高龄补贴", "127.0.0.1")

    me = login(world.user("resident_a")).get("/me/").content.decode()
    assert "办理高龄补贴" in me and "staff_a" in me


def test_reveal_through_the_page_without_a_reason_is_refused(world, login):
    a1 = world.residents["a1"]
    response = login(world.user("staff_a")).post(f"/console/residents/{a1.pk}/reveal/", {"field": "phone", "reason": ""})
    assert response.status_code == 422
    assert a1.phone not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_reveal_through_the_page_is_refused_for_roles_without_the_capability(world, login):
    a1 = world.residents["a1"]
    # The officer may see the (masked) resident but not the full number.
    response = login(world.user("officer")).post(f"/console/residents/{a1.pk}/reveal/", {"field": "phone", "reason": "核查"})
    assert response.status_code == 403 and a1.phone not in response.content.decode()
    # The fund committee does not see residents at all.
    response = login(world.user("committee_a")).post(f"/console/residents/{a1.pk}/reveal/", {"field": "phone", "reason": "核查"})
    assert response.status_code == 404
    assert not RevealLog.objects.exists()


def test_register_a_resident_through_the_page(world, login):
    client = login(world.user("staff_a"))
    number = make_id_number(birth="19920315", seq=444)
    data = {"name": "孙悦", "id_number": number, "phone": "137 0000 0444", "grid": "第一网格", "building": "1号楼", "unit": "1", "room": "202"}
    response = client.post("/console/residents/new/", data)
    created = Resident.objects.get(id_number_hash=id_number_index(number))
    assert response.status_code == 302 and response["Location"] == f"/console/residents/{created.pk}/"
    assert created.phone == "13700000444" and created.community == world.community_a
    assert created.history.get().history_user == world.user("staff_a")


def test_the_page_shows_why_a_registration_is_refused(world, login):
    client = login(world.user("staff_a"))
    number = make_id_number(seq=445)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    before = Resident.objects.count()
    response = client.post("/console/residents/new/", {"name": "孙悦", "id_number": wrong, "grid": "第一网格"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f"the last character should be {number[17]}" in response.content.decode()
    assert Resident.objects.count() == before


def test_edits_through_the_page_are_in_the_history_with_the_user(world, login):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    data = {"name": "张丽君", "phone": "13700001111", "grid": "第一网格", "building": "1号楼", "unit": "1", "room": "101", "note": "行动不便"}
    assert client.post(f"/console/residents/{a1.pk}/edit/", data).status_code == 302
    a1.refresh_from_db()
    assert a1.phone == "13700001111" and a1.note == "行动不便"
    latest = a1.history.first()
    assert latest.history_user == world.user("staff_a") and latest.history_type == "~"
    page = client.get(f"/console/residents/{a1.pk}/history/")
    changes = page.context["changes"]
    assert changes[0]["record"].history_user == world.user("staff_a")
    assert {"phone", "note"} <= set(changes[0]["fields"])
    assert "staff_a" in page.content.decode()


def test_the_edit_page_does_not_show_the_full_id_number(world, login):
    a1 = world.residents["a1"]
    body = login(world.user("staff_a")).get(f"/console/residents/{a1.pk}/edit/").content.decode()
    assert a1.id_number not in body and a1.id_number_masked in body


def test_the_access_log_is_for_auditors(world, login):
    a1 = world.residents["a1"]
    login(world.user("staff_a")).post(f"/console/residents/{a1.pk}/reveal/", {"field": "phone", "reason": "电话回访", "password": PASSWORD})
    page = login(world.user("secretary_a")).get("/console/residents/access-log/")
    assert page.status_code == 200 and "电话回访" in page.content.decode()
    assert login(world.user("staff_a")).get("/console/residents/access-log/").status_code == 404
    assert login(world.user("auditor_a")).get("/console/residents/access-log/").status_code == 200


# --- The resident's own pages ---------------------------------------------------------------


def test_my_page_shows_my_full_data_and_nobody_elses(world, login):
    client = login(world.user("resident_a"))
    a1 = world.residents["a1"]
    body = client.get("/me/").content.decode()
    assert a1.name in body and a1.id_number in body and a1.phone in body
    for other in ("a2", "b1"):
        assert world.residents[other].name not in body


def test_my_data_download_is_complete_and_only_mine(world, login):
    a1 = world.residents["a1"]
    login(world.user("staff_a")).post(f"/console/residents/{a1.pk}/reveal/", {"field": "phone", "reason": "电话回访", "password": PASSWORD})
    response = login(world.user("resident_a")).get("/me/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["name"] == a1.name and data["id_number"] == a1.id_number and data["phone"] == a1.phone
    assert data["community"] == "康平社区" and data["grid"] == "第一网格"
    assert data["who_viewed_my_numbers"][0]["reason"] == "电话回访"
    assert data["changes"]
    text = response.content.decode()
    for other in ("a2", "b1"):
        assert world.residents[other].name not in text and world.residents[other].id_number not in text


def test_i_can_correct_my_mobile_number_and_log_in_with_it(world, login):
    client = login(world.user("resident_a"))
    response = client.post("/me/contact/", {"phone": "+86 137 0000 5555"})
    assert response.status_code == 302
    a1 = Resident.objects.get(pk=world.residents["a1"].pk)
    assert a1.phone == "13700005555"
    assert User.objects.get(username="resident_a").phone == "13700005555"
    assert a1.history.first().history_user == world.user("resident_a")
    from django.test import Client

    from linli.testkit import PASSWORD

    response = Client().post("/accounts/login/", {"username": "13700005555", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/me/"


def test_a_bad_or_taken_mobile_number_changes_nothing(world, login):
    client = login(world.user("resident_a"))
    bad = client.post("/me/contact/", {"phone": "12345"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "not a valid mobile number" in bad.content.decode()
    taken = client.post("/me/contact/", {"phone": world.user("resident_b").phone}, HTTP_ACCEPT_LANGUAGE="en")
    assert taken.status_code == 200 and "already belongs to another account" in taken.content.decode()
    assert Resident.objects.get(pk=world.residents["a1"].pk).phone == "13800000101"
    assert User.objects.get(username="resident_a").phone == "13800000101"
    assert Resident.objects.get(pk=world.residents["b1"].pk).phone == "13900000201"


def test_my_pages_touch_only_my_own_record(world, login):
    client = login(world.user("resident_a"))
    b1 = world.residents["b1"]
    client.post("/me/contact/", {"phone": "13700006666", "resident_id": b1.pk, "id": b1.pk})
    assert Resident.objects.get(pk=b1.pk).phone == "13900000201"
    assert Resident.objects.get(pk=world.residents["a1"].pk).phone == "13700006666"


def test_people_without_a_resident_record_have_no_me_pages(world, login):
    client = login(world.user("staff_a"))
    for url in ("/me/", "/me/contact/", "/me/my-data.json"):
        assert client.get(url).status_code == 404


def test_the_api_gives_me_my_own_record_in_full(world, login):
    client = login(world.user("resident_a"))
    data = client.get("/api/v1/residents/me").json()
    assert data["id_number"] == world.residents["a1"].id_number
    patched = client.patch("/api/v1/residents/me", {"phone": "13700007777"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["phone"] == "13700007777"
    assert client.patch("/api/v1/residents/me", {"phone": "123"}, content_type="application/json").status_code == 422


def test_reveal_asks_for_the_password_again_unless_confirmed_in_the_last_minutes(world, login, settings):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    page = client.get(f"/console/residents/{a1.pk}/").content.decode()
    assert 'name="password"' in page
    url = f"/console/residents/{a1.pk}/reveal/"
    missing = client.post(url, {"field": "phone", "reason": "电话回访"})
    assert missing.status_code == 403 and a1.phone not in missing.content.decode()
    wrong = client.post(url, {"field": "phone", "reason": "电话回访", "password": "not-my-password"})
    assert wrong.status_code == 422 and a1.phone not in wrong.content.decode()
    assert not RevealLog.objects.exists()
    assert a1.phone in client.post(url, {"field": "phone", "reason": "电话回访", "password": PASSWORD}).content.decode()
    # Confirmed a moment ago: the next look within the window needs no password.
    assert 'name="password"' not in client.get(f"/console/residents/{a1.pk}/").content.decode()
    assert a1.phone in client.post(url, {"field": "phone", "reason": "再次回访"}).content.decode()
    assert RevealLog.objects.count() == 2


def test_a_full_export_goes_through_the_confirmation_page(world, login):
    client = login(world.user("staff_a"))
    url = f"/console/residents/export.xlsx?community={world.community_a.pk}&full=1&reason=高龄补贴核对"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/confirm/")
    confirm = client.post(response["Location"], {"password": PASSWORD})
    assert confirm.status_code == 302
    again = client.get(confirm["Location"])
    assert again.status_code == 200 and again["Content-Type"].startswith("application/vnd.openxmlformats")
