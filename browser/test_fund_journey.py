"""A spending request of 康平社区's fund, from the proposal to the payment, each person at their
own screen: staff submit it, two committee members vote for it on their phones, a resident
comments on the public page, staff send it to the charity when the comment period is over, the
charity officer approves it and pays a shop with the invoice (confirming her password for
both), and the public fund page shows the payment and its invoice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from browser.pages import log_in, message
from fund.models import Payment, SpendingRequest
from fund.tests.conftest import donate, propose
from linli.testkit import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_spending_request_goes_from_proposal_to_payment_and_is_public(journey, world):
    donate(world, "a", 300_000)  # ¥3,000 in the fund
    r = propose(world, amount_fen=150_000)  # 3号楼楼道灯维修, ¥1,500, drafted by staff_a
    detail = f"/console/fund/requests/{r.pk}/"

    staff = journey.desktop("staff")
    log_in(staff, "staff_a")
    staff.goto(detail)
    journey.step(staff, "draft")
    with staff.expect_navigation():
        staff.click(f"form[action='{detail}submit/'] button")
    assert SpendingRequest.objects.get(pk=r.pk).status == "voting"

    for member in ("committee_a", "member_a2"):
        phone = journey.phone(member)
        log_in(phone, member)
        phone.goto(detail)
        phone.check(f"form[action='{detail}vote/'] input[name=choice][value=yes]")
        if member == "committee_a":
            journey.step(phone, "vote", doc="fund-vote-phone")
        with phone.expect_navigation():
            phone.click(f"form[action='{detail}vote/'] button[type=submit]")
    assert SpendingRequest.objects.get(pk=r.pk).status == "comment"

    resident = journey.phone("resident")
    log_in(resident, world.residents["a1"].phone)
    resident.goto(f"/c/fund/requests/{r.pk}/")
    resident.fill("#cm-text", "支持，3号楼晚上太黑了")
    with resident.expect_navigation():
        resident.click("form[action$='/comment/'] button[type=submit]")
    assert message(resident)
    journey.step(resident, "commented")

    # The public comment period passes (the test moves its end rather than wait a week).
    SpendingRequest.objects.filter(pk=r.pk).update(comment_until=timezone.localdate() - dt.timedelta(days=1))
    staff.goto(detail)
    with staff.expect_navigation():
        staff.click(f"form[action='{detail}to-charity/'] button")
    assert SpendingRequest.objects.get(pk=r.pk).status == "review"

    charity = journey.desktop("charity")
    log_in(charity, "charity_a")
    charity.goto(detail)
    approve = f"form[action='{detail}approve/']"
    charity.fill(f"{approve} #a-reason", "符合基金用途")
    charity.fill(f"{approve} input[name=password]", PASSWORD)
    with charity.expect_navigation():
        charity.click(f"{approve} button[type=submit]")
    assert SpendingRequest.objects.get(pk=r.pk).status == "approved"
    journey.step(charity, "approved")

    pay = f"form[action='{detail}pay/']"
    charity.goto(detail)
    charity.fill(f"{pay} #p-amount", "1000")
    charity.fill(f"{pay} #p-payee", "临淄某五金店")
    charity.fill(f"{pay} #p-memo", "感应灯12盏")
    charity.set_input_files(f"{pay} #p-invoice", {"name": "发票.pdf", "mimeType": "application/pdf", "buffer": PDF})
    if charity.locator(f"{pay} input[name=password]").count():
        charity.fill(f"{pay} input[name=password]", PASSWORD)
    journey.step(charity, "pay", doc="fund-pay-desk")
    with charity.expect_navigation():
        charity.click(f"{pay} button[type=submit]")
    payment = Payment.objects.get(spending_request_id=r.pk)
    assert payment.amount_fen == 100_000

    public = journey.phone("public")
    public.goto(f"/c/fund/requests/{r.pk}/")
    text = public.locator("main").inner_text()
    assert "临淄某五金店" in text and "1,000.00" in text
    journey.step(public, "public-request", doc="fund-public-request-phone")
    public.goto(f"/c/fund/{world.community_a.pk}/")
    assert r.title in public.locator("main").inner_text()
    journey.step(public, "public-fund-page")
    journey.done()
