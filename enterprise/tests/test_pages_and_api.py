"""The pages and the API, for each kind of user: enterprise staff, approvers, the subdistrict,
the bookkeeping agency, residents and the public."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from enterprise.models import ExpenseRequest, Question, RequestStatus
from enterprise.tests.access_registry import objects
from enterprise.tests.factories import other_subdistrict
from linli.testkit import PASSWORD

pytestmark = pytest.mark.django_db

CONSOLE_PAGES = [
    "enterprise:home",
    "enterprise:incomes",
    "enterprise:requests",
    "enterprise:rent",
    "enterprise:budget",
    "enterprise:report",
    "enterprise:questions",
    "enterprise:documents",
    "enterprise:overview",
    "enterprise:policy",
]


def test_staff_pages_render(world, login):
    objs = objects(world, "a")
    client = login(world.staff("a"))
    for name in CONSOLE_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    page = client.get(reverse("enterprise:request_detail", args=[objs.request.pk]))
    assert objs.request.purpose in page.content.decode()


def test_the_full_request_flow_through_the_pages(world, login):
    objects(world, "a")
    client = login(world.staff("a"))
    response = client.post(
        reverse("enterprise:request_create"),
        {"category": "running", "purpose": "更换楼道灯", "payee": "沙坪五金店", "amount": "1,500.00"},
    )
    req = ExpenseRequest.objects.get(purpose="更换楼道灯")
    assert response.status_code == 302 and req.amount_fen == 150_000
    # Paying before approval: refused with a message, nothing changed.
    client.post(
        reverse("enterprise:request_pay", args=[req.pk]), {"password": PASSWORD}, HTTP_REFERER="/console/enterprise/"
    )
    assert ExpenseRequest.objects.get(pk=req.pk).status == RequestStatus.PENDING
    login(world.user("secretary_a")).post(
        reverse("enterprise:request_decide", args=[req.pk]), {"decision": "approve", "password": PASSWORD}
    )
    inbox = login(world.user("officer")).get(reverse("enterprise:approvals"))
    assert "更换楼道灯" in inbox.content.decode()
    login(world.user("officer")).post(
        reverse("enterprise:request_decide", args=[req.pk]), {"decision": "approve", "password": PASSWORD}
    )
    staff = login(world.staff("a"))
    unconfirmed = staff.post(reverse("enterprise:request_pay", args=[req.pk]))
    # Paying asks for the password again first: refused with a message, nothing paid.
    assert unconfirmed.status_code == 302 and ExpenseRequest.objects.get(pk=req.pk).status == RequestStatus.APPROVED
    staff.post(reverse("enterprise:request_pay", args=[req.pk]), {"password": PASSWORD})
    assert ExpenseRequest.objects.get(pk=req.pk).status == RequestStatus.PAID


def test_exports_are_excel_and_pdf(world, login):
    objects(world, "a")
    client = login(world.staff("a"))
    xlsx = client.get(reverse("enterprise:report_export"))
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["A1"].value
    assert client.get(reverse("enterprise:report_export") + "?format=pdf").content.startswith(b"%PDF")
    assert client.get(reverse("enterprise:budget_export") + "?format=pdf").content.startswith(b"%PDF")


def test_the_public_page_and_a_residents_question(world, client, login):
    objs = objects(world, "a")
    page = client.get(reverse("enterprise_public:statement", args=[objs.statement.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "A侧便民服务收入" in text and objs.question.text in text
    assert "resident_a" not in text  # who asked is not published
    assert client.get(reverse("enterprise_public:statement_pdf", args=[objs.statement.pk])).content.startswith(b"%PDF")
    entry_id = objs.question.transaction_id
    login(world.user("resident_a")).post(
        reverse("enterprise_me:ask", args=[objs.statement.pk]), {"transaction_id": entry_id, "text": "明细在哪里？"}
    )
    assert Question.objects.filter(text="明细在哪里？").exists()
    # A resident of another community may read, but not question, this community's accounts.
    outsider = login(world.user("resident_b")).post(
        reverse("enterprise_me:ask", args=[objs.statement.pk]), {"transaction_id": entry_id, "text": "外社区提问"}
    )
    assert outsider.status_code == 404 and not Question.objects.filter(text="外社区提问").exists()
    assert "明细在哪里？" in login(world.user("resident_a")).get(reverse("enterprise_me:questions")).content.decode()


def test_api_flow_and_idempotency(world, login):
    objs = objects(world, "a")
    client = login(world.staff("a"))
    url = f"/api/v1/enterprise/enterprises/{objs.enterprise.pk}/requests"
    body = {"category": "wishes", "purpose": "困难儿童书包", "payee": "文具店", "amount_fen": 30_000}
    first = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-9")
    again = client.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tap-9")
    assert first.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert first.json()["chain"] == ["party_secretary"]
    req_id = first.json()["id"]
    pay = client.post(
        f"/api/v1/enterprise/requests/{req_id}/pay", {"password": PASSWORD}, content_type="application/json"
    )
    assert pay.status_code == 409 and pay.json()["code"] == "not_approved"
    decided = login(world.user("secretary_a")).post(
        f"/api/v1/enterprise/requests/{req_id}/decision",
        {"decision": "approve", "password": PASSWORD},
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved"
    report = login(world.staff("a")).get(f"/api/v1/enterprise/public/statements/{objs.statement.pk}").json()
    assert report["report"]["income_total_fen"] == objs.statement.income_fen


def test_another_subdistricts_officer_gets_404s(world, login):
    objs = objects(world, "a")
    other = other_subdistrict(world)
    client = login(other["officer"])
    assert client.get(reverse("enterprise:request_detail", args=[objs.request.pk])).status_code == 404
    assert client.get(f"/api/v1/enterprise/enterprises/{objs.enterprise.pk}").status_code == 404
    assert client.get(f"/api/v1/enterprise/requests/{objs.request.pk}").status_code == 404
    listed = client.get("/api/v1/enterprise/enterprises").json()
    assert [e["id"] for e in listed] == [other["enterprise"].pk]
