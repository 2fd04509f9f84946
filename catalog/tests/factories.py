"""Test data for the catalog app, made through its services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from catalog import services
from catalog.models import Category, Item, ItemKind, Meal
from linli.testkit import World
from orgs.scope import Scope
from partners.tests.access_registry import objects as partner_objects
from records.models import ProviderKind, TargetGroup, Tier


@dataclass
class Kitchen:
    category: Category
    item: Item
    meal: Meal
    partner: object
    clerk: object


def kitchen(world: World, side: str = "a", *, portions: int = 50, serve_date: dt.date | None = None) -> Kitchen:
    def make() -> Kitchen:
        objs = partner_objects(world, side)
        community = world.community(side)
        category = services.category_create(actor=None, community=community, name="助餐服务")
        item = services.item_create(
            actor=None,
            community=community,
            category=category,
            name=f"{side.upper()}侧社区助餐",
            kind=ItemKind.MEAL,
            provider_kind=ProviderKind.PARTNER,
            partner=objs.partner,
            tier=Tier.LOW_COST,
            price_fen=1200,
            price_unit="份",
            target_groups=[TargetGroup.ELDERLY, TargetGroup.EVERYONE],
            delivery_min_age=80,
            commitment=objs.commitment,
        )
        services.price_rule_create(
            actor=None, community=community, label="60–79岁", kind="age", min_age=60, max_age=79,
            effect="amount_off", amount_fen=100,
        )
        services.price_rule_create(
            actor=None, community=community, label="80岁以上", kind="age", min_age=80, effect="amount_off",
            amount_fen=200,
        )
        day = serve_date or timezone.localdate() + dt.timedelta(days=2)
        meal = services.meal_create(
            actor=None,
            item=item,
            serve_date=day,
            name="手工菠菜面套餐",
            portions=portions,
            pickup_point="社区一楼取餐点",
            pickup_start=dt.time(11, 0),
            pickup_end=dt.time(12, 30),
        )
        return Kitchen(category, item, meal, objs.partner, objs.member.user)

    return world.once(f"catalog.kitchen.{side}", make)


def clazz(world: World, side: str = "a", *, capacity: int = 2, price_fen: int = 0) -> Item:
    def make() -> Item:
        objs = partner_objects(world, side)
        community = world.community(side)
        category = services.category_create(actor=None, community=community, name="青少年课堂")
        return services.item_create(
            actor=None,
            community=community,
            category=category,
            name=f"{side.upper()}侧四点半课堂",
            kind=ItemKind.CLASS,
            provider_kind=ProviderKind.PARTNER,
            partner=objs.partner,
            tier=Tier.LOW_COST if price_fen else Tier.FREE,
            price_fen=price_fen,
            capacity=capacity,
            target_groups=[TargetGroup.CHILDREN],
            schedule="周一至周五 16:30-18:30",
        )

    return world.once(f"catalog.class.{side}", make)


def me(world: World, name: str) -> Scope:
    return Scope(world.user(name))
