"""Recruitment calls and applications: from the public call to a partner awaiting its agreement."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from partners import services
from partners.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    CallStatus,
    PartnerStatus,
    StatusChange,
)
from partners.tests.conftest import apply, uscc

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def test_a_call_is_a_draft_until_published_then_can_close_and_reopen(world):
    staff = Scope(world.user("staff_a"))
    call = services.call_create(actor=staff, community=world.community_a, title="招募令", summary="欢迎加入")
    assert call.status == CallStatus.DRAFT and not call.is_accepting()
    services.call_publish(actor=staff, call=call)
    assert call.status == CallStatus.OPEN and call.published_at and call.is_accepting()
    services.call_close(actor=staff, call=call)
    assert call.status == CallStatus.CLOSED
    with pytest.raises(Conflict) as exc:
        services.call_close(actor=staff, call=call)
    assert exc.value.code == "illegal_transition"
    services.call_publish(actor=staff, call=call)
    steps = list(
        StatusChange.objects.filter(entity="call", object_id=call.pk).order_by("pk").values_list("action", "actor")
    )
    assert steps == [
        ("create", staff.user.pk),
        ("publish", staff.user.pk),
        ("close", staff.user.pk),
        ("publish", staff.user.pk),
    ]
    assert call.history.count() >= 4


def test_only_partner_managers_of_the_community_create_calls(world):
    for username in ("staff_b", "partner_a", "committee_a", "officer"):
        with pytest.raises(NotFound):
            services.call_create(actor=Scope(world.user(username)), community=world.community_a, title="x", summary="y")


def test_call_dates_and_kinds_are_checked(world):
    staff = Scope(world.user("staff_a"))
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.call_create(
            actor=staff,
            community=world.community_a,
            title="x",
            summary="y",
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationFailed):
        services.call_create(actor=staff, community=world.community_a, title="x", summary="y", kinds=["astrology"])
    call = services.call_create(
        actor=staff, community=world.community_a, title="x", summary="y", opens_on=today + dt.timedelta(days=3)
    )
    services.call_publish(actor=staff, call=call)
    assert not call.is_accepting(), "a published call opening later is not taking applications yet"
    with pytest.raises(Conflict):
        apply(call, name="早到的机构", seed=40, phone="13700000040")


def test_an_organisation_applies_with_its_credit_code_and_documents(pw):
    application = apply(
        pw.call_a,
        name="源艺文化培训中心",
        seed=21,
        phone="137 0000 0021",
        documents=[SimpleUploadedFile("营业执照.pdf", PDF), SimpleUploadedFile("场地.png", PNG)],
    )
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.community_id == pw.world.community_a.pk
    assert application.contact_phone == "13700000021"
    docs = list(ApplicationDocument.objects.filter(application=application).order_by("pk"))
    assert [(d.original_name, d.content_type) for d in docs] == [
        ("营业执照.pdf", "application/pdf"),
        ("场地.png", "image/png"),
    ]
    # The stored name does not carry the applicant's file name or identity.
    assert "营业执照" not in docs[0].file.name and docs[0].file.name.endswith(".pdf")
    assert StatusChange.objects.filter(entity="application", object_id=application.pk, action="submit").exists()


def test_a_person_may_apply_without_a_credit_code(pw):
    application = apply(
        pw.call_a,
        name="银姐义剪",
        seed=0,
        phone="13700000030",
        party_type="individual",
        kind="neighbour",
        credit_code="",
    )
    assert application.credit_code == ""


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"credit_code": ""}, "no_credit_code"),
        ({"credit_code": "91350100M000100Y44"}, "bad_credit_code"),
        ({"contact_phone": "12345"}, "bad_phone"),
        ({"kind": "astrology"}, "bad_kind"),
        ({"party_type": "company"}, "bad_party_type"),
        ({"name": "  "}, "required"),
        ({"licence_no": "x!"}, "bad_licence_no"),
    ],
)
def test_bad_applications_are_refused(pw, changes, code):
    with pytest.raises(ValidationFailed) as exc:
        apply(pw.call_a, **{"name": "某机构", "seed": 22, "phone": "13700000022", **changes})
    assert exc.value.code == code
    assert not Application.objects.filter(name="某机构").exists()


@pytest.mark.parametrize(
    "files, code",
    [
        ([SimpleUploadedFile("setup.exe", b"MZ\x90\x00")], "bad_document_type"),
        ([SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf")], "bad_document_type"),
        ([SimpleUploadedFile("page.png", b"<html><script>")], "bad_document_type"),
        ([SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024))], "document_too_large"),
        ([SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(6)], "too_many_documents"),
    ],
)
def test_documents_are_limited_by_type_and_size(pw, files, code):
    with pytest.raises(ValidationFailed) as exc:
        apply(pw.call_a, name="某机构", seed=23, phone="13700000023", documents=files)
    assert exc.value.code == code
    assert not ApplicationDocument.objects.filter(application__name="某机构").exists()


def test_one_application_per_organisation_or_phone_per_call(pw):
    with pytest.raises(Conflict) as exc:
        apply(pw.call_a, name="甲乙培训中心（重复）", seed=11, phone="13700000099")
    assert exc.value.code == "duplicate_application"
    with pytest.raises(Conflict):
        apply(pw.call_a, name="另一机构", seed=98, phone="13700000011")


def test_a_closed_call_takes_no_application(pw):
    services.call_close(actor=pw.staff(), call=pw.call_a)
    with pytest.raises(Conflict) as exc:
        apply(pw.call_a, name="迟到的机构", seed=24, phone="13700000024")
    assert exc.value.code == "call_not_open"


def test_approval_makes_a_partner_awaiting_its_agreement(pw):
    staff = pw.staff()
    partner = services.application_approve(actor=staff, application=pw.application_a, reason="资质齐全")
    assert partner.status == PartnerStatus.APPROVED
    assert partner.application_id == pw.application_a.pk and partner.name == "甲乙培训中心"
    assert partner.credit_code == uscc(11) and partner.contact_phone == "13700000011"
    pw.application_a.refresh_from_db()
    assert pw.application_a.status == ApplicationStatus.APPROVED
    assert pw.application_a.reviewed_by == staff.user and pw.application_a.review_reason == "资质齐全"
    log = StatusChange.objects.filter(entity="application", object_id=pw.application_a.pk, action="approve").get()
    assert (log.from_status, log.to_status, log.actor_id) == ("submitted", "approved", staff.user.pk)
    history = pw.application_a.history.order_by("history_date").last()
    assert history.status == "approved" and history.history_user_id == staff.user.pk


def test_a_rejection_needs_a_reason_and_is_final(pw):
    staff = pw.staff()
    with pytest.raises(ValidationFailed) as exc:
        services.application_reject(actor=staff, application=pw.application_a, reason=" ")
    assert exc.value.code == "no_reason"
    services.application_reject(actor=staff, application=pw.application_a, reason="不符合招募条件")
    for action in (
        lambda: services.application_approve(actor=staff, application=pw.application_a),
        lambda: services.application_reject(actor=staff, application=pw.application_a, reason="再次拒绝"),
    ):
        with pytest.raises(Conflict) as exc:
            action()
        assert exc.value.code == "illegal_transition"


def test_a_decision_on_a_stale_page_loses_to_the_first_one(pw):
    """Two reviewers open the same application; the second decision finds it already decided."""
    first = Application.objects.get(pk=pw.application_a.pk)
    second = Application.objects.get(pk=pw.application_a.pk)
    services.application_approve(actor=pw.staff(), application=first)
    with pytest.raises(Conflict) as exc:
        services.application_reject(actor=pw.staff(), application=second, reason="晚了一步")
    assert exc.value.code == "changed_meanwhile"
    second.refresh_from_db()
    assert second.status == ApplicationStatus.APPROVED


def test_approving_a_name_that_is_already_a_partner_is_refused(pw):
    application = apply(pw.call_a, name="共享自习室", seed=25, phone="13700000025")
    with pytest.raises(Conflict) as exc:
        services.application_approve(actor=pw.staff(), application=application)
    assert exc.value.code == "duplicate_partner"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, "nothing half-done"


def test_review_belongs_to_the_applications_community(pw):
    for username in ("staff_b", "partner_a", "committee_a"):
        with pytest.raises(NotFound):
            services.application_approve(actor=Scope(pw.world.user(username)), application=pw.application_a)


def test_a_full_contact_number_is_shown_to_managers_only_and_logged(pw):
    from partners.models import ContactReveal

    staff = pw.staff()
    assert services.contact_reveal(actor=staff, record=pw.application_a, reason="约谈") == "13700000011"
    log = ContactReveal.objects.get()
    assert (log.entity, log.object_id, log.actor_id) == ("application", pw.application_a.pk, staff.user.pk)
    with pytest.raises(ValidationFailed):
        services.contact_reveal(actor=staff, record=pw.x, reason="")
    for username in ("committee_a", "partner_a", "staff_b"):
        with pytest.raises(NotFound):
            services.contact_reveal(actor=Scope(pw.world.user(username)), record=pw.x, reason="想看")
