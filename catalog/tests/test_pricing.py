"""The price function: examples from the reports, and properties over any rules and buyers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.pricing import Buyer, Goods, Rule, price_quote, rule_matches_buyer, rule_matches_goods, rule_worth

KANGPING = [
    Rule(label="60–79岁", effect="amount_off", amount_fen=100, kind="age", min_age=60, max_age=79),
    Rule(label="80岁以上", effect="amount_off", amount_fen=200, kind="age", min_age=80),
    Rule(label="困境儿童", effect="free", kind="tag", tag="child_hardship"),
]


def test_the_kangping_elder_discount():
    q = price_quote(goods=Goods(1200), buyer=Buyer(age=83), rules=KANGPING)
    assert q.unit_price_fen == 1000
    assert q.lines[0].endswith("¥12.00") and "80岁以上" in q.lines[1] and q.lines[-1].endswith("¥10.00")
    assert price_quote(goods=Goods(1200), buyer=Buyer(age=65), rules=KANGPING).unit_price_fen == 1100
    assert price_quote(goods=Goods(1200), buyer=Buyer(age=59), rules=KANGPING).unit_price_fen == 1200
    child = price_quote(goods=Goods(1200), buyer=Buyer(age=9, tags=frozenset({"child_hardship"})), rules=KANGPING)
    assert child.unit_price_fen == 0 and len(child.applied) == 1


def test_best_non_stacking_rule_wins_and_stacking_rules_add():
    rules = [
        Rule(label="80岁以上", effect="amount_off", amount_fen=200, kind="age", min_age=80),
        Rule(label="低保户", effect="percent_off", percent=30, kind="tag", tag="dibao"),
        Rule(label="骑手友好", effect="amount_off", amount_fen=50, kind="worker", stacks=True),
    ]
    buyer = Buyer(age=85, tags=frozenset({"dibao"}))
    q = price_quote(goods=Goods(1000), buyer=buyer, rules=rules)
    assert [r.label for r, _ in q.applied] == ["低保户"] and q.unit_price_fen == 700
    q = price_quote(goods=Goods(1000), buyer=Buyer(age=85, tags=frozenset({"dibao"}), worker=True), rules=rules)
    assert [r.label for r, _ in q.applied] == ["低保户", "骑手友好"] and q.unit_price_fen == 650


def test_rules_limited_to_a_tier_or_item():
    rule = Rule(label="公益课", effect="free", kind="age", min_age=0, tier="low_cost", item_id=7)
    assert price_quote(goods=Goods(500, tier="low_cost", item_id=7), buyer=Buyer(age=10), rules=[rule]).total_fen == 0
    assert price_quote(goods=Goods(500, tier="market", item_id=7), buyer=Buyer(age=10), rules=[rule]).total_fen == 500
    assert price_quote(goods=Goods(500, tier="low_cost", item_id=8), buyer=Buyer(age=10), rules=[rule]).total_fen == 500


rules_st = st.builds(
    Rule,
    label=st.sampled_from(["甲", "乙", "丙"]),
    effect=st.sampled_from(["amount_off", "percent_off", "free"]),
    amount_fen=st.integers(0, 5000),
    percent=st.integers(0, 100),
    stacks=st.booleans(),
    kind=st.sampled_from(["age", "tag", "worker"]),
    min_age=st.none() | st.integers(0, 100),
    max_age=st.none() | st.integers(0, 110),
    tag=st.none() | st.sampled_from(["elderly_80", "dibao", "child_hardship"]),
    tier=st.sampled_from(["", "free", "low_cost", "market"]),
)
buyers_st = st.builds(
    Buyer,
    age=st.none() | st.integers(0, 110),
    tags=st.frozensets(st.sampled_from(["elderly_80", "dibao", "child_hardship"])),
    worker=st.booleans(),
)
goods_st = st.builds(Goods, list_price_fen=st.integers(0, 100_000), tier=st.sampled_from(["free", "low_cost", "market"]))


@settings(max_examples=300, deadline=None)
@given(goods=goods_st, buyer=buyers_st, rules=st.lists(rules_st, max_size=8), quantity=st.integers(1, 5))
def test_price_is_never_negative_nor_above_list(goods, buyer, rules, quantity):
    q = price_quote(goods=goods, buyer=buyer, rules=rules, quantity=quantity)
    assert 0 <= q.unit_price_fen <= goods.list_price_fen
    assert q.total_fen == q.unit_price_fen * quantity <= goods.list_price_fen * quantity
    assert sum(off for _, off in q.applied) == goods.list_price_fen - q.unit_price_fen


@settings(max_examples=300, deadline=None)
@given(goods=goods_st, buyer=buyers_st, rules=st.lists(rules_st, max_size=8))
def test_rules_combine_as_documented(goods, buyer, rules):
    """The best applicable non-stacking rule plus every applicable stacking rule, capped."""
    price = goods.list_price_fen
    applicable = [r for r in rules if rule_matches_goods(r, goods) and rule_matches_buyer(r, buyer)]
    best = max([rule_worth(r, price) for r in applicable if not r.stacks], default=0)
    stacked = sum(rule_worth(r, price) for r in applicable if r.stacks)
    q = price_quote(goods=goods, buyer=buyer, rules=rules)
    assert q.unit_price_fen == max(price - best - stacked, 0)
    assert sum(1 for r, _ in q.applied if not r.stacks) <= 1


@settings(max_examples=200, deadline=None)
@given(goods=goods_st, buyer=buyers_st, rules=st.lists(rules_st, max_size=6), extra=rules_st)
def test_adding_a_rule_never_raises_the_price(goods, buyer, rules, extra):
    before = price_quote(goods=goods, buyer=buyer, rules=rules).unit_price_fen
    after = price_quote(goods=goods, buyer=buyer, rules=[*rules, extra]).unit_price_fen
    assert after <= before
