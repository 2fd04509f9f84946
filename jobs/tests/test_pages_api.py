"""The jobs pages and API: the lead's phone page, the resident's phone page, the employer portal,
the staff console; exports."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from jobs import services
from jobs.models import JobApplication, JobApplicationStatus, WageStatement, WorkRecord

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_lead_enters_the_day_on_her_phone_and_staff_issue_statements(jw, login):
    lead = login(jw.world.user("resident_a"))
    day = (TODAY - dt.timedelta(days=1)).isoformat()
    page = lead.get(f"/me/jobs/lead/{jw.workshop.pk}/?day={day}")
    assert page.status_code == 200 and "张丽君" in page.content.decode()
    lead.post(
        f"/me/jobs/lead/{jw.workshop.pk}/",
        {"day": day, f"q_{jw.w1.pk}_{jw.piece.pk}": "150", f"q_{jw.w2.pk}_{jw.day.pk}": "1"},
    )
    assert WorkRecord.objects.filter(workshop=jw.workshop).count() == 2
    assert lead.get(f"/me/jobs/lead/{jw.workshop_b.pk}/").status_code == 404
    staff = login(jw.world.staff("a"))
    staff.post(f"/console/jobs/workshops/{jw.workshop.pk}/do/", {"action": "statements", "period_start": day, "period_end": day})
    totals = dict(WageStatement.objects.values_list("worker_id", "total_fen"))
    assert totals == {jw.w1.pk: 150 * 50, jw.w2.pk: 12000}
    xlsx = staff.get(f"/console/jobs/workshops/{jw.workshop.pk}/wages.xlsx?start={day}&end={day}")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [75.0, 120.0] or sorted(
        row[5] for row in sheet.iter_rows(min_row=2, values_only=True)
    ) == [75.0, 120.0]
    statement = WageStatement.objects.get(worker=jw.w1)
    pdf = login(jw.world.user("resident_a")).get(f"/me/jobs/statements/{statement.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_resident_keeps_a_profile_and_applies_from_the_phone(jw, login):
    client = login(jw.world.user("resident_a"))
    page = client.get("/me/jobs/").content.decode()
    assert "包装工" in page
    client.post("/me/jobs/", {"skills": "缝纫", "availability": "工作日上午", "wanted_pay_fen": "120", "wanted_unit": "day", "is_looking": "on"})
    client.post(f"/me/jobs/apply/{jw.job.pk}/")
    application = JobApplication.objects.get(job=jw.job)
    assert application.seeker.resident == jw.world.residents["a1"]
    assert client.post(f"/me/jobs/apply/{jw.job_b.pk}/").status_code == 404
    employer = login(jw.world.user("employer_a"))
    assert "张丽君" in employer.get(f"/console/jobs/jobs/{jw.job.pk}/").content.decode()
    employer.post(f"/console/jobs/applications/{application.pk}/decide/", {"status": "placed"})
    application.refresh_from_db()
    assert application.status == JobApplicationStatus.PLACED


def test_the_api_for_jobs(jw, login):
    staff = login(jw.world.staff("a"))
    listed = staff.get("/api/v1/jobs/jobs", {"community_id": jw.world.community_a.pk}).json()
    assert [j["id"] for j in listed["items"]] == [jw.job.pk]
    assert staff.get(f"/api/v1/jobs/jobs/{jw.job_b.pk}").status_code == 404
    made = staff.post(
        "/api/v1/jobs/fairs/weekly",
        {"community_id": jw.world.community_a.pk, "weekday": 2, "weeks": 3, "place": "党群服务中心"},
        content_type="application/json",
    )
    assert made.status_code == 201 and len(made.json()) == 3
    entry = staff.post(
        f"/api/v1/jobs/workshops/{jw.workshop.pk}/records",
        {"workshop_worker_id": jw.w1.pk, "rate_id": jw.piece.pk, "worked_on": TODAY.isoformat(), "quantity": 40},
        content_type="application/json",
    )
    assert entry.status_code == 201 and entry.json()["amount_fen"] == 2000
    resident = login(jw.world.user("resident_a"))
    resident.put("/api/v1/jobs/me/profile", {"skills": "缝纫", "availability": "上午"}, content_type="application/json")
    applied = resident.post(f"/api/v1/jobs/me/jobs/{jw.job.pk}/apply", {}, content_type="application/json")
    assert applied.status_code == 201
    assert resident.post(f"/api/v1/jobs/me/jobs/{jw.job_b.pk}/apply", {}, content_type="application/json").status_code == 404
    staff = login(jw.world.staff("a"))  # one test client: log the staff member back in
    income = {"kind": "share", "amount_fen": 400000, "item": "11月管理费"}
    one = staff.post(f"/api/v1/jobs/workshops/{jw.workshop.pk}/incomes", income, content_type="application/json", headers={"Idempotency-Key": "k"})
    two = staff.post(f"/api/v1/jobs/workshops/{jw.workshop.pk}/incomes", income, content_type="application/json", headers={"Idempotency-Key": "k"})
    assert one.json()["id"] == two.json()["id"]
    services.job_application_decide(actor=None, application=JobApplication.objects.get(job=jw.job), status="placed")
    figures = staff.get("/api/v1/jobs/figures", {"community_id": jw.world.community_a.pk}).json()
    assert figures["people_placed"] == 1
