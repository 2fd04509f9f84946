"""Cooperation agreements: terms, signing, renewal, termination; commitments and progress."""

import datetime as dt

import pytest

from linli.errors import Conflict, NotFound, ValidationFailed
from orgs.scope import Scope
from partners import selectors, services
from partners.models import Agreement, AgreementStatus, Commitment, CommitmentEntry, ShareBasis, StatusChange
from partners.revenue import format_fen, percent_to_bp, share_due, yuan_to_fen
from partners.tests.conftest import TODAY


def draft(pw, **terms) -> Agreement:
    fields = {"starts_on": TODAY, "ends_on": TODAY + dt.timedelta(days=364), **terms}
    return services.agreement_create(actor=pw.staff(), partner=pw.x, **fields)


def test_a_draft_holds_costs_and_the_revenue_share_rule_as_data(pw):
    agreement = draft(
        pw,
        monthly_rent_fen=120000,
        utilities_paid_by="partner",
        running_costs_paid_by="shared",
        service_terms="60-79岁减1元，80岁以上减2元",
        share_basis="revenue",
        share_bp=1000,
        share_recipient="charity",
        share_recipient_name="鹤山市慈善会",
        settlement_period="monthly",
    )
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.share_percent == "10" and agreement.community_id == pw.world.community_a.pk
    assert agreement.number.startswith(f"HZ-{pw.world.community_a.pk}-{TODAY:%Y}-")
    assert share_due(agreement=agreement, revenue_fen=1_000_000) == 100_000


@pytest.mark.parametrize(
    "terms, code",
    [
        ({"ends_on": TODAY - dt.timedelta(days=1)}, "bad_dates"),
        ({"ends_on": TODAY + dt.timedelta(days=3 * 365)}, "bad_dates"),
        ({"share_basis": "profit", "share_bp": 0}, "bad_share"),
        ({"share_basis": "profit", "share_bp": 10001}, "bad_share"),
        ({"share_basis": "gross", "share_bp": 100}, "bad_share"),
        ({"share_basis": "revenue", "share_bp": 1000, "share_recipient": "charity"}, "bad_share"),
        ({"settlement_period": "yearly"}, "bad_share"),
        ({"utilities_paid_by": "nobody"}, "bad_cost_bearer"),
        ({"monthly_rent_fen": -1}, "bad_amount"),
    ],
)
def test_bad_terms_are_refused(pw, terms, code):
    with pytest.raises(ValidationFailed) as exc:
        draft(pw, **terms)
    assert exc.value.code == code


def test_no_share_means_a_zero_rate_whatever_was_typed(pw):
    agreement = draft(pw, share_basis="none", share_bp=3000)
    assert agreement.share_bp == 0


def test_profit_share_semantics():
    agreement = Agreement(share_basis=ShareBasis.PROFIT, share_bp=3000)
    assert share_due(agreement=agreement, revenue_fen=50_000, cost_fen=20_000) == 9_000  # 30% of ¥300
    assert share_due(agreement=agreement, revenue_fen=10_000, cost_fen=20_000) == 0  # a loss owes nothing
    assert share_due(agreement=agreement, revenue_fen=3, cost_fen=0) == 1  # 0.9 fen rounds half up to 1
    assert share_due(agreement=Agreement(share_basis=ShareBasis.NONE, share_bp=0), revenue_fen=10**9) == 0
    with pytest.raises(ValidationFailed):
        share_due(agreement=agreement, revenue_fen=-1)


def test_money_and_percentages_as_people_type_them():
    assert yuan_to_fen("1,200.50") == 120050 and yuan_to_fen("¥30") == 3000 and yuan_to_fen("") == 0
    for bad in ("-5", "1.234", "abc"):
        with pytest.raises(ValidationFailed):
            yuan_to_fen(bad)
    assert percent_to_bp("30") == 3000 and percent_to_bp("12.5%") == 1250 and percent_to_bp("0.01") == 1
    for bad in ("101", "0.001", "x"):
        with pytest.raises(ValidationFailed):
            percent_to_bp(bad)
    assert format_fen(120050) == "¥1,200.50" and format_fen(5) == "¥0.05"


def test_only_a_draft_changes_and_a_signed_text_never_does(pw):
    agreement = draft(pw)
    services.agreement_update(
        actor=pw.staff(), agreement=agreement, service_terms="八折", share_basis="profit", share_bp=2000
    )
    agreement.refresh_from_db()
    assert (agreement.service_terms, agreement.share_bp) == ("八折", 2000)
    assert agreement.history.first().history_change_reason == "edit"
    with pytest.raises(Conflict):
        services.agreement_update(actor=pw.staff(), agreement=pw.agreement_x, service_terms="改价")
    with pytest.raises(Conflict):
        services.commitment_add(actor=pw.staff(), agreement=pw.agreement_x, title="加码", metric="次", target=1)
    with pytest.raises(Conflict):
        services.commitment_remove(actor=pw.staff(), commitment=pw.commitment_x)


def test_sign_records_signatories_and_refuses_a_second_signing(pw):
    agreement = draft(pw)
    with pytest.raises(ValidationFailed):
        services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="", partner_signatory="乙")
    services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="邵常婷", partner_signatory="张")
    assert agreement.status == AgreementStatus.SIGNED and agreement.signed_at and agreement.in_force
    assert (agreement.community_signatory, agreement.signed_by) == ("邵常婷", pw.world.user("staff_a"))
    with pytest.raises(Conflict) as exc:
        services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="甲", partner_signatory="乙")
    assert exc.value.code == "illegal_transition"


def test_an_agreement_whose_term_is_over_cannot_be_signed(pw):
    agreement = draft(pw, starts_on=TODAY - dt.timedelta(days=60), ends_on=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="甲", partner_signatory="乙")


def test_cancel_and_terminate(pw):
    agreement = draft(pw)
    services.agreement_cancel(actor=pw.staff(), agreement=agreement, reason="条款重拟")
    with pytest.raises(Conflict):
        services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="甲", partner_signatory="乙")
    with pytest.raises(ValidationFailed):
        services.agreement_terminate(actor=pw.staff(), agreement=pw.agreement_x, reason="")
    services.agreement_terminate(actor=pw.staff(), agreement=pw.agreement_x, reason="场地改造")
    assert pw.agreement_x.status == AgreementStatus.TERMINATED and pw.agreement_x.terminated_at
    with pytest.raises(Conflict):
        services.agreement_terminate(actor=pw.staff(), agreement=pw.agreement_x, reason="再次终止")
    with pytest.raises(Conflict):
        services.agreement_cancel(actor=pw.staff(), agreement=pw.agreement_x)
    actions = StatusChange.objects.filter(entity="agreement", object_id=pw.agreement_x.pk).values_list(
        "action", flat=True
    )
    assert set(actions) == {"create", "sign", "terminate"}


def test_renewal_copies_terms_and_commitments_from_the_day_after(pw):
    new_end = pw.agreement_y.ends_on + dt.timedelta(days=365)
    renewal = services.agreement_renew(actor=pw.staff(), agreement=pw.agreement_y, ends_on=new_end)
    assert renewal.status == AgreementStatus.DRAFT and renewal.renews == pw.agreement_y
    assert renewal.starts_on == pw.agreement_y.ends_on + dt.timedelta(days=1) and renewal.ends_on == new_end
    assert (renewal.share_basis, renewal.share_bp) == ("profit", 3000)
    assert [c.title for c in renewal.commitments.all()] == [c.title for c in pw.agreement_y.commitments.all()]
    with pytest.raises(Conflict) as exc:
        services.agreement_renew(actor=pw.staff(), agreement=pw.agreement_y, ends_on=new_end)
    assert exc.value.code == "already_renewed"
    with pytest.raises(Conflict):
        services.agreement_renew(actor=pw.staff(), agreement=renewal, ends_on=new_end)
    services.agreement_sign(actor=pw.staff(), agreement=renewal, community_signatory="甲", partner_signatory="乙")
    assert StatusChange.objects.filter(entity="agreement", object_id=renewal.pk, action="renew").exists()


def test_agreement_services_stay_in_the_community(pw):
    for username in ("staff_b", "partner_a", "committee_a"):
        actor = Scope(pw.world.user(username))
        with pytest.raises(NotFound):
            services.agreement_create(actor=actor, partner=pw.x, starts_on=TODAY, ends_on=TODAY)
        with pytest.raises(NotFound):
            services.agreement_terminate(actor=actor, agreement=pw.agreement_x, reason="越权")
        with pytest.raises(NotFound):
            services.agreement_renew(actor=actor, agreement=pw.agreement_x, ends_on=TODAY)


# --- Commitments and progress --------------------------------------------------------------


def test_commitments_are_added_to_drafts_with_a_positive_target(pw):
    agreement = draft(pw)
    c = services.commitment_add(
        actor=pw.staff(),
        agreement=agreement,
        title="每年10场公益活动",
        metric="公益活动",
        unit="场",
        target=10,
        period="year",
    )
    assert (c.partner_id, c.community_id, c.sort_order) == (pw.x.pk, pw.world.community_a.pk, 0)
    for bad in ({"target": 0}, {"period": "decade"}, {"title": ""}):
        with pytest.raises(ValidationFailed):
            services.commitment_add(
                actor=pw.staff(), agreement=agreement, **{"title": "t", "metric": "m", "target": 1, **bad}
            )
    services.commitment_remove(actor=pw.staff(), commitment=c)
    assert not Commitment.objects.filter(pk=c.pk).exists()


def test_staff_and_the_partners_own_staff_record_progress_others_cannot(pw):
    staff_entry = services.commitment_entry_record(
        actor=pw.staff(), commitment=pw.commitment_x, occurred_on=TODAY, quantity=3, note="送餐3户"
    )
    assert (staff_entry.recorded_as, staff_entry.recorded_by) == ("staff", pw.world.user("staff_a"))
    own = services.commitment_entry_record(
        actor=Scope(pw.world.user("partner_a")), commitment=pw.commitment_x, occurred_on=TODAY, quantity=2
    )
    assert own.recorded_as == "partner"
    for username in ("partner_y", "partner_z", "staff_b", "committee_a", "resident_a"):
        with pytest.raises(NotFound):
            services.commitment_entry_record(
                actor=Scope(pw.world.user(username)), commitment=pw.commitment_x, occurred_on=TODAY, quantity=1
            )
    assert selectors.commitment_progress(pw.commitment_x).done == 5


@pytest.mark.parametrize(
    "occurred_on, quantity, code",
    [
        (TODAY + dt.timedelta(days=1), 1, "bad_dates"),
        (TODAY - dt.timedelta(days=31), 1, "bad_dates"),  # before the term (it started 30 days ago)
        (TODAY, 0, "bad_quantity"),
    ],
)
def test_bad_progress_is_refused(pw, occurred_on, quantity, code):
    with pytest.raises(ValidationFailed) as exc:
        services.commitment_entry_record(
            actor=pw.staff(), commitment=pw.commitment_x, occurred_on=occurred_on, quantity=quantity
        )
    assert exc.value.code == code


def test_progress_is_not_recorded_on_a_draft(pw):
    agreement = draft(pw)
    c = services.commitment_add(actor=pw.staff(), agreement=agreement, title="t", metric="m", target=1)
    with pytest.raises(Conflict):
        services.commitment_entry_record(actor=pw.staff(), commitment=c, occurred_on=TODAY, quantity=1)


def test_a_service_records_app_feeds_progress_idempotently(pw):
    """The later service-records app calls the service with actor None and its own record as the
    source; feeding the same record twice counts it once."""
    first = services.commitment_entry_record(
        actor=None,
        commitment=pw.commitment_y,
        occurred_on=TODAY,
        quantity=1,
        source_type="orders.servicerecord",
        source_id=77,
    )
    again = services.commitment_entry_record(
        actor=None,
        commitment=pw.commitment_y,
        occurred_on=TODAY,
        quantity=1,
        source_type="orders.servicerecord",
        source_id=77,
    )
    assert first.pk == again.pk and first.recorded_as == "system"
    assert CommitmentEntry.objects.filter(commitment=pw.commitment_y).count() == 1
    assert selectors.commitment_progress(pw.commitment_y).done == 1


def _agreement_with(pw, period: str, target: int, starts_on: dt.date, ends_on: dt.date):
    agreement = services.agreement_create(actor=pw.staff(), partner=pw.y, starts_on=starts_on, ends_on=ends_on)
    commitment = services.commitment_add(
        actor=pw.staff(), agreement=agreement, title="t", metric="m", target=target, period=period
    )
    return agreement, commitment


def test_periods_count_from_the_agreements_start(pw):
    agreement, monthly = _agreement_with(pw, "month", 1, dt.date(2025, 3, 15), dt.date(2026, 3, 14))
    assert selectors.commitment_period(monthly, agreement, dt.date(2025, 4, 10)) == (
        dt.date(2025, 3, 15),
        dt.date(2025, 4, 14),
    )
    assert selectors.commitment_period(monthly, agreement, dt.date(2025, 4, 15)) == (
        dt.date(2025, 4, 15),
        dt.date(2025, 5, 14),
    )
    assert selectors.commitment_period(monthly, agreement, dt.date(2024, 1, 1))[0] == dt.date(2025, 3, 15)
    assert selectors.commitment_period(monthly, agreement, dt.date(2030, 1, 1)) == (
        dt.date(2026, 2, 15),
        dt.date(2026, 3, 14),
    )
    monthly.period = "quarter"
    assert selectors.commitment_period(monthly, agreement, dt.date(2025, 6, 14)) == (
        dt.date(2025, 3, 15),
        dt.date(2025, 6, 14),
    )
    monthly.period = "year"
    assert selectors.commitment_period(monthly, agreement, dt.date(2025, 12, 31)) == (
        dt.date(2025, 3, 15),
        dt.date(2026, 3, 14),
    )
    monthly.period = "term"
    assert selectors.commitment_period(monthly, agreement, dt.date(2025, 12, 31)) == (
        dt.date(2025, 3, 15),
        dt.date(2026, 3, 14),
    )
    # Month ends: a term starting on 31 January has a period starting on the last day of February.
    jan = Agreement(starts_on=dt.date(2025, 1, 31), ends_on=dt.date(2025, 12, 31))
    monthly.period = "month"
    assert selectors.commitment_period(monthly, jan, dt.date(2025, 3, 1)) == (
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 30),
    )


def test_progress_sums_the_current_period_and_the_term(pw):
    start = TODAY - dt.timedelta(days=100)
    agreement, c = _agreement_with(pw, "month", 2, start, TODAY + dt.timedelta(days=200))
    services.agreement_sign(actor=pw.staff(), agreement=agreement, community_signatory="甲", partner_signatory="乙")
    period_start, _end = selectors.commitment_period(c, agreement, TODAY)
    services.commitment_entry_record(actor=pw.staff(), commitment=c, occurred_on=start, quantity=5)
    services.commitment_entry_record(actor=pw.staff(), commitment=c, occurred_on=period_start, quantity=1)
    progress = selectors.commitment_progress(c)
    assert (progress.done, progress.term_done, progress.target, progress.met, progress.percent) == (1, 6, 2, False, 50)
    services.commitment_entry_record(actor=pw.staff(), commitment=c, occurred_on=TODAY, quantity=4)
    progress = selectors.commitment_progress(c)
    assert (progress.done, progress.met, progress.percent, progress.behind) == (5, True, 100, False)
    [batch] = selectors.commitments_progress(Commitment.objects.filter(pk=c.pk).select_related("agreement"))
    assert (batch.done, batch.term_done) == (5, 10)


def test_progress_of_many_commitments_takes_two_queries(pw, django_assert_num_queries):
    commitments = Commitment.objects.filter(community=pw.world.community_a)
    with django_assert_num_queries(2):
        rows = selectors.commitments_progress(commitments.select_related("agreement"))
    assert len(rows) == 2
