"""The markets JSON API: the same selectors and services as the pages, thin.

Staff need ``market.view`` / ``market.manage`` in the market's community; a merchant's own logins
reach their own applications (apply, withdraw, check in, report takings, count visitors) and the
markets of their community through the same operations; residents read the coming markets of
their own community at ``/mine``. Money is integer fen.
"""

# No ``from __future__ import annotations``: django-ninja reads the real annotations.
import datetime as dt

from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from accounts.selectors import user_for_login_name
from linli.errors import NotFound
from markets import selectors, services
from orgs.roles import Cap
from orgs.selectors import community_get_for_user

router = Router(tags=["markets"])


def _key(request) -> str:
    return request.headers.get("Idempotency-Key", "")


# --- Schemas ------------------------------------------------------------------------------------


class MerchantOut(Schema):
    id: int
    community_id: int
    name: str
    kind: str
    business: str
    contact_name: str
    contact_phone_masked: str
    partner_id: int | None
    status: str
    review_note: str


class MerchantIn(Schema):
    community_id: int
    name: str
    kind: str = "shop"
    business: str = ""
    contact_name: str = ""
    contact_phone: str = ""


class ReviewIn(Schema):
    approve: bool
    note: str = ""


class MarketMemberIn(Schema):
    login: str


class MarketMemberOut(Schema):
    id: int
    merchant_id: int
    user_id: int


class StallOut(Schema):
    id: int
    number: int
    kind: str
    fee_fen: int
    share_bp: int
    holder_application_id: int | None = None
    holder: str = ""


class MarketOut(Schema):
    id: int
    community_id: int
    title: str
    held_on: dt.date
    starts_at: dt.time
    ends_at: dt.time
    room_id: int | None
    place: str
    where: str
    note: str
    status: str


class MarketIn(Schema):
    community_id: int
    title: str
    held_on: dt.date
    starts_at: dt.time
    ends_at: dt.time
    room_id: int | None = None
    place: str = ""
    note: str = ""
    selling_stalls: int = 0
    service_stalls: int = 0
    fee_fen: int = 0
    share_bp: int = 0


class SummaryOut(Schema):
    markets: int
    businesses: int
    distinct_businesses: int
    service_stalls: int
    person_times: int
    to_fund_fen: int
    paid_fen: int
    items_donated: int
    donated_value_fen: int


class MarketDetailOut(Schema):
    market: MarketOut
    stalls: list[StallOut]
    summary: SummaryOut


class MarketStatusIn(Schema):
    status: str


class StallIn(Schema):
    number: int
    kind: str
    fee_fen: int = 0
    share_bp: int = 0


class MarketApplicationOut(Schema):
    id: int
    market_id: int
    merchant_id: int
    merchant: str
    kind: str
    service_kind: str
    offer: str
    status: str
    stall_number: int | None
    fee_fen: int
    share_bp: int
    checked_in_at: dt.datetime | None
    takings_fen: int | None
    due_fen: int
    paid: bool

    @staticmethod
    def resolve_merchant(obj) -> str:
        return obj.merchant.name

    @staticmethod
    def resolve_stall_number(obj) -> int | None:
        return obj.stall.number if obj.stall_id else None


class ApplyIn(Schema):
    merchant_id: int
    kind: str
    offer: str
    service_kind: str = ""


class AllocateIn(Schema):
    stall_number: int


class CheckinIn(Schema):
    code: str


class TakingsIn(Schema):
    takings_fen: int
    paid: bool = False


class VisitsIn(Schema):
    person_times: int


class VisitOut(Schema):
    id: int
    application_id: int
    person_times: int


class MarketDonationIn(Schema):
    donor_name: str = ""
    item: str
    quantity: int
    value_fen: int = 0
    merchant_id: int | None = None


class MarketDonationOut(Schema):
    id: int
    market_id: int
    donor_name: str
    item: str
    quantity: int
    value_fen: int


class MarketCommunityFilter(Schema):
    community_id: int
    year: int | None = None


class MerchantFilter(Schema):
    community_id: int
    status: str = ""
    q: str = ""


class MarketPortalOut(Schema):
    merchants: list[MerchantOut]
    applications: list[MarketApplicationOut]
    markets: list[MarketOut]


class ServiceStallOut(Schema):
    stall_number: int
    merchant: str
    service_kind: str
    offer: str


class ResidentMarketOut(Schema):
    market: MarketOut
    services: list[ServiceStallOut]


# --- Merchants ------------------------------------------------------------------------------------


@router.get("/merchants", response=list[MerchantOut], summary="Merchants and member units of a community")
@paginate(LimitOffsetPagination)
def merchant_list(request, filters: Query[MerchantFilter]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id)
    return selectors.merchant_list_for_user(
        scope=request.scope, community=community, status=filters.status, query=filters.q
    )


@router.post("/merchants", response={201: MerchantOut}, summary="Register a merchant (staff)")
def merchant_create(request, payload: MerchantIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id)
    merchant = services.merchant_create(actor=request.scope, **payload.dict(exclude={"community_id"}), community=community)
    return Status(201, merchant)


@router.post(
    "/merchants/apply",
    response={201: MerchantOut},
    summary="Register your own business where you live (or hold a role); staff approve it",
)
def merchant_apply(request, payload: MerchantIn):
    community = selectors.communities_for_registration(scope=request.scope).filter(pk=payload.community_id).first()
    if community is None:
        raise NotFound()
    merchant = services.merchant_apply(user=request.user, community=community, **payload.dict(exclude={"community_id"}))
    return Status(201, merchant)


@router.get("/merchants/{merchant_id}", response=MerchantOut, summary="A merchant (staff, or its own logins)")
def merchant_detail(request, merchant_id: int):
    return selectors.merchant_get_for_user(scope=request.scope, merchant_id=merchant_id)


@router.post("/merchants/{merchant_id}/review", response=MerchantOut, summary="Approve or reject a registration")
def merchant_review(request, merchant_id: int, payload: ReviewIn):
    merchant = selectors.merchant_get_for_user(scope=request.scope, merchant_id=merchant_id, cap=Cap.MARKET_MANAGE)
    return services.merchant_review(actor=request.scope, merchant=merchant, approve=payload.approve, note=payload.note)


@router.post("/merchants/{merchant_id}/members", response={201: MarketMemberOut}, summary="Add a login to a merchant")
def merchant_member_add(request, merchant_id: int, payload: MarketMemberIn):
    merchant = selectors.merchant_get_for_user(scope=request.scope, merchant_id=merchant_id, cap=Cap.MARKET_MANAGE)
    if not request.scope.has(Cap.MARKET_MANAGE, merchant.community_id) and not request.scope.has(
        Cap.JOB_MANAGE, merchant.community_id
    ):
        raise NotFound()
    user = user_for_login_name(payload.login)
    if user is None:
        raise NotFound()
    return Status(201, services.merchant_member_add(actor=request.scope, merchant=merchant, user=user))


# --- Portal and residents --------------------------------------------------------------------------


@router.get("/portal", response=MarketPortalOut, summary="A merchant's own merchants, applications and open markets")
def portal(request):
    return {
        "merchants": list(selectors.portal_merchants(scope=request.scope)),
        "applications": list(selectors.portal_applications(scope=request.scope)[:200]),
        "markets": list(selectors.portal_markets(scope=request.scope)[:50]),
    }


@router.get("/mine", response=list[ResidentMarketOut], summary="The coming markets of my community, with free services")
def resident_markets(request):
    from residents.selectors import resident_for_self

    resident = resident_for_self(user=request.user)
    return [
        {
            "market": m,
            "services": [
                {"stall_number": a.stall.number, "merchant": a.merchant.name, "service_kind": a.service_kind, "offer": a.offer}
                for a in selectors.service_stalls_of(market=m)
            ],
        }
        for m in selectors.resident_markets(community_id=resident.community_id)[:12]
    ]


# --- Markets -----------------------------------------------------------------------------------------


@router.get("/markets", response=list[MarketOut], summary="Markets of a community")
@paginate(LimitOffsetPagination)
def market_list(request, filters: Query[MarketCommunityFilter]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.MARKET_VIEW)
    return selectors.market_list_for_user(scope=request.scope, community=community, year=filters.year)


@router.post("/markets", response={201: MarketOut}, summary="Schedule a market with its layout of stalls")
def market_create(request, payload: MarketIn):
    community = community_get_for_user(scope=request.scope, community_id=payload.community_id, cap=Cap.MARKET_MANAGE)
    room = None
    if payload.room_id:
        from spaces.selectors import room_get_for_user

        room = room_get_for_user(scope=request.scope, room_id=payload.room_id)
    market = services.market_create(
        actor=request.scope, community=community, room=room, **payload.dict(exclude={"community_id", "room_id"})
    )
    return Status(201, market)


@router.get(
    "/summary", response=SummaryOut, summary="A community's markets of a year (or, without a year, the past 12 months)"
)
def year_summary(request, filters: Query[MarketCommunityFilter]):
    community = community_get_for_user(scope=request.scope, community_id=filters.community_id, cap=Cap.MARKET_VIEW)
    if filters.year is None:
        return selectors.rolling_summary(scope=request.scope, community=community).__dict__
    return selectors.year_summary(scope=request.scope, community=community, year=filters.year).__dict__


def _stalls_out(market) -> list[dict]:
    return [
        {
            "id": row["stall"].pk,
            "number": row["stall"].number,
            "kind": row["stall"].kind,
            "fee_fen": row["stall"].fee_fen,
            "share_bp": row["stall"].share_bp,
            "holder_application_id": row["holder"].pk if row["holder"] else None,
            "holder": row["holder"].merchant.name if row["holder"] else "",
        }
        for row in selectors.stalls_of(market=market)
    ]


@router.get("/markets/{market_id}", response=MarketDetailOut, summary="A market, its stalls and its figures")
def market_detail(request, market_id: int):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id)
    return {"market": market, "stalls": _stalls_out(market), "summary": selectors.market_summary(market=market).__dict__}


@router.post("/markets/{market_id}/status", response=MarketOut, summary="Mark a market held or cancelled")
def market_status(request, market_id: int, payload: MarketStatusIn):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id, cap=Cap.MARKET_MANAGE)
    return services.market_set_status(actor=request.scope, market=market, status=payload.status)


@router.post("/markets/{market_id}/stalls", response={201: StallOut}, summary="Add a stall to the layout")
def stall_add(request, market_id: int, payload: StallIn):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id, cap=Cap.MARKET_MANAGE)
    return Status(201, services.stall_add(actor=request.scope, market=market, **payload.dict()))


@router.get("/markets/{market_id}/applications", response=list[MarketApplicationOut], summary="Stall applications")
def application_list(request, market_id: int, status: str = ""):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id)
    return list(selectors.application_list(scope=request.scope, market=market, status=status))


@router.post(
    "/markets/{market_id}/applications", response={201: MarketApplicationOut}, summary="Apply for a stall (merchant or staff)"
)
def stall_apply(request, market_id: int, payload: ApplyIn):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id)
    merchant = selectors.merchant_get_for_user(scope=request.scope, merchant_id=payload.merchant_id)
    application = services.stall_apply(
        actor=request.scope,
        market=market,
        merchant=merchant,
        kind=payload.kind,
        offer=payload.offer,
        service_kind=payload.service_kind,
    )
    return Status(201, application)


@router.get("/markets/{market_id}/donations", response=list[MarketDonationOut], summary="Goods donated at a market")
def donation_list(request, market_id: int):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id)
    if not request.scope.has(Cap.MARKET_VIEW, market.community_id):
        raise NotFound()
    return list(selectors.donation_list(market=market))


@router.post(
    "/markets/{market_id}/donations",
    response={201: MarketDonationOut},
    summary="Record goods donated to the fund (accepts an Idempotency-Key header)",
)
def donation_record(request, market_id: int, payload: MarketDonationIn):
    market = selectors.market_get_for_user(scope=request.scope, market_id=market_id, cap=Cap.MARKET_MANAGE)
    merchant = None
    if payload.merchant_id:
        merchant = selectors.merchant_get_for_user(scope=request.scope, merchant_id=payload.merchant_id)
    donation = services.donation_record(
        actor=request.scope,
        market=market,
        merchant=merchant,
        idempotency_key=_key(request),
        **payload.dict(exclude={"merchant_id"}),
    )
    return Status(201, donation)


# --- One application ---------------------------------------------------------------------------------


def _application(request, stall_application_id: int, cap: str = Cap.MARKET_VIEW):
    return selectors.application_get_for_user(scope=request.scope, application_id=stall_application_id, cap=cap)


@router.get("/applications/{stall_application_id}", response=MarketApplicationOut, summary="A stall application")
def application_detail(request, stall_application_id: int):
    return _application(request, stall_application_id)


@router.post("/applications/{stall_application_id}/allocate", response=MarketApplicationOut, summary="Allocate a stall")
def application_allocate(request, stall_application_id: int, payload: AllocateIn):
    application = _application(request, stall_application_id, Cap.MARKET_MANAGE)
    stall = selectors.stall_get(market=application.market, stall_number=payload.stall_number)
    return services.stall_allocate(actor=request.scope, application=application, stall=stall)


@router.post("/applications/{stall_application_id}/decline", response=MarketApplicationOut, summary="Decline an application")
def application_decline(request, stall_application_id: int):
    application = _application(request, stall_application_id, Cap.MARKET_MANAGE)
    return services.application_decline(actor=request.scope, application=application)


@router.post("/applications/{stall_application_id}/withdraw", response=MarketApplicationOut, summary="Give a stall back")
def application_withdraw(request, stall_application_id: int):
    application = _application(request, stall_application_id)
    return services.application_withdraw(actor=request.scope, application=application)


@router.post(
    "/applications/{stall_application_id}/checkin", response=MarketApplicationOut, summary="Check in on the market day"
)
def application_checkin(request, stall_application_id: int, payload: CheckinIn):
    application = _application(request, stall_application_id)
    return services.stall_checkin(actor=request.scope, application=application, code=payload.code)


@router.post(
    "/applications/{stall_application_id}/takings", response=MarketApplicationOut, summary="Report a selling stall's takings"
)
def application_takings(request, stall_application_id: int, payload: TakingsIn):
    application = _application(request, stall_application_id)
    return services.takings_report(
        actor=request.scope, application=application, takings_fen=payload.takings_fen, paid=payload.paid
    )


@router.post(
    "/applications/{stall_application_id}/settle", response=MarketApplicationOut, summary="Confirm the share was paid"
)
def application_settle(request, stall_application_id: int):
    application = _application(request, stall_application_id, Cap.MARKET_MANAGE)
    return services.contribution_settle(actor=request.scope, application=application)


@router.post(
    "/applications/{stall_application_id}/visits",
    response={201: VisitOut},
    summary="Count people served at a free service stall (accepts an Idempotency-Key header)",
)
def application_visits(request, stall_application_id: int, payload: VisitsIn):
    application = _application(request, stall_application_id)
    count = services.visits_record(
        actor=request.scope, application=application, person_times=payload.person_times, idempotency_key=_key(request)
    )
    return Status(201, count)
