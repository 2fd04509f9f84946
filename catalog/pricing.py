"""What a resident pays: one pure function over the list price, the rules and who the buyer is.

How rules combine (docs/catalog.md repeats this for staff):

1. A rule applies when it is in use, matches the item (its tier, category or item, if it names
   one) and matches the buyer (age within the band on the day of the service, the vulnerable-group
   tag, a valid new-employment worker card).
2. Each applicable rule is worth a discount on the **list price** of one unit: an amount off,
   a percent off (rounded down to the fen, so the buyer is never charged a fraction), or the
   whole price ("free").
3. Rules that do not stack compete: only the one worth most applies (an 85-year-old 低保
   resident gets the better of "80岁以上减¥2" and "低保户 8折", not both). Ties go to the rule
   listed first. Rules marked "adds to other discounts" all apply, on top.
4. The total discount is capped at the list price: the price is never negative and never above
   the list price. The result, per unit, times the quantity, is what is paid.

Every step is written as a line a resident can read: "原价 ¥12.00", "80岁以上 减 ¥2.00",
"实付 ¥10.00".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from partners.revenue import format_fen


@dataclass(frozen=True)
class Rule:
    label: str
    effect: str  # "amount_off" | "percent_off" | "free"
    amount_fen: int = 0
    percent: int = 0
    stacks: bool = False
    # Whom it is for; None = any.
    kind: str = "age"
    min_age: int | None = None
    max_age: int | None = None
    tag: str | None = None
    # What it is for; empty / None = anything.
    tier: str = ""
    category_id: int | None = None
    item_id: int | None = None


@dataclass(frozen=True)
class Buyer:
    age: int | None = None
    tags: frozenset[str] = frozenset()
    worker: bool = False


@dataclass(frozen=True)
class Goods:
    list_price_fen: int
    tier: str = ""
    category_id: int | None = None
    item_id: int | None = None


@dataclass
class Quote:
    list_price_fen: int  # per unit
    unit_price_fen: int
    quantity: int
    applied: list[tuple[Rule, int]] = field(default_factory=list)  # (rule, discount per unit)
    lines: list[str] = field(default_factory=list)

    @property
    def total_list_fen(self) -> int:
        return self.list_price_fen * self.quantity

    @property
    def total_fen(self) -> int:
        return self.unit_price_fen * self.quantity


def rule_matches_goods(rule: Rule, goods: Goods) -> bool:
    if rule.tier and rule.tier != goods.tier:
        return False
    if rule.category_id is not None and rule.category_id != goods.category_id:
        return False
    return rule.item_id is None or rule.item_id == goods.item_id


def rule_matches_buyer(rule: Rule, buyer: Buyer) -> bool:
    if rule.kind == "age":
        if buyer.age is None:
            return False
        if rule.min_age is not None and buyer.age < rule.min_age:
            return False
        return rule.max_age is None or buyer.age <= rule.max_age
    if rule.kind == "tag":
        return rule.tag is not None and rule.tag in buyer.tags
    if rule.kind == "worker":
        return buyer.worker
    return False


def rule_worth(rule: Rule, list_price_fen: int) -> int:
    """The discount on one unit, before the cap."""
    if rule.effect == "free":
        return list_price_fen
    if rule.effect == "percent_off":
        return list_price_fen * min(max(rule.percent, 0), 100) // 100
    return max(rule.amount_fen, 0)


def price_quote(*, goods: Goods, buyer: Buyer, rules: list[Rule], quantity: int = 1) -> Quote:
    """The price of ``quantity`` units of ``goods`` for ``buyer`` under ``rules``, explained."""
    price = max(int(goods.list_price_fen), 0)
    applicable = [r for r in rules if rule_matches_goods(r, goods) and rule_matches_buyer(r, buyer)]
    chosen: list[tuple[Rule, int]] = []
    competing = [(r, rule_worth(r, price)) for r in applicable if not r.stacks]
    if competing:
        best = max(competing, key=lambda pair: pair[1])  # max() keeps the first of equals
        if best[1] > 0:
            chosen.append(best)
    chosen += [(r, rule_worth(r, price)) for r in applicable if r.stacks and rule_worth(r, price) > 0]
    left = price
    applied: list[tuple[Rule, int]] = []
    for rule, worth in chosen:
        off = min(worth, left)
        if off <= 0:
            continue
        left -= off
        applied.append((rule, off))
    quote = Quote(list_price_fen=price, unit_price_fen=left, quantity=quantity, applied=applied)
    quote.lines = explain(quote)
    return quote


def explain(quote: Quote) -> list[str]:
    lines = [_("List price %(price)s") % {"price": format_fen(quote.list_price_fen)}]
    for rule, off in quote.applied:
        if rule.effect == "free" and off == quote.list_price_fen:
            lines.append(_("%(rule)s: free") % {"rule": rule.label})
        else:
            lines.append(_("%(rule)s %(amount)s off") % {"rule": rule.label, "amount": format_fen(off)})
    if quote.quantity != 1:
        lines.append(
            _("%(n)s × %(price)s") % {"n": quote.quantity, "price": format_fen(quote.unit_price_fen)}
        )
    lines.append(_("To pay %(price)s") % {"price": format_fen(quote.total_fen)})
    return lines
