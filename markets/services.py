"""Every write of the markets app: merchants, markets, stalls, check-in, takings, donations, visits.

Functions are keyword-only, one transaction each; ``actor`` is the ``Scope`` of who asks (None
means a trusted caller: the demo loader, a management command). Money goes to the community
development fund through the shared chart (ledger/chart.py), one ledger transaction per event,
with an idempotency key derived from the business object, so a retried request never pays twice.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger.chart import FundSource, fund_cash, fund_goods, fund_income, fund_receivable
from ledger.services import book_for_community, transaction_post
from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from markets.models import (
    BASIS_POINTS,
    ApplicationStatus,
    Donation,
    Market,
    MarketStatus,
    Merchant,
    MerchantKind,
    MerchantMember,
    MerchantStatus,
    ServiceKind,
    Stall,
    StallApplication,
    StallKind,
    VisitCount,
)
from orgs.models import NodeKind, OrgNode
from orgs.roles import Cap, Role
from orgs.scope import Scope

# --- Checks ------------------------------------------------------------------------------------


def _user(actor: Scope | None):
    return actor.user if actor is not None else None


def _need(actor: Scope | None, cap: str, community_id: int) -> None:
    """Staff capability in the community; outside it the object does not exist for them."""
    if actor is not None and not actor.has(cap, community_id):
        raise NotFound()


def _acts_for(actor: Scope | None, merchant: Merchant) -> bool:
    """Staff who manage markets here, or a login of this very merchant (portal)."""
    from markets.selectors import merchant_ids_for_user

    if actor is None or actor.has(Cap.MARKET_MANAGE, merchant.community_id):
        return True
    return merchant.pk in merchant_ids_for_user(actor)


def _need_merchant_or_staff(actor: Scope | None, merchant: Merchant) -> None:
    if not _acts_for(actor, merchant):
        raise NotFound()


def _text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("%(field)s is required.") % {"field": field})
    if len(value) > max_length:
        raise ValidationFailed(_("%(field)s is too long (%(n)s characters at most).") % {"field": field, "n": max_length})
    return value


def _money(value: int, *, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationFailed(_("%(field)s is an amount of 0 or more.") % {"field": field}, code="bad_amount")
    return value


def _community(node: OrgNode) -> OrgNode:
    if node is None or node.kind != NodeKind.COMMUNITY:
        raise ValidationFailed(_("Choose a community."), code="not_a_community")
    return node


def share_of(takings_fen: int, share_bp: int) -> int:
    """The fund's share of ``takings_fen`` at ``share_bp`` basis points, rounded half up to a fen."""
    return (takings_fen * share_bp + BASIS_POINTS // 2) // BASIS_POINTS


# --- Merchants ---------------------------------------------------------------------------------


def _merchant_fields(*, name: str, kind: str, business: str, contact_name: str, contact_phone: str) -> dict:
    if kind not in MerchantKind.values:
        raise ValidationFailed(_("Unknown kind of merchant."), code="bad_kind")
    phone = (contact_phone or "").strip().replace(" ", "")
    if phone and (not phone.isdigit() or not 7 <= len(phone) <= 12):
        raise ValidationFailed(_("The contact phone is a number of 7 to 12 digits."), code="bad_phone")
    return {
        "name": _text(name, field=_("The business name"), max_length=100),
        "kind": kind,
        "business": _text(business, field=_("What they sell or do"), max_length=200, required=False),
        "contact_name": _text(contact_name, field=_("The contact person"), max_length=50, required=False),
        "contact_phone": phone,
    }


def _insert_merchant(**fields) -> Merchant:
    if Merchant.objects.filter(community=fields["community"], name=fields["name"]).exists():
        raise Conflict(_("A merchant called “%(name)s” is already registered here.") % {"name": fields["name"]})
    try:
        with transaction.atomic():
            return Merchant.objects.create(**fields)
    except IntegrityError:
        raise Conflict(
            _("A merchant called “%(name)s” is already registered here.") % {"name": fields["name"]}
        ) from None


@transaction.atomic
def merchant_apply(
    *, user, community: OrgNode, name: str, kind: str, business: str = "", contact_name: str = "", contact_phone: str = ""
) -> Merchant:
    """A logged-in person registers their business; it waits for staff approval."""
    if user is None or not user.is_authenticated:
        raise Forbidden()
    community = _community(community)
    fields = _merchant_fields(
        name=name, kind=kind, business=business, contact_name=contact_name, contact_phone=contact_phone
    )
    merchant = _insert_merchant(community=community, status=MerchantStatus.PENDING, applied_by=user, **fields)
    MerchantMember.objects.create(merchant=merchant, community=community, user=user)
    return merchant


@transaction.atomic
def merchant_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    name: str,
    kind: str,
    business: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    partner=None,
) -> Merchant:
    """Staff register a merchant they already work with: active at once."""
    community = _community(community)
    _need_any_manage(actor, community)
    fields = _merchant_fields(
        name=name, kind=kind, business=business, contact_name=contact_name, contact_phone=contact_phone
    )
    if partner is not None and partner.community_id != community.pk:
        raise ValidationFailed(_("The partner belongs to another community."), code="cross_community")
    return _insert_merchant(
        community=community,
        status=MerchantStatus.ACTIVE,
        partner=partner,
        reviewed_by=_user(actor),
        reviewed_at=timezone.now(),
        **fields,
    )


def _need_any_manage(actor: Scope | None, community: OrgNode) -> None:
    """Merchants serve both markets and jobs: either manager may register or approve them."""
    if actor is not None and not (
        actor.has(Cap.MARKET_MANAGE, community.pk) or actor.has(Cap.JOB_MANAGE, community.pk)
    ):
        raise NotFound()


def _grant_portal(merchant: Merchant, user) -> None:
    # Community staff manage merchants but do not hold ORG_MANAGE (which role_grant asks of an
    # actor): the check is ours (MARKET_MANAGE / JOB_MANAGE above), so we grant as a trusted caller.
    from orgs.services import role_grant

    role_grant(user=user, node=merchant.community, role=Role.MERCHANT, title=merchant.name[:50], actor=None)


@transaction.atomic
def merchant_review(*, actor: Scope | None, merchant: Merchant, approve: bool, note: str = "") -> Merchant:
    """Approve (grants the merchant role to its logins) or reject a merchant's registration."""
    _need_any_manage(actor, merchant.community)
    new = MerchantStatus.ACTIVE if approve else MerchantStatus.REJECTED
    moved = Merchant.objects.filter(pk=merchant.pk, status=MerchantStatus.PENDING).update(
        status=new, review_note=(note or "")[:200], reviewed_by=_user(actor), reviewed_at=timezone.now()
    )
    if moved != 1:
        raise Conflict(_("This registration has already been decided."), code="already_decided")
    merchant.refresh_from_db()
    if approve:
        for member in merchant.members.select_related("user"):
            _grant_portal(merchant, member.user)
    return merchant


@transaction.atomic
def merchant_member_add(*, actor: Scope | None, merchant: Merchant, user) -> MerchantMember:
    _need_any_manage(actor, merchant.community)
    member, _created = MerchantMember.objects.get_or_create(
        merchant=merchant, user=user, defaults={"community_id": merchant.community_id}
    )
    if merchant.status == MerchantStatus.ACTIVE:
        _grant_portal(merchant, user)
    return member


# --- Markets and their layout -------------------------------------------------------------------


@transaction.atomic
def market_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    title: str,
    held_on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    room=None,
    place: str = "",
    note: str = "",
    selling_stalls: int = 0,
    service_stalls: int = 0,
    fee_fen: int = 0,
    share_bp: int = 0,
) -> Market:
    """Schedule a market with a layout: selling stalls numbered first, then free service stalls."""
    community = _community(community)
    _need(actor, Cap.MARKET_MANAGE, community.pk)
    title = _text(title, field=_("The title"), max_length=100)
    place = _text(place, field=_("The place"), max_length=100, required=False)
    if room is not None and room.community_id != community.pk:
        raise ValidationFailed(_("The room belongs to another community."), code="cross_community")
    if room is None and not place:
        raise ValidationFailed(_("Say where the market is: a room or an outdoor place."), code="no_place")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The market ends after it starts."), code="bad_times")
    if actor is not None and held_on < timezone.localdate():
        raise ValidationFailed(_("A market is scheduled for today or later."), code="past_date")
    for n in (selling_stalls, service_stalls):
        if not isinstance(n, int) or not 0 <= n <= 500:
            raise ValidationFailed(_("A market has from 0 to 500 stalls of each kind."), code="bad_layout")
    market = Market.objects.create(
        community=community,
        title=title,
        held_on=held_on,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        place=place,
        note=_text(note, field=_("The note"), max_length=300, required=False),
        created_by=_user(actor),
    )
    fee_fen, share_bp = _terms(StallKind.SELLING, fee_fen, share_bp)
    Stall.objects.bulk_create(
        [
            Stall(market=market, community=community, number=i + 1, kind=StallKind.SELLING, fee_fen=fee_fen, share_bp=share_bp)
            for i in range(selling_stalls)
        ]
        + [
            Stall(market=market, community=community, number=selling_stalls + i + 1, kind=StallKind.SERVICE)
            for i in range(service_stalls)
        ]
    )
    return market


def _terms(kind: str, fee_fen: int, share_bp: int) -> tuple[int, int]:
    if kind not in StallKind.values:
        raise ValidationFailed(_("Unknown kind of stall."), code="bad_kind")
    fee_fen = _money(fee_fen, field=_("The fee"))
    if not isinstance(share_bp, int) or not 0 <= share_bp <= BASIS_POINTS:
        raise ValidationFailed(_("A share is a percentage from 0 to 100."), code="bad_share")
    if kind == StallKind.SERVICE and (fee_fen or share_bp):
        raise ValidationFailed(_("A free service stall pays no fee and no share."), code="service_is_free")
    return fee_fen, share_bp


def _need_planned(market: Market) -> None:
    if market.status != MarketStatus.PLANNED:
        raise Conflict(_("This market is %(status)s.") % {"status": market.get_status_display()}, code="market_closed")


@transaction.atomic
def stall_add(
    *, actor: Scope | None, market: Market, number: int, kind: str, fee_fen: int = 0, share_bp: int = 0
) -> Stall:
    _need(actor, Cap.MARKET_MANAGE, market.community_id)
    _need_planned(market)
    fee_fen, share_bp = _terms(kind, fee_fen, share_bp)
    if not isinstance(number, int) or not 1 <= number <= 9999:
        raise ValidationFailed(_("A stall number is from 1 to 9999."), code="bad_number")
    try:
        with transaction.atomic():
            return Stall.objects.create(
                market=market, community_id=market.community_id, number=number, kind=kind, fee_fen=fee_fen, share_bp=share_bp
            )
    except IntegrityError:
        raise Conflict(_("Stall %(n)s already exists.") % {"n": number}, code="stall_exists") from None


@transaction.atomic
def market_set_status(*, actor: Scope | None, market: Market, status: str) -> Market:
    """Mark a planned market held (it took place) or cancelled."""
    _need(actor, Cap.MARKET_MANAGE, market.community_id)
    if status not in (MarketStatus.HELD, MarketStatus.CANCELLED):
        raise ValidationFailed(_("A market is marked held or cancelled."), code="bad_status")
    if status == MarketStatus.HELD and market.held_on > timezone.localdate():
        raise ValidationFailed(_("A market is held on its day, not before."), code="not_yet")
    moved = Market.objects.filter(pk=market.pk, status=MarketStatus.PLANNED).update(status=status)
    if moved != 1:
        raise Conflict(_("This market is no longer planned."), code="market_closed")
    market.refresh_from_db()
    return market


# --- Stall applications and allocation ---------------------------------------------------------


@transaction.atomic
def stall_apply(
    *, actor: Scope | None, market: Market, merchant: Merchant, kind: str, offer: str, service_kind: str = ""
) -> StallApplication:
    """A merchant (or staff for them) asks for a stall at a planned market."""
    _need_merchant_or_staff(actor, merchant)
    if merchant.community_id != market.community_id:
        raise NotFound()
    _need_planned(market)
    # A trusted caller (an import of past markets, the demo) may record the stalls of a market
    # already held; people apply for markets to come.
    if actor is not None and market.held_on < timezone.localdate():
        raise Conflict(_("This market is over."), code="market_over")
    if merchant.status != MerchantStatus.ACTIVE:
        raise Conflict(_("The merchant's registration has not been approved."), code="merchant_inactive")
    if kind not in StallKind.values:
        raise ValidationFailed(_("Unknown kind of stall."), code="bad_kind")
    if kind == StallKind.SERVICE:
        if service_kind not in ServiceKind.values:
            raise ValidationFailed(_("Say which free service the stall offers."), code="bad_service")
    else:
        service_kind = ""
    offer = _text(offer, field=_("What they offer"), max_length=200)
    try:
        with transaction.atomic():
            return StallApplication.objects.create(
                market=market,
                community_id=market.community_id,
                merchant=merchant,
                kind=kind,
                service_kind=service_kind,
                offer=offer,
                checkin_code=secrets.token_hex(16),
                applied_by=_user(actor),
            )
    except IntegrityError:
        raise Conflict(_("%(name)s has already applied for this market.") % {"name": merchant.name}, code="applied") from None


@transaction.atomic
def stall_allocate(*, actor: Scope | None, application: StallApplication, stall: Stall) -> StallApplication:
    """Give ``stall`` to the applicant. A stall is never given twice: the application moves from
    applied to allocated with a conditional UPDATE, and the database's partial unique index on
    allocated stalls refuses a second holder even when two staff press the button at once."""
    _need(actor, Cap.MARKET_MANAGE, application.community_id)
    if stall.market_id != application.market_id:
        raise ValidationFailed(_("That stall is at another market."), code="wrong_market")
    market = application.market
    _need_planned(market)
    if stall.kind != application.kind:
        raise ValidationFailed(
            _("Stall %(n)s is a %(kind)s.") % {"n": stall.number, "kind": stall.get_kind_display()}, code="wrong_kind"
        )
    taken = Conflict(_("Stall %(n)s is already given to someone else.") % {"n": stall.number}, code="stall_taken")
    if StallApplication.objects.filter(stall=stall, status=ApplicationStatus.ALLOCATED).exists():
        raise taken
    try:
        with transaction.atomic():
            moved = StallApplication.objects.filter(pk=application.pk, status=ApplicationStatus.APPLIED).update(
                status=ApplicationStatus.ALLOCATED,
                stall=stall,
                fee_fen=stall.fee_fen,
                share_bp=stall.share_bp,
                decided_by=_user(actor),
            )
    except IntegrityError:
        raise taken from None
    if moved != 1:
        raise Conflict(_("This application has already been decided."), code="already_decided")
    application.refresh_from_db()
    return application


@transaction.atomic
def application_decline(*, actor: Scope | None, application: StallApplication) -> StallApplication:
    _need(actor, Cap.MARKET_MANAGE, application.community_id)
    moved = StallApplication.objects.filter(pk=application.pk, status=ApplicationStatus.APPLIED).update(
        status=ApplicationStatus.DECLINED, decided_by=_user(actor)
    )
    if moved != 1:
        raise Conflict(_("This application has already been decided."), code="already_decided")
    application.refresh_from_db()
    return application


@transaction.atomic
def application_withdraw(*, actor: Scope | None, application: StallApplication) -> StallApplication:
    """The merchant (or staff) gives the stall back before the market; it can be allocated again."""
    _need_merchant_or_staff(actor, application.merchant)
    if application.checked_in_at is not None:
        raise Conflict(_("A stall holder who has checked in cannot withdraw."), code="checked_in")
    moved = StallApplication.objects.filter(
        pk=application.pk, status__in=[ApplicationStatus.APPLIED, ApplicationStatus.ALLOCATED]
    ).update(status=ApplicationStatus.WITHDRAWN)
    if moved != 1:
        raise Conflict(_("This application is already closed."), code="closed")
    application.refresh_from_db()
    return application


# --- On the day ---------------------------------------------------------------------------------


def _need_allocated(application: StallApplication) -> None:
    if application.status != ApplicationStatus.ALLOCATED:
        raise Conflict(_("No stall has been allocated to this application."), code="not_allocated")


@transaction.atomic
def stall_checkin(
    *, actor: Scope | None, application: StallApplication, code: str, now: dt.datetime | None = None
) -> StallApplication:
    """The holder's QR pass is scanned on the market day (and only then). Checking in twice is
    harmless: the first time is kept."""
    _need_merchant_or_staff(actor, application.merchant)
    if not secrets.compare_digest(str(code or "").encode(), application.checkin_code.encode()):
        raise ValidationFailed(_("This check-in code is not valid."), code="bad_code")
    _need_allocated(application)
    market = application.market
    if market.status == MarketStatus.CANCELLED:
        raise Conflict(_("This market is cancelled."), code="market_closed")
    now = now or timezone.now()
    if timezone.localdate(now) != market.held_on:
        raise Conflict(
            _("Check-in is open on the market day only (%(day)s).") % {"day": market.held_on.isoformat()},
            code="not_market_day",
        )
    StallApplication.objects.filter(pk=application.pk, checked_in_at__isnull=True).update(checked_in_at=now)
    application.refresh_from_db()
    return application


def _market_moment(market: Market) -> dt.datetime:
    """When the market's services happened: its closing time, or now if it is still on."""
    end = timezone.make_aware(dt.datetime.combine(market.held_on, market.ends_at))
    return min(end, timezone.now())


def _need_market_started(market: Market) -> None:
    if market.held_on > timezone.localdate():
        raise Conflict(_("The market has not taken place yet."), code="not_yet")
    if market.status == MarketStatus.CANCELLED:
        raise Conflict(_("This market is cancelled."), code="market_closed")


@transaction.atomic
def takings_report(
    *, actor: Scope | None, application: StallApplication, takings_fen: int, paid: bool = False
) -> StallApplication:
    """A selling stall's takings: the agreed fee plus share is owed to the fund (or, ``paid``,
    handed over on the spot). Reported once; a mistake is corrected by staff with a reversal in
    the ledger and a new report is not possible — which keeps the books and this row in step."""
    _need_merchant_or_staff(actor, application.merchant)
    _need_allocated(application)
    if application.kind != StallKind.SELLING:
        raise ValidationFailed(_("Free service stalls have no takings to report."), code="service_stall")
    _need_market_started(application.market)
    takings_fen = _money(takings_fen, field=_("The takings"))
    if paid and actor is not None and not actor.has(Cap.MARKET_MANAGE, application.community_id):
        raise Forbidden(_("Only staff confirm that money was handed over."))
    due = application.fee_fen + share_of(takings_fen, application.share_bp)
    moved = StallApplication.objects.filter(pk=application.pk, reported_at__isnull=True).update(
        takings_fen=takings_fen, due_fen=due, paid=paid or due == 0, reported_at=timezone.now()
    )
    if moved != 1:
        raise Conflict(_("The takings of this stall have already been reported."), code="already_reported")
    application.refresh_from_db()
    if due:
        community = application.community
        market = application.market
        transaction_post(
            book=book_for_community(community=community),
            kind="market.takings_share",
            memo=f"{market.title} {market.held_on:%m-%d} {application.stall.number}号摊位 {application.merchant.name}",
            postings=[
                (fund_cash(community) if paid else fund_receivable(community), due),
                (fund_income(community, FundSource.MARKET), -due),
            ],
            occurred_at=_market_moment(market),
            source=application,
            recorded_by=_user(actor),
            idempotency_key=f"markets.share.{application.pk}",
        )
    return application


@transaction.atomic
def contribution_settle(*, actor: Scope | None, application: StallApplication) -> StallApplication:
    """Staff confirm that a holder paid what they owed the fund."""
    _need(actor, Cap.MARKET_MANAGE, application.community_id)
    if application.reported_at is None:
        raise Conflict(_("The takings have not been reported yet."), code="not_reported")
    moved = StallApplication.objects.filter(pk=application.pk, paid=False).update(paid=True)
    if moved != 1:
        raise Conflict(_("This stall has already paid."), code="already_paid")
    application.refresh_from_db()
    community = application.community
    transaction_post(
        book=book_for_community(community=community),
        kind="market.share_paid",
        memo=f"{application.market.title} {application.merchant.name} 交付分成",
        postings=[(fund_cash(community), application.due_fen), (fund_receivable(community), -application.due_fen)],
        source=application,
        recorded_by=_user(actor),
        idempotency_key=f"markets.paid.{application.pk}",
    )
    return application


@transaction.atomic
def visits_record(
    *, actor: Scope | None, application: StallApplication, person_times: int, idempotency_key: str = ""
) -> VisitCount:
    """People served at a free service stall: a service record (free tier, by a merchant or member
    unit) per count, so the community's person-times include the market's."""
    from records.models import ProviderKind, Tier
    from records.services import service_record_create

    _need_merchant_or_staff(actor, application.merchant)
    _need_allocated(application)
    if application.kind != StallKind.SERVICE:
        raise ValidationFailed(_("Person-times are counted at free service stalls."), code="selling_stall")
    _need_market_started(application.market)
    if not isinstance(person_times, int) or isinstance(person_times, bool) or not 1 <= person_times <= 5000:
        raise ValidationFailed(_("Count from 1 to 5,000 people."), code="bad_count")
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = VisitCount.objects.filter(application=application, idempotency_key=key).first()
        if existing is not None:
            return existing
    count = VisitCount.objects.create(
        application=application,
        community_id=application.community_id,
        person_times=person_times,
        recorded_by=_user(actor),
        idempotency_key=key,
    )
    market = application.market
    service_record_create(
        community=application.community,
        service=ServiceKind(application.service_kind).label if application.service_kind else application.offer,
        category=str(_("Neighbourhood market")),
        occurred_at=_market_moment(market),
        tier=Tier.FREE,
        provider_kind=ProviderKind.MERCHANT,
        provider_name=application.merchant.name,
        partner=application.merchant.partner,
        person_times=person_times,
        room=market.room,
        source=("markets.visitcount", count.pk),
        recorded_by=_user(actor),
    )
    return count


@transaction.atomic
def donation_record(
    *,
    actor: Scope | None,
    market: Market,
    donor_name: str,
    item: str,
    quantity: int,
    value_fen: int,
    merchant: Merchant | None = None,
    idempotency_key: str = "",
) -> Donation:
    """Goods donated at a market, into the fund's goods at a fair value (捐赠物资)."""
    _need(actor, Cap.MARKET_MANAGE, market.community_id)
    _need_market_started(market)
    if merchant is not None and merchant.community_id != market.community_id:
        raise ValidationFailed(_("The merchant belongs to another community."), code="cross_community")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= 100_000:
        raise ValidationFailed(_("Count from 1 to 100,000 items."), code="bad_count")
    value_fen = _money(value_fen, field=_("The fair value"))
    donor_name = _text(donor_name or (merchant.name if merchant else ""), field=_("The donor"), max_length=100)
    item = _text(item, field=_("The item"), max_length=100)
    key = (idempotency_key or "").strip()[:100]
    if key:
        existing = Donation.objects.filter(market=market, idempotency_key=key).first()
        if existing is not None:
            return existing
    donation = Donation.objects.create(
        market=market,
        community_id=market.community_id,
        merchant=merchant,
        donor_name=donor_name,
        item=item,
        quantity=quantity,
        value_fen=value_fen,
        recorded_by=_user(actor),
        idempotency_key=key,
    )
    if value_fen:
        community = market.community
        transaction_post(
            book=book_for_community(community=community),
            kind="market.donation_in_kind",
            memo=f"{market.title} {donor_name} 捐赠 {item}×{quantity}",
            postings=[(fund_goods(community), value_fen), (fund_income(community, FundSource.IN_KIND), -value_fen)],
            occurred_at=_market_moment(market),
            source=donation,
            recorded_by=_user(actor),
            idempotency_key=f"markets.donation.{donation.pk}",
        )
    return donation
