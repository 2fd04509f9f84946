"""Consent records, moving out and retention, anonymisation and deletion requests (PIPL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from accounts.models import User
from audit.models import Event, Kind
from linli.errors import Conflict, NotFound, ValidationFailed
from linli.testkit import make_id_number
from orgs.scope import Scope
from residents.models import (
    ConsentPurpose,
    ConsentRecord,
    DeletionRequest,
    DeletionStatus,
    ImportBatch,
    Resident,
    RevealField,
    RevealLog,
    VulnerableTag,
)
from residents.selectors_privacy import consent_granted, consent_states
from residents.services import resident_create, resident_reveal, resident_update, resolve_address
from residents.services_privacy import (
    ANONYMOUS_NAME,
    anonymise_expired,
    consent_record,
    deletion_request_carry_out,
    deletion_request_create,
    deletion_request_refuse,
    resident_move_out,
)

pytestmark = pytest.mark.django_db


def child(world) -> Resident:
    year = timezone.localdate().year - 8
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼")
    return resident_create(
        actor=None,
        community=world.community_a,
        name="小明",
        id_number=make_id_number(birth=f"{year}0301", seq=811),
        address=address,
    )


# --- Consent -------------------------------------------------------------------------------------


def test_a_withdrawal_is_a_new_record_and_the_latest_counts(world):
    staff = Scope(world.user("staff_a"))
    a1 = world.residents["a1"]
    assert not consent_granted(a1, ConsentPurpose.WISH)  # nothing recorded: no consent
    consent_record(actor=staff, resident=a1, purpose=ConsentPurpose.WISH, granted=True, method="written")
    assert consent_granted(a1, ConsentPurpose.WISH)
    consent_record(actor=staff, resident=a1, purpose=ConsentPurpose.WISH, granted=False, method="oral", note="不想公开")
    assert not consent_granted(a1, ConsentPurpose.WISH)
    assert ConsentRecord.objects.filter(resident=a1).count() == 2  # both kept
    states = {s.purpose: s for s in consent_states(a1)}
    assert states["wish"].latest.note == "不想公开" and states["photos"].latest is None
    assert states["wish"].latest.recorded_by == world.user("staff_a")


def test_under_14_only_a_guardian_can_consent(world):
    staff = Scope(world.user("staff_a"))
    kid = child(world)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        consent_record(actor=staff, resident=kid, purpose=ConsentPurpose.PHOTOS, granted=True, method="written")
    assert refused.value.code == "guardian_required" and "监护人" in str(refused.value.message)
    record = consent_record(
        actor=staff,
        resident=kid,
        purpose=ConsentPurpose.PHOTOS,
        granted=True,
        method="written",
        guardian_name="王芳",
        guardian_relation="母亲",
    )
    assert record.guardian_name == "王芳" and consent_granted(kid, ConsentPurpose.PHOTOS)


def test_only_staff_who_manage_the_resident_record_consent(world):
    with pytest.raises(NotFound):
        consent_record(
            actor=Scope(world.user("staff_b")),
            resident=world.residents["a1"],
            purpose="wish",
            granted=True,
            method="written",
        )
    with pytest.raises(NotFound):  # a grid worker, another grid
        consent_record(
            actor=Scope(world.user("grid_a1")),
            resident=world.residents["a2"],
            purpose="wish",
            granted=True,
            method="written",
        )


def test_staff_record_consent_on_the_detail_page_and_the_resident_sees_it(world, login):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    page = client.get(f"/console/residents/{a1.pk}/").content.decode()
    assert f"/console/residents/{a1.pk}/consent/" in page
    response = client.post(
        f"/console/residents/{a1.pk}/consent/", {"purpose": "sensitive", "granted": "1", "method": "written"}
    )
    assert response.status_code == 302 and consent_granted(a1, ConsentPurpose.SENSITIVE)
    assert client.post(f"/console/residents/{world.residents['b1'].pk}/consent/", {}).status_code == 404
    me = login(world.user("resident_a")).get("/me/").content.decode()
    assert "敏感" in me or "sensitive" in me.lower()
    kid = child(world)
    refused = login(world.user("staff_a")).post(
        f"/console/residents/{kid.pk}/consent/", {"purpose": "photos", "granted": "1", "method": "written"}, follow=True
    )
    assert "监护人" in refused.content.decode() and not ConsentRecord.objects.filter(resident=kid).exists()


def test_consent_through_the_api(world, login):
    a1 = world.residents["a1"]
    client = login(world.user("staff_a"))
    url = f"/api/v1/residents/{a1.pk}/consents"
    created = client.post(url, {"purpose": "wish", "granted": True, "method": "oral"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["granted"] is True
    assert [c["purpose"] for c in client.get(url).json()] == ["wish"]
    other = client.post(
        f"/api/v1/residents/{world.residents['b1'].pk}/consents",
        {"purpose": "wish", "granted": True, "method": "oral"},
        content_type="application/json",
    )
    assert other.status_code == 404
    mine = login(world.user("resident_a")).get("/api/v1/residents/me/consents").json()
    assert {c["purpose"]: c["granted"] for c in mine}["wish"] is True


# --- Anonymisation -------------------------------------------------------------------------------


def _raw_history(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, unit, room, note FROM residents_historicalresident WHERE id = %s", [pk])
        return repr(cursor.fetchall())


def assert_anonymised(resident: Resident, *, old_name: str, old_phone: str, old_id: str) -> None:
    r = Resident.objects.get(pk=resident.pk)  # the same row, the same id
    assert r.name == ANONYMOUS_NAME and r.anonymised_at is not None
    assert r.phone == "" and r.id_number != old_id and r.sensitive_tags == "" and not r.tags.exists()
    assert r.unit == r.room == "" and r.building_id is None and r.birth_date.month == r.birth_date.day == 1
    assert old_name not in _raw_history(r.pk)
    for h in r.history.all():
        assert (h.name, h.phone, h.id_number) == (ANONYMOUS_NAME, "", r.id_number)
    assert not Resident.objects.filter(name=old_name).exists()


def test_carrying_out_a_deletion_request_anonymises_and_keeps_the_row(world, login):
    a1 = world.residents["a1"]
    resident_update(
        actor=None, resident=a1, tags=list(VulnerableTag.objects.filter(code__in=["dibao", "elderly_alone"]))
    )
    resident_reveal(actor=Scope(world.user("staff_a")), resident=a1, field=RevealField.PHONE, reason="回访")
    old = {"old_name": a1.name, "old_phone": a1.phone, "old_id": a1.id_number}
    me = login(world.user("resident_a"))
    assert me.post("/me/delete-request/", {"reason": "搬走了"}).status_code == 302
    request = DeletionRequest.objects.get(resident=a1)
    assert request.status == DeletionStatus.OPEN
    again = me.post("/me/delete-request/", {"reason": "再问"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already asked" in again.content.decode() and DeletionRequest.objects.filter(resident=a1).count() == 1

    staff = login(world.user("staff_a"))
    listing = staff.get("/console/residents/deletion-requests/").content.decode()
    assert "搬走了" in listing and a1.name in listing
    response = staff.post(f"/console/residents/deletion-requests/{request.pk}/decide/", {"action": "carry_out"})
    assert response.status_code == 302
    assert_anonymised(a1, **old)
    assert RevealLog.objects.filter(resident_id=a1.pk).exists()  # what pointed at the resident stays
    account = User.objects.get(pk=world.user("resident_a").pk)
    assert not account.is_active and account.phone is None and old["old_phone"] not in account.username
    # The account's history copied its names and number: replaced there too.
    assert {(h.username, h.display_name, h.phone, h.phone_hash) for h in account.history.all()} == {
        (account.username, ANONYMOUS_NAME, None, "")
    }
    kinds = set(Event.objects.filter(community_id=world.community_a.pk).values_list("kind", flat=True))
    assert {Kind.DELETION_REQUESTED, Kind.DELETION_CARRIED_OUT, Kind.ANONYMISED} <= kinds
    assert not Event.objects.filter(summary__contains=old["old_name"]).exists()
    request.refresh_from_db()
    assert request.status == DeletionStatus.DONE and request.decided_by == world.user("staff_a")
    with pytest.raises(Conflict):
        deletion_request_carry_out(actor=Scope(world.user("staff_a")), request=request)


def test_a_refusal_needs_a_reason_and_the_resident_sees_it(world, login):
    a1 = world.residents["a1"]
    request = deletion_request_create(user=world.user("resident_a"))
    staff = Scope(world.user("staff_a"))
    with pytest.raises(ValidationFailed):
        deletion_request_refuse(actor=staff, request=request, reason="")
    deletion_request_refuse(actor=staff, request=request, reason="领取高龄补贴的记录依法须保存五年")
    assert Resident.objects.get(pk=a1.pk).name == a1.name  # nothing anonymised
    me = login(world.user("resident_a"))
    page = me.get("/me/").content.decode()
    assert "领取高龄补贴的记录依法须保存五年" in page
    assert Event.objects.filter(kind=Kind.DELETION_REFUSED, community_id=world.community_a.pk).exists()
    # Refused, the resident may ask again; both requests are kept.
    created = me.post("/api/v1/residents/me/deletion-requests", {"reason": "再次申请"}, content_type="application/json")
    assert created.status_code == 201
    listed = me.get("/api/v1/residents/me/deletion-requests").json()
    assert [d["status"] for d in listed] == ["open", "refused"]


def test_deletion_requests_through_the_api_and_other_communities_get_404(world, login):
    b_request = deletion_request_create(user=world.user("resident_b"))
    a_request = deletion_request_create(user=world.user("resident_a"))
    client = login(world.user("staff_a"))
    listed = client.get("/api/v1/residents/deletion-requests", {"community_id": world.community_a.pk}).json()
    assert [d["id"] for d in listed["items"]] == [a_request.pk]
    url = "/api/v1/residents/deletion-requests/{}/decide"
    body = {"action": "refuse", "note": "补贴记录须保存"}
    assert client.post(url.format(b_request.pk), body, content_type="application/json").status_code == 404
    assert (
        login(world.user("grid_a1")).post(url.format(a_request.pk), body, content_type="application/json").status_code
        == 200
    )
    assert DeletionRequest.objects.get(pk=a_request.pk).status == DeletionStatus.REFUSED
    assert DeletionRequest.objects.get(pk=b_request.pk).status == DeletionStatus.OPEN


# --- Moving out and retention ------------------------------------------------------------------


def test_moved_out_residents_are_anonymised_when_the_retention_period_ends(world):
    a1, a2 = world.residents["a1"], world.residents["a2"]
    old = {"old_name": a1.name, "old_phone": a1.phone, "old_id": a1.id_number}
    today = timezone.localdate()
    resident_move_out(actor=Scope(world.user("staff_a")), resident=a1, left_on=today - dt.timedelta(days=10))
    with override_settings(LINLI_RETENTION_DAYS={**_days(), "moved_out": 30}):
        assert anonymise_expired(today=today)["residents"] == 0  # not yet
        assert anonymise_expired(today=today + dt.timedelta(days=20))["residents"] == 1
        assert anonymise_expired(today=today + dt.timedelta(days=20))["residents"] == 0  # idempotent
    assert_anonymised(a1, **old)
    assert Resident.objects.get(pk=a2.pk).name == a2.name  # still living here
    event = Event.objects.get(kind=Kind.ANONYMISED)
    assert event.user_id is None and event.summary == "retention" and event.object_id == str(a1.pk)
    with pytest.raises(ValidationFailed):
        resident_move_out(actor=None, resident=a2, left_on=today + dt.timedelta(days=1))


def test_old_import_files_are_emptied(world):
    batch = ImportBatch.objects.create(
        community=world.community_a,
        created_by=world.user("staff_a"),
        filename="x.xlsx",
        rows=[{"row": 2, "values": {"name": "赵某"}, "errors": []}],
        total_rows=1,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    assert anonymise_expired()["import_files"] == 1
    assert ImportBatch.objects.get(pk=batch.pk).rows == []
    assert anonymise_expired()["import_files"] == 0


def test_the_command_and_the_periodic_task_apply_the_periods(world):
    from io import StringIO

    from django.core.management import call_command

    from residents.tasks import apply_retention_periods

    out = StringIO()
    call_command("anonymise_expired", stdout=out)
    assert "residents anonymised: 0" in out.getvalue()
    assert apply_retention_periods.call_local() == {"residents": 0, "snapshot_photos": 0, "import_files": 0}


def test_staff_record_moving_out_on_the_detail_page(world, login):
    a2 = world.residents["a2"]
    client = login(world.user("staff_a"))
    day = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    assert client.post(f"/console/residents/{a2.pk}/move-out/", {"left_on": day}).status_code == 302
    assert Resident.objects.get(pk=a2.pk).left_on.isoformat() == day
    assert client.post(f"/console/residents/{world.residents['b1'].pk}/move-out/", {"left_on": day}).status_code == 404


def _days() -> dict[str, int]:
    from django.conf import settings

    return dict(settings.LINLI_RETENTION_DAYS)


def test_photos_of_reports_solved_long_ago_are_removed(world, django_capture_on_commit_callbacks):
    from snapshots.models import Photo, Report, Status
    from snapshots.tests.factories import report

    old, recent = report(world), report(world)
    long_ago = timezone.now() - dt.timedelta(days=400)
    Report.objects.filter(pk=old.pk).update(status=Status.CLOSED, closed_at=long_ago)
    Report.objects.filter(pk=recent.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    name = old.photos.get().image.name
    storage = old.photos.get().image.storage
    assert storage.exists(name)
    with override_settings(LINLI_RETENTION_DAYS={**_days(), "snapshot_photos": 365}):
        with django_capture_on_commit_callbacks(execute=True):
            assert anonymise_expired()["snapshot_photos"] == 1
        assert anonymise_expired()["snapshot_photos"] == 0
    assert not Photo.objects.filter(report=old).exists() and Photo.objects.filter(report=recent).exists()
    assert Report.objects.filter(pk=old.pk).exists()  # the report, its history and counts stay
    assert not storage.exists(name)  # the file goes too, once the deletion has committed
