"""``OneRow`` returns what the queryset it was built from returns, field by field, with the
related row attached — on both databases (dates, times, JSON and encrypted fields included)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Meal
from catalog.tests.factories import kitchen
from linli.prepared import OneRow
from residents.models import Resident

pytestmark = pytest.mark.django_db


def _same(a, b) -> None:
    assert type(a) is type(b)
    for field in a._meta.concrete_fields:
        assert getattr(a, field.attname) == getattr(b, field.attname), field.name
    assert a._state.adding is False and a._state.db == b._state.db


def test_meal_with_its_item_as_the_queryset_gives_it(world):
    k = kitchen(world, serve_date=dt.date.today() + dt.timedelta(days=1))
    reader = OneRow(lambda pk: Meal.objects.select_related("item").filter(pk=pk).order_by())
    expected = Meal.objects.select_related("item").get(pk=k.meal.pk)
    for _ in range(2):  # the first call compiles, the second reuses
        with CaptureQueriesContext(connection) as ctx:
            meal = reader.get(k.meal.pk)
            item = meal.item  # already attached: no second query
        assert len(ctx.captured_queries) == 1
        _same(meal, expected)
        _same(item, expected.item)
        assert isinstance(meal.serve_date, dt.date) and isinstance(meal.cutoff_at, dt.datetime)
        assert meal.cutoff_at.tzinfo is not None
        assert isinstance(item.target_groups, list)  # JSON decoded
    assert reader.get(-1) is None


def test_encrypted_fields_and_two_parameters(world):
    resident = world.residents["a1"]
    reader = OneRow(lambda community, pk: Resident.objects.filter(community_id=community, pk=pk).order_by(), arity=2)
    found = reader.get(resident.community_id, resident.pk)
    _same(found, Resident.objects.get(pk=resident.pk))
    assert found.id_number == resident.id_number  # decrypted as the ORM does
    assert reader.get(resident.community_id + 999, resident.pk) is None


def test_each_argument_must_be_a_parameter_once():
    with pytest.raises(ValueError):
        OneRow(lambda pk: Meal.objects.filter(pk=pk) | Meal.objects.filter(item_id=pk)).get(1)


def test_an_integer_no_column_can_hold_finds_nothing(world):
    """As the ORM's lookups do: ``pk=2**70`` is "no such row", not a driver's OverflowError."""
    k = kitchen(world, serve_date=dt.date.today() + dt.timedelta(days=1))
    reader = OneRow(lambda pk: Meal.objects.filter(pk=pk).order_by())
    assert not Meal.objects.filter(pk=2**70).exists()
    for huge in (2**63, 2**70, -(2**63) - 1, 4301001989885290833254547456):
        assert reader.get(huge) is None
    assert reader.get(2**63 - 1) is None  # in range, simply absent
    assert reader.get(k.meal.pk).pk == k.meal.pk
