from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from ledger.money import fen_from_yuan, format_amount, format_fen


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123456, "¥1,234.56"),
        (-150000, "-¥1,500.00"),
        (100_000_000_00, "¥100,000,000.00"),
        (None, "—"),
    ],
)
def test_fen_are_shown_as_yuan(fen, shown):
    assert format_fen(fen) == shown


def test_points_are_shown_as_points():
    with translation.override("en"):
        assert format_amount(1200, "PTS") == "1,200 pts"
    assert format_amount(1200, "CNY") == "¥12.00"


@pytest.mark.parametrize(
    ("text", "fen"),
    [("1,234.56", 123456), ("¥10", 1000), ("0.5", 50), (Decimal("1800"), 180000), (15, 1500), ("-3.10", -310)],
)
def test_yuan_are_parsed_exactly(text, fen):
    assert fen_from_yuan(text) == fen


@pytest.mark.parametrize("text", ["1.005", "abc", "", "NaN", "Infinity", True])
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(ValueError):
        fen_from_yuan(text)


def test_template_filters():
    template = Template(
        "{% load ledger_tags %}{{ a|fen }}|{{ b|money:'PTS' }}|{{ c|unsigned_money:'CNY' }}|{{ c|side }}|{{ a|side }}|{{ z|side }}"
    )
    with translation.override("en"):
        html = template.render(Context({"a": 180000, "b": 7, "c": -2500, "z": 0}))
    assert html.split("|") == ["¥1,800.00", "7 pts", "¥25.00", "Cr", "Dr", "nil"]
