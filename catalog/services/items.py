"""The catalogue and its price rules: staff edit them as data."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import pricing
from catalog.models import Category, Item, ItemKind, PriceRule, RuleEffect, RuleKind, WorkerCard
from catalog.services._common import require
from linli import pagecache
from linli.errors import Conflict, ValidationFailed
from orgs.models import OrgNode
from orgs.roles import Cap
from orgs.scope import Scope
from records.models import ProviderKind, TargetGroup, Tier
from residents.models import Resident, VulnerableTag

ITEM_FIELDS = (
    "name",
    "description",
    "kind",
    "provider_kind",
    "partner",
    "provider_name",
    "tier",
    "price_fen",
    "price_unit",
    "room",
    "place",
    "schedule",
    "capacity",
    "target_groups",
    "eligibility",
    "cutoff_days_before",
    "cutoff_time",
    "delivery_min_age",
    "commitment",
    "is_active",
    "sort_order",
)


def category_create(*, actor: Scope | None, community: OrgNode, name: str, sort_order: int = 0) -> Category:
    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, community.pk)
    name = (name or "").strip()[:50]
    if not name:
        raise ValidationFailed(_("A category needs a name."), code="bad_name")
    category, _created = Category.objects.get_or_create(
        community=community, name=name, defaults={"sort_order": sort_order}
    )
    catalogue_forget(community.pk)
    return category


def _check_item(community: OrgNode, fields: dict) -> dict:
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationFailed(_("A service needs a name."), code="bad_name")
    fields["name"] = name[:100]
    if fields.get("kind", ItemKind.SERVICE) not in ItemKind.values:
        raise ValidationFailed(_("Unknown kind of service."), code="bad_kind")
    if fields.get("tier") not in Tier.values:
        raise ValidationFailed(_("Unknown price tier."), code="bad_tier")
    if fields.get("provider_kind") not in ProviderKind.values:
        raise ValidationFailed(_("Unknown kind of provider."), code="bad_provider")
    price = fields.get("price_fen") or 0
    if not isinstance(price, int) or price < 0:
        raise ValidationFailed(_("A price cannot be negative."), code="bad_price")
    if fields["tier"] == Tier.FREE and price:
        raise ValidationFailed(_("A free (public-welfare) service has no price."), code="bad_price")
    if fields["tier"] != Tier.FREE and not price:
        raise ValidationFailed(_("A low-cost or market service needs its price."), code="bad_price")
    fields["price_fen"] = price
    groups = list(fields.get("target_groups") or [])
    if any(g not in TargetGroup.values for g in groups):
        raise ValidationFailed(_("Unknown target group."), code="bad_group")
    fields["target_groups"] = groups
    partner = fields.get("partner")
    if fields["provider_kind"] == ProviderKind.PARTNER and partner is None:
        raise ValidationFailed(_("Say which partner provides it."), code="bad_partner")
    for obj in (partner, fields.get("room"), fields.get("commitment")):
        if obj is not None and obj.community_id != community.pk:
            raise ValidationFailed(_("The service mixes two communities."), code="cross_community")
    commitment = fields.get("commitment")
    if commitment is not None and (partner is None or commitment.partner_id != partner.pk):
        raise ValidationFailed(_("The commitment is not the provider's."), code="bad_commitment")
    capacity = fields.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 1):
        raise ValidationFailed(_("A capacity is a whole number of at least 1."), code="bad_capacity")
    if fields.get("kind") == ItemKind.CLASS and capacity is None:
        raise ValidationFailed(_("A class needs its number of seats."), code="bad_capacity")
    return fields


def item_create(*, actor: Scope | None, community: OrgNode, category: Category, **fields) -> Item:
    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, community.pk)
    if category.community_id != community.pk:
        raise ValidationFailed(_("The service mixes two communities."), code="cross_community")
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    fields = _check_item(community, fields)
    catalogue_forget(community.pk)
    return Item.objects.create(community=community, category=category, **fields)


def item_update(*, actor: Scope, item: Item, category: Category | None = None, **fields) -> Item:
    require(actor, Cap.CATALOG_MANAGE, item.community_id)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    current = {f: getattr(item, f) for f in ITEM_FIELDS}
    current.update(fields)
    current = _check_item(item.community, current)
    if category is not None:
        if category.community_id != item.community_id:
            raise ValidationFailed(_("The service mixes two communities."), code="cross_community")
        item.category = category
    if current.get("capacity") is not None and current["capacity"] < item.seats_taken:
        raise Conflict(_("More seats are taken than the new capacity."), code="capacity_below_taken")
    for name, value in current.items():
        setattr(item, name, value)
    with transaction.atomic():
        item.save()
    catalogue_forget(item.community_id)
    return item


def price_rule_create(
    *,
    actor: Scope | None,
    community: OrgNode,
    label: str,
    kind: str,
    effect: str,
    amount_fen: int = 0,
    percent: int = 0,
    min_age: int | None = None,
    max_age: int | None = None,
    tag: VulnerableTag | None = None,
    stacks: bool = False,
    tier: str = "",
    category: Category | None = None,
    item: Item | None = None,
) -> PriceRule:
    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, community.pk)
    label = (label or "").strip()[:50]
    if not label:
        raise ValidationFailed(_("A price rule needs the name residents see, e.g. 80岁以上."), code="bad_label")
    if kind not in RuleKind.values or effect not in RuleEffect.values:
        raise ValidationFailed(_("Unknown kind of price rule."), code="bad_rule")
    if kind == RuleKind.AGE and min_age is None and max_age is None:
        raise ValidationFailed(_("An age rule needs an age band."), code="bad_rule")
    if min_age is not None and max_age is not None and max_age < min_age:
        raise ValidationFailed(_("The age band ends before it starts."), code="bad_rule")
    if kind == RuleKind.TAG and tag is None:
        raise ValidationFailed(_("Say which group the rule is for."), code="bad_rule")
    if effect == RuleEffect.AMOUNT_OFF and (not isinstance(amount_fen, int) or amount_fen <= 0):
        raise ValidationFailed(_("Say how much is taken off."), code="bad_rule")
    if effect == RuleEffect.PERCENT_OFF and not (isinstance(percent, int) and 0 < percent <= 100):
        raise ValidationFailed(_("A percentage off is from 1 to 100."), code="bad_rule")
    if tier and tier not in Tier.values:
        raise ValidationFailed(_("Unknown price tier."), code="bad_tier")
    for obj in (category, item):
        if obj is not None and obj.community_id != community.pk:
            raise ValidationFailed(_("The rule mixes two communities."), code="cross_community")
    return PriceRule.objects.create(
        community=community,
        label=label,
        kind=kind,
        effect=effect,
        amount_fen=amount_fen if effect == RuleEffect.AMOUNT_OFF else 0,
        percent=percent if effect == RuleEffect.PERCENT_OFF else 0,
        min_age=min_age if kind == RuleKind.AGE else None,
        max_age=max_age if kind == RuleKind.AGE else None,
        tag=tag if kind == RuleKind.TAG else None,
        stacks=stacks,
        tier=tier,
        category=category,
        item=item,
    )


def price_rule_set_active(*, actor: Scope, rule: PriceRule, active: bool) -> PriceRule:
    """Rules are switched off, not deleted: orders keep the explanation they were priced with."""
    require(actor, Cap.CATALOG_MANAGE, rule.community_id)
    PriceRule.objects.filter(pk=rule.pk).update(is_active=active)
    rules_forget(rule.community_id)
    rule.is_active = active
    return rule


def worker_card_record(
    *, actor: Scope | None, resident: Resident, worker_kind: str, employer: str = "", valid_until: dt.date
) -> WorkerCard:
    if actor is not None:
        require(actor, Cap.CATALOG_MANAGE, resident.community_id)
    from catalog.models import WorkerKind

    if worker_kind not in WorkerKind.values:
        raise ValidationFailed(_("Unknown kind of worker."), code="bad_worker")
    try:
        with transaction.atomic():
            card, _created = WorkerCard.objects.update_or_create(
                resident=resident,
                defaults={
                    "community_id": resident.community_id,
                    "worker_kind": worker_kind,
                    "employer": (employer or "")[:50],
                    "valid_until": valid_until,
                    "recorded_by": actor.user if actor is not None else None,
                },
            )
    except IntegrityError:
        card = WorkerCard.objects.get(resident=resident)
    return card


# --- Pricing with the community's rules --------------------------------------------------------


RULES_CACHE_SECONDS = 60


def _rules_key(community_id: int) -> str:
    return f"catalog:price-rules:{community_id}"


def rules_forget(community_id: int) -> None:
    """Drop the cached rules of a community, now and again when the edit commits (so that a
    request reading the old rows meanwhile cannot put them back for long)."""
    key = _rules_key(community_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    catalogue_forget(community_id)


def catalogue_forget(community_id: int) -> None:
    """The public catalogue page is drawn at most once a minute (linli/pagecache.py): after an
    edit, afresh."""
    pagecache.forget(f"catalogue:{community_id}")


def rules_for(community_id: int) -> list[pricing.Rule]:
    """The community's active price rules, as the pure pricing function takes them.

    Every order reads them and staff change them a few times a year, so they are cached:
    edits through the services (and any save of a rule) drop the entry at once; with the
    per-process memory cache of a default install, other server processes see an edit within
    ``RULES_CACHE_SECONDS`` (with Redis configured, at once)."""
    key = _rules_key(community_id)
    rules = cache.get(key)
    if rules is None:
        rules = _rules_from_db(community_id)
        cache.set(key, rules, RULES_CACHE_SECONDS)
    return rules


def _rules_from_db(community_id: int) -> list[pricing.Rule]:
    rows = PriceRule.objects.filter(community_id=community_id, is_active=True).select_related("tag").order_by("pk")
    return [
        pricing.Rule(
            label=r.label,
            effect=r.effect,
            amount_fen=r.amount_fen,
            percent=r.percent,
            stacks=r.stacks,
            kind=r.kind,
            min_age=r.min_age,
            max_age=r.max_age,
            tag=r.tag.code if r.tag_id else None,
            tier=r.tier,
            category_id=r.category_id,
            item_id=r.item_id,
        )
        for r in rows
    ]


_WORKER_CARD = " worker card"  # a space: no group code has one
_GROUPS_SQL = (
    f"SELECT t.code FROM {VulnerableTag._meta.db_table} t"  # nosec B608 (table names, not input)
    f" LEFT OUTER JOIN {Resident.tags.through._meta.db_table} rt ON rt.vulnerabletag_id = t.id"
    " WHERE rt.resident_id = %s OR t.min_age <= %s"
    f" UNION SELECT %s FROM {WorkerCard._meta.db_table} WHERE resident_id = %s AND valid_until >= %s"
)


def buyer_for(resident: Resident, *, on: dt.date | None = None, tags: list | None = None) -> pricing.Buyer:
    on = on or timezone.localdate()
    age = resident.age_on(on)
    worker_card = WorkerCard.objects.filter(resident=resident, valid_until__gte=on)
    if tags is not None:
        codes = frozenset(t.code for t in tags)
        worker = worker_card.exists()
    else:
        # The groups given by staff or by age (高龄 80+), and a valid rider/courier card, in one
        # query (residents.selectors.effective_tags says the same about groups in two): the
        # card comes back as a row carrying a code no group can have. Written out because it
        # runs on every order: the ORM spent longer building this UNION than the database
        # spent answering it (docs/benchmarks.md); the SQL is fixed, only the values vary.
        with connection.cursor() as cur:
            cur.execute(_GROUPS_SQL, [resident.pk, age, _WORKER_CARD, resident.pk, connection.ops.adapt_datefield_value(on)])
            found = {code for (code,) in cur.fetchall()}
        worker = _WORKER_CARD in found
        # Sensitive groups (低保, disability…) are encrypted on the resident, not rows to join.
        codes = frozenset(found - {_WORKER_CARD}) | frozenset(resident.sensitive_tag_codes)
    return pricing.Buyer(age=age, tags=codes, worker=worker)


def quote_for(
    *, item: Item, resident: Resident, on: dt.date | None = None, quantity: int = 1, rules=None, buyer=None
) -> pricing.Quote:
    goods = pricing.Goods(list_price_fen=item.price_fen, tier=item.tier, category_id=item.category_id, item_id=item.pk)
    return pricing.price_quote(
        goods=goods,
        buyer=buyer if buyer is not None else buyer_for(resident, on=on),
        rules=rules if rules is not None else rules_for(item.community_id),
        quantity=quantity,
    )
