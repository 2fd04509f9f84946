"""A resident on a phone: logs in with the mobile number, sees what the community holds about
them (/me/) and corrects their own number — also with JavaScript switched off."""

from __future__ import annotations

import pytest

from accounts.models import User
from browser.pages import log_in, message
from residents.models import Resident

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_PHONE = "13912345678"


def test_a_resident_sees_and_corrects_their_own_data_on_a_phone(journey, world):
    me = world.residents["a1"]  # 张丽君, 康平社区 第一网格, logs in as resident_a with 13800000101
    phone = journey.phone()

    phone.goto("/accounts/login/")
    journey.step(phone, "login")
    log_in(phone, me.phone)
    assert phone.url.endswith("/me/")
    journey.step(phone, "my-page", doc="my-data-phone")
    facts = phone.locator("dl.facts").inner_text()
    assert me.name in facts and me.id_number in facts and me.phone in facts
    assert "康平社区" in phone.locator("main").inner_text()

    phone.click("a[href='/me/contact/']")
    journey.step(phone, "update-number")
    assert phone.input_value("#id_phone") == me.phone

    # A typo: the page says what is wrong and nothing changes.
    phone.fill("#id_phone", "1380000")
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    journey.step(phone, "typo-refused")
    assert phone.url.endswith("/me/contact/")
    assert phone.locator(".errorlist").count() == 1
    # Someone else's number: refused too.
    phone.fill("#id_phone", world.residents["b1"].phone)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    journey.step(phone, "number-taken", doc="correct-my-number-phone")
    assert phone.locator(".errorlist").count() == 1
    me.refresh_from_db()
    assert me.phone == "13800000101"

    phone.fill("#id_phone", NEW_PHONE)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.url.endswith("/me/")
    assert message(phone)
    assert NEW_PHONE in phone.locator("dl.facts").inner_text()
    journey.step(phone, "number-corrected")
    assert Resident.objects.get(pk=me.pk).phone == NEW_PHONE

    # The new number is the new login name.
    with phone.expect_navigation():
        phone.click("header form[action='/accounts/logout/'] button")
    log_in(phone, NEW_PHONE)
    assert phone.url.endswith("/me/")
    journey.step(phone, "logged-in-with-new-number")
    journey.done()


def test_the_simple_form_works_without_javascript(journey, world):
    """Old phones and locked-down browsers: logging in and correcting the number need no script."""
    me = world.residents["a1"]
    phone = journey.phone("phone-no-js", javascript=False)
    log_in(phone, me.phone)
    phone.goto("/me/contact/")
    journey.step(phone, "update-number-no-js")
    phone.fill("#id_phone", NEW_PHONE)
    with phone.expect_navigation():
        phone.click("main form button[type=submit]")
    assert phone.url.endswith("/me/")
    journey.step(phone, "number-corrected-no-js")
    assert User.objects.get(pk=world.user("resident_a").pk).phone == NEW_PHONE
    journey.done()
