"""A parent enrols their child in the community's 四点半课堂 on a phone: the last seat has just
been taken, so the page offers the waiting list, and the child lands on it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from accounts.services import user_create
from browser.pages import log_in, message
from catalog import services
from catalog.models import Enrolment, EnrolmentStatus
from catalog.tests.factories import clazz
from linli.testkit import PASSWORD, make_id_number
from orgs.roles import Role
from orgs.scope import Scope
from orgs.services import role_grant
from residents.services import resident_create, resolve_address

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PARENT_PHONE = "13953300038"


def family(world):
    """王芳 (38) and her son 王小明 (9) at 3号楼 2单元 301: one household."""
    address = resolve_address(
        scope=None, community=world.community_a, grid_name="第一网格", building_name="1号楼", unit="3", room="301"
    )
    year = timezone.localdate().year
    parent = resident_create(
        actor=None, community=world.community_a, name="王芳", phone=PARENT_PHONE, address=address,
        id_number=make_id_number(birth=f"{year - 38}0412", seq=238),
    )
    child = resident_create(
        actor=None, community=world.community_a, name="王小明", address=address,
        id_number=make_id_number(birth=f"{year - 9}0901", seq=239),
    )
    user = user_create(username="wang-fang", password=PASSWORD, display_name="王芳", phone=PARENT_PHONE)
    parent.user = user
    parent.save(update_fields=["user"])
    role_grant(user=user, node=parent.grid, role=Role.RESIDENT)
    return parent, child


def test_a_parent_enrols_a_child_and_lands_on_the_waiting_list(journey, world):
    item = clazz(world, "a", capacity=1)  # A侧四点半课堂, free, one seat
    services.enrolment_create(actor=Scope(world.staff("a")), item=item, resident=world.residents["a2"])  # the last seat
    parent, child = family(world)

    phone = journey.phone()
    log_in(phone, PARENT_PHONE)
    phone.goto("/me/catalog/")
    journey.step(phone, "classes")
    with phone.expect_navigation():
        phone.click(f"a[href='/me/catalog/classes/{item.pk}/']")
    page = phone.locator("main").inner_text()
    assert item.name in page
    assert gettext("%(n)s of %(c)s seats free").replace("%(n)s", "0").replace("%(c)s", "1") in page
    phone.select_option("#id_resident", str(child.pk))
    button = phone.locator("main form button[type=submit]")
    assert button.inner_text().strip() == gettext("Join the waiting list")
    journey.step(phone, "class-full-offers-waiting-list", doc="class-waiting-list-phone")
    with phone.expect_navigation():
        button.click()
    assert phone.url.endswith("/me/catalog/")
    assert message(phone)
    enrolment = Enrolment.objects.get(item=item, resident=child)
    assert enrolment.status == EnrolmentStatus.WAITING
    assert child.name in phone.locator("main").inner_text()
    journey.step(phone, "on-the-waiting-list")
    journey.done()
