"""What linli/tests/test_access_control.py needs to check the markets endpoints.

Per side, made through the services by that side's staff: an active merchant with one login, a
market today with a selling stall allocated to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.services import user_create
from linli.testkit import PASSWORD, World
from markets import selectors, services
from markets.models import Market, Merchant, StallApplication
from orgs.scope import Scope


@dataclass
class Objects:
    merchant: Merchant
    market: Market
    application: StallApplication


def objects(world: World, side: str) -> Objects:
    def make() -> Objects:
        staff = Scope(world.staff(side))
        community = world.community(side)
        label = side.upper()
        merchant = services.merchant_create(
            actor=staff,
            community=community,
            name=f"{label}侧集市商户",
            kind="shop",
            contact_name=f"{label}侧摊主联系人",
            contact_phone=f"1360000{'AB'.index(label)}933",
        )
        user = user_create(username=f"market-merchant-{side}", password=PASSWORD, display_name=f"{label}侧摊主")
        services.merchant_member_add(actor=staff, merchant=merchant, user=user)
        market = services.market_create(
            actor=staff,
            community=community,
            title=f"{label}侧睦邻集市",
            held_on=timezone.localdate(),
            starts_at=dt.time(8, 30),
            ends_at=dt.time(11, 30),
            place=f"{label}侧社区广场",
            selling_stalls=2,
            service_stalls=1,
            fee_fen=1000,
        )
        application = services.stall_apply(actor=staff, market=market, merchant=merchant, kind="selling", offer="蔬菜水果")
        application = services.stall_allocate(
            actor=staff, application=application, stall=selectors.stall_get(market=market, stall_number=1)
        )
        return Objects(merchant=merchant, market=market, application=application)

    return world.once(f"markets.objects.{side}", make)


REGISTRY = {
    "merchant_id": lambda w, s: objects(w, s).merchant.pk,
    "market_id": lambda w, s: objects(w, s).market.pk,
    "stall_application_id": lambda w, s: objects(w, s).application.pk,
}


def markers(world: World) -> dict[str, str]:
    b = objects(world, "b")
    return {
        b.merchant.name: "community B's merchant",
        b.merchant.contact_name: "community B merchant's contact person",
        b.merchant.contact_phone: "community B merchant's phone",
        b.market.title: "community B's market",
        b.application.checkin_code: "community B stall holder's check-in code",
        "market-merchant-b": "community B merchant's login",
    }
