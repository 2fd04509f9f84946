"""The demo loader runs through the services, adds nothing the second time, and its money adds up."""

import datetime as dt

import pytest
from django.utils import timezone

from catalog.demo import load_demo
from catalog.models import Enrolment, Item, Meal, Order, OrderStatus
from catalog.selectors import statement_for
from ledger import chart
from orgs.scope import Scope
from partners import services as partner_services
from partners.tests.access_registry import _uscc
from records.models import ServiceRecord

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_adds_up(world):
    staff = Scope(world.staff("a"))
    kitchen = partner_services.partner_create(
        actor=staff, community=world.community_a, kind="catering", party_type="organisation",
        name="康小鲜社区私房", credit_code=_uscc("a", 7), contact_name="赵丽娟", contact_phone="13700001234",
        services="手工面食",
    )
    agreement = partner_services.agreement_create(
        actor=staff, partner=kitchen, starts_on=timezone.localdate() - dt.timedelta(days=60),
        ends_on=timezone.localdate() + dt.timedelta(days=300), share_basis="revenue", share_bp=500,
    )
    partner_services.agreement_sign(actor=staff, agreement=agreement, community_signatory="书记", partner_signatory="赵")
    load_demo()
    counts = (Item.objects.count(), Meal.objects.count(), Order.objects.count(), Enrolment.objects.count(),
              ServiceRecord.objects.count())
    assert counts[1] > 0 and counts[2] > 0
    assert Order.objects.filter(status=OrderStatus.COLLECTED).exists()
    assert Order.objects.filter(amount_fen__lt=1200).exists()  # elder discounts applied
    load_demo()
    assert (Item.objects.count(), Meal.objects.count(), Order.objects.count(), Enrolment.objects.count(),
            ServiceRecord.objects.count()) == counts
    revenue = sum(
        statement_for(partner=kitchen, month=m)["revenue_fen"]
        for m in {timezone.localdate().replace(day=1), (timezone.localdate().replace(day=1) - dt.timedelta(days=1))}
    )
    assert revenue == -chart.partner_income(kitchen).balance
