"""The pages answer for the roles that use them and show what each may do."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fund.models import Donation, SpendingRequest
from fund.tests.conftest import PDF, donate, propose, to_approved, to_comment
from linli.testkit import PASSWORD


def test_staff_set_up_a_fund_on_the_page(world, login):
    from fund.tests.conftest import make_user

    users = [make_user(f"p{i}") for i in range(3)]
    client = login(world.staff("a"))
    assert "Set up the fund" in client.get(reverse("fund:home")).content.decode() or client.get(reverse("fund:home")).status_code == 200
    data = {
        "charity_name": "淄博市慈善总会", "charity_registration_no": "X", "charity_public_fundraising": "on",
        "agreement_date": "2026-01-05", "m_chair": "1",
    }
    for i, u in enumerate(users, start=1):
        data.update({f"m_username_{i}": u.username, f"m_start_{i}": "2026-01-05", f"m_end_{i}": "2028-01-05"})
    client.post(reverse("fund:setup"), data)
    page = client.get(reverse("fund:home")).content.decode()
    assert "康平社区发展基金" in page


def test_every_console_page_renders(fund_world, login):
    world = fund_world.world
    donate(world, "a", 100_000)
    r = to_approved(world, propose(world, amount_fen=50_000))
    for user in ("staff_a", "committee_a", "charity_a", "auditor_a"):
        client = login(world.user(user))
        for name in ("home", "committee", "request_list", "donations", "income", "reports", "questions", "documents"):
            assert client.get(reverse(f"fund:{name}")).status_code == 200, (user, name)
        assert client.get(reverse("fund:request_detail", args=[r.pk])).status_code == 200
    assert login(world.user("auditor_a")).get(reverse("fund:audit")).status_code == 200
    assert login(world.user("committee_a")).get(reverse("fund:audit")).status_code == 404


def test_charity_pays_on_the_page_and_the_public_sees_the_invoice(fund_world, login, client):
    world = fund_world.world
    donate(world, "a", 100_000)
    r = to_approved(world, propose(world, amount_fen=50_000))
    charity = login(world.user("charity_a"))
    resp = charity.post(
        reverse("fund:request_pay", args=[r.pk]),
        {"line": "repairs", "amount": "300", "payee": "某五金店", "memo": "感应灯", "invoice": SimpleUploadedFile("i.pdf", PDF, content_type="application/pdf")},
    )
    # Paying out money asks for the password again first (accounts.reauth): nothing is paid.
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.paid_fen == 0 and not r.payments.exists()
    resp = charity.post(
        reverse("fund:request_pay", args=[r.pk]),
        {"line": "repairs", "amount": "300", "payee": "某五金店", "memo": "感应灯", "password": PASSWORD,
         "invoice": SimpleUploadedFile("i.pdf", PDF, content_type="application/pdf")},
    )
    assert resp.status_code == 302
    r.refresh_from_db()
    assert r.paid_fen == 30_000
    payment = r.payments.get()
    client.logout()
    body = client.get(reverse("fund_public:request", args=[r.pk])).content.decode()
    assert str(payment.invoice.token) in body
    assert client.get(reverse("fund_public:document", args=[payment.invoice.token])).status_code == 200


def test_a_committee_member_votes_on_the_page(fund_world, login):
    world = fund_world.world
    r = propose(world, submit=True)
    client = login(world.user("committee_a"))
    page = client.get(reverse("fund:request_detail", args=[r.pk])).content.decode()
    assert 'name="choice"' in page
    client.post(reverse("fund:request_vote", args=[r.pk]), {"choice": "yes"})
    page = client.get(reverse("fund:request_detail", args=[r.pk])).content.decode()
    assert 'name="choice"' not in page
    assert SpendingRequest.objects.get(pk=r.pk).votes.count() == 1


def test_resident_home_lists_requests_open_for_comment(fund_world, login):
    world = fund_world.world
    r = to_comment(world, propose(world))
    body = login(world.user("resident_a")).get(reverse("fund_me:home")).content.decode()
    assert r.title in body


def test_donation_recorded_on_the_page_gets_a_receipt(fund_world, login):
    client = login(fund_world.world.staff("a"))
    client.post(reverse("fund:donations"), {"kind": "money", "donor_kind": "organisation", "donor_name": "某公司", "amount": "1,000"})
    d = Donation.objects.get()
    assert d.amount_fen == 100_000 and d.receipt_no.startswith("JZ")
    assert client.get(reverse("fund:donation_receipt", args=[d.pk])).content.startswith(b"%PDF")
