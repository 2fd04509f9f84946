"""The markets' test world, on the shared ``world``, built through the real services.

In 康平社区 (A): an active merchant 老王水果 with its own login ``merchant_a``, a second one
张记早点 (login ``merchant_y``), a member unit 康平社区卫生服务站, and a market today with three
selling stalls (¥10 fee + 5% of takings) and two free service stalls. In 溡源社区 (B): an active
merchant and a market today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.services import user_create
from linli.testkit import PASSWORD, World
from markets import services
from markets.models import Market, Merchant, MerchantKind
from orgs.scope import Scope


@dataclass
class MarketsWorld:
    world: World
    fruit: Merchant
    breakfast: Merchant
    clinic: Merchant
    merchant_b: Merchant
    market: Market
    market_b: Market

    def staff(self, side: str = "a") -> Scope:
        return Scope(self.world.staff(side))


def make_merchant(world: World, side: str, name: str, username: str, kind: str = MerchantKind.SHOP) -> Merchant:
    staff = Scope(world.staff(side))
    merchant = services.merchant_create(
        actor=staff, community=world.community(side), name=name, kind=kind, contact_name="联系人", contact_phone="13712345678"
    )
    user = user_create(username=username, password=PASSWORD, display_name=name)
    services.merchant_member_add(actor=staff, merchant=merchant, user=user)
    world.users[username] = user
    return merchant


def make_market(world: World, side: str, *, held_on: dt.date | None = None, title: str = "睦邻集市") -> Market:
    return services.market_create(
        actor=None,
        community=world.community(side),
        title=title,
        held_on=held_on or timezone.localdate(),
        starts_at=dt.time(8, 30),
        ends_at=dt.time(11, 30),
        place="社区广场",
        selling_stalls=3,
        service_stalls=2,
        fee_fen=1000,
        share_bp=500,
    )


@pytest.fixture
def mw(world) -> MarketsWorld:
    return MarketsWorld(
        world=world,
        fruit=make_merchant(world, "a", "老王水果", "merchant_a"),
        breakfast=make_merchant(world, "a", "张记早点", "merchant_y"),
        clinic=make_merchant(world, "a", "康平社区卫生服务站", "clinic_a", MerchantKind.MEMBER_UNIT),
        merchant_b=make_merchant(world, "b", "溡源便民超市", "merchant_b"),
        market=make_market(world, "a"),
        market_b=make_market(world, "b", title="溡源集市"),
    )
