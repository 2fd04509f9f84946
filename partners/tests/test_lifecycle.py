"""A partner's life after approval: active on signing, suspension, reinstatement, exit; its
staff; evaluations and residents' ratings. Every step is in the log with who and when."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from orgs.models import RoleGrant
from orgs.roles import Cap, Role
from orgs.scope import Scope
from partners import selectors, services
from partners.models import AgreementStatus, Evaluation, PartnerMember, PartnerStatus, ServiceRating, StatusChange
from partners.tests.conftest import TODAY, make_partner, signed_agreement


def test_signing_the_first_agreement_makes_the_partner_active(pw):
    staff = pw.staff()
    partner = services.application_approve(actor=staff, application=pw.application_a)
    assert partner.status == PartnerStatus.APPROVED
    signed_agreement(staff, partner)
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.ACTIVE
    actions = list(StatusChange.objects.filter(partner=partner).order_by("pk").values_list("action", flat=True))
    assert actions == ["create", "create", "sign", "activate"]


def test_suspend_reinstate_exit_and_illegal_moves(pw):
    staff = pw.staff()
    x = pw.x
    with pytest.raises(ValidationFailed):
        services.partner_suspend(actor=staff, partner=x, reason="")
    services.partner_suspend(actor=staff, partner=x, reason="卫生检查未通过")
    assert x.status == PartnerStatus.SUSPENDED
    with pytest.raises(Conflict) as exc:
        services.partner_suspend(actor=staff, partner=x, reason="再次暂停")
    assert exc.value.code == "illegal_transition"
    with pytest.raises(Conflict):
        services.agreement_create(actor=staff, partner=x, starts_on=TODAY, ends_on=TODAY)
    services.partner_reinstate(actor=staff, partner=x, reason="整改完成")
    assert x.status == PartnerStatus.ACTIVE
    with pytest.raises(Conflict):
        services.partner_reinstate(actor=staff, partner=x)
    services.partner_exit(actor=staff, partner=x, reason="合伙人主动退出")
    assert x.status == PartnerStatus.EXITED
    for action in (
        lambda: services.partner_exit(actor=staff, partner=x, reason="再退"),
        lambda: services.partner_reinstate(actor=staff, partner=x),
        lambda: services.partner_suspend(actor=staff, partner=x, reason="暂停"),
    ):
        with pytest.raises(Conflict):
            action()
    log = list(StatusChange.objects.filter(entity="partner", object_id=x.pk).order_by("pk"))
    assert [(e.action, e.from_status, e.to_status) for e in log if e.action in ("suspend", "reinstate", "exit")] == [
        ("suspend", "active", "suspended"),
        ("reinstate", "suspended", "active"),
        ("exit", "active", "exited"),
    ]
    assert {e.actor_id for e in log} == {staff.user.pk}
    assert [h.status for h in x.history.order_by("history_date")][-3:] == ["suspended", "active", "exited"]


def test_exit_terminates_agreements_in_force_and_cancels_drafts(pw):
    staff = pw.staff()
    draft = services.agreement_create(actor=staff, partner=pw.x, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=90))
    services.partner_exit(actor=staff, partner=pw.x, reason="经营调整")
    pw.agreement_x.refresh_from_db()
    draft.refresh_from_db()
    assert pw.agreement_x.status == AgreementStatus.TERMINATED and pw.agreement_x.termination_reason == "经营调整"
    assert draft.status == AgreementStatus.CANCELLED


def test_a_suspended_or_exited_partner_cannot_sign(pw):
    staff = pw.staff()
    draft = services.agreement_create(actor=staff, partner=pw.y, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=90))
    services.partner_suspend(actor=staff, partner=pw.y, reason="暂停")
    with pytest.raises(Conflict):
        services.agreement_sign(actor=staff, agreement=draft, community_signatory="甲", partner_signatory="乙")
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_lifecycle_changes_need_partner_management_in_the_community(pw):
    for username in ("staff_b", "partner_a", "committee_a", "auditor_a", "officer"):
        actor = Scope(pw.world.user(username))
        with pytest.raises(NotFound):
            services.partner_suspend(actor=actor, partner=pw.x, reason="越权")
        with pytest.raises(NotFound):
            services.partner_exit(actor=actor, partner=pw.x, reason="越权")
    pw.x.refresh_from_db()
    assert pw.x.status == PartnerStatus.ACTIVE


def test_partner_create_checks_identity_and_duplicates(world):
    staff = Scope(world.user("staff_a"))
    with pytest.raises(ValidationFailed):
        services.partner_create(
            actor=staff,
            community=world.community_a,
            kind="training",
            party_type="organisation",
            name="无码机构",
            services="培训",
        )
    make_partner(staff, world.community_a, name="绿美合伙人", seed=60, kind="greening")
    with pytest.raises(Conflict):
        make_partner(staff, world.community_a, name="绿美合伙人", seed=61)
    with pytest.raises(Conflict):
        make_partner(staff, world.community_a, name="另一个名字", seed=60)
    # The same organisation may partner with another community.
    make_partner(Scope(world.user("staff_b")), world.community_b, name="绿美合伙人", seed=60)


# --- Partner staff ------------------------------------------------------------------------------


def test_adding_a_member_grants_the_partner_staff_role_and_removing_the_last_revokes_it(pw):
    from accounts.services import user_create

    staff = pw.staff()
    user = user_create(username="cook", password="linli-test-2026", display_name="厨师", phone="13600009999")
    member = services.partner_member_add(actor=staff, partner=pw.x, login="13600009999")
    assert member.user == user and member.role == "staff"
    scope = Scope(user)
    assert scope.has(Cap.PARTNER_PORTAL, pw.world.community_a.pk)
    assert selectors.partner_ids_for_user(scope) == {pw.x.pk}
    with pytest.raises(Conflict):
        services.partner_member_add(actor=staff, partner=pw.x, login="cook")
    services.partner_member_add(actor=staff, partner=pw.y, login="cook")
    services.partner_member_remove(actor=staff, member=member)
    assert Scope(user).has(Cap.PARTNER_PORTAL, pw.world.community_a.pk), "still works for Y"
    assert selectors.partner_ids_for_user(Scope(user)) == {pw.y.pk}
    services.partner_member_remove(actor=staff, member=PartnerMember.objects.get(user=user))
    assert not Scope(user).has(Cap.PARTNER_PORTAL, pw.world.community_a.pk)
    assert not RoleGrant.objects.filter(user=user, role=Role.PARTNER_STAFF, revoked_at__isnull=True).exists()
    assert list(StatusChange.objects.filter(partner=pw.x, action__startswith="member").values_list("action", flat=True))


def test_member_add_refuses_unknown_accounts_and_administrators(pw):
    with pytest.raises(ValidationFailed) as exc:
        services.partner_member_add(actor=pw.staff(), partner=pw.x, login="nobody-here")
    assert exc.value.code == "unknown_user"
    with pytest.raises(Forbidden):
        services.partner_member_add(actor=pw.staff(), partner=pw.x, login="admin")
    with pytest.raises(NotFound):
        services.partner_member_add(actor=Scope(pw.world.user("partner_a")), partner=pw.x, login="nobody")


def test_a_revoked_partner_staff_grant_closes_the_portal(pw):
    user = pw.world.user("partner_a")
    assert selectors.partner_ids_for_user(Scope(user)) == {pw.x.pk}
    RoleGrant.objects.filter(user=user, role=Role.PARTNER_STAFF).update(revoked_at=timezone.now())
    assert selectors.partner_ids_for_user(Scope(user)) == frozenset()


# --- Evaluation and ratings ------------------------------------------------------------------


def test_residents_of_the_community_rate_once_a_month(pw):
    resident_a, resident_b = pw.world.user("resident_a"), pw.world.user("resident_b")
    services.rating_submit(user=resident_a, partner=pw.x, score=4, comment="面条好吃")
    services.rating_submit(user=resident_a, partner=pw.x, score=5)
    assert ServiceRating.objects.filter(partner=pw.x).count() == 1
    assert ServiceRating.objects.get(partner=pw.x).score == 5
    services.rating_submit(user=resident_a, partner=pw.x, score=3, today=TODAY.replace(day=1) - dt.timedelta(days=1))
    summary = selectors.rating_summary(partner=pw.x)
    assert (summary.count, summary.average) == (2, 4.0)
    with pytest.raises(Forbidden):
        services.rating_submit(user=resident_b, partner=pw.x, score=1)
    with pytest.raises(Forbidden):
        services.rating_submit(user=pw.world.user("staff_a"), partner=pw.x, score=5)
    for score in (0, 6, "5"):
        with pytest.raises(ValidationFailed):
            services.rating_submit(user=resident_a, partner=pw.x, score=score)


def test_an_evaluation_keeps_the_staff_score_beside_the_residents_ratings_of_the_period(pw):
    services.rating_submit(user=pw.world.user("resident_a"), partner=pw.x, score=4)
    evaluation = services.evaluation_create(
        actor=pw.staff(),
        partner=pw.x,
        period_start=TODAY - dt.timedelta(days=30),
        period_end=TODAY,
        staff_score=5,
        recommendation="renew",
        comment="老人满意",
    )
    assert (evaluation.staff_score, evaluation.resident_score, evaluation.resident_ratings) == (5, 4.0, 1)
    assert evaluation.agreement == pw.agreement_x and evaluation.evaluated_by == pw.world.user("staff_a")
    # A later rating does not change what the evaluation recorded.
    services.rating_submit(user=pw.world.user("resident_a"), partner=pw.x, score=1)
    evaluation.refresh_from_db()
    assert evaluation.resident_score == 4.0
    assert StatusChange.objects.filter(partner=pw.x, action="evaluate").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"staff_score": 0},
        {"staff_score": 6},
        {"recommendation": "promote"},
        {"period_start": TODAY, "period_end": TODAY - dt.timedelta(days=1)},
        {"period_end": TODAY + dt.timedelta(days=1)},
    ],
)
def test_bad_evaluations_are_refused(pw, changes):
    fields = {
        "period_start": TODAY - dt.timedelta(days=30),
        "period_end": TODAY,
        "staff_score": 3,
        "recommendation": "continue",
        **changes,
    }
    with pytest.raises(ValidationFailed):
        services.evaluation_create(actor=pw.staff(), partner=pw.x, **fields)
    assert not Evaluation.objects.exists()


def test_partners_not_yet_active_are_not_evaluated(pw):
    partner = services.application_approve(actor=pw.staff(), application=pw.application_a)
    with pytest.raises(Conflict):
        services.evaluation_create(
            actor=pw.staff(),
            partner=partner,
            period_start=TODAY,
            period_end=TODAY,
            staff_score=3,
            recommendation="continue",
        )
