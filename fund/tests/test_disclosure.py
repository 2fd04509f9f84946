"""The public page and the reports show exactly the ledger's figures; published reports never
change; overdue disclosures are flagged; the public never sees anonymous donors' names."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from fund import disclosure, figures, services
from fund.models import DisclosureReport, ReportKind
from fund.tests.conftest import donate, pdf, propose, to_approved
from ledger import chart
from ledger import selectors as ledger_selectors
from ledger import services as ledger_services
from ledger.chart import FundSource
from ledger.models import Book
from ledger.money import format_fen
from linli.errors import NotFound, ValidationFailed
from orgs.scope import Scope

NOW = timezone.now()


def _history(world):
    """Money from several places: a donation, a market's share posted directly by another app
    (as markets will), a settlement, goods in kind, and two payments."""
    community = world.community("a")
    donate(world, "a", 800_000, donor_name="临淄某商贸有限公司", received_at=NOW - dt.timedelta(days=40))
    donate(world, "a", 20_000, donor_name="王某某", donor_kind="person", anonymous=True, received_at=NOW - dt.timedelta(days=35))
    donate(world, "a", 30_000, kind="goods", goods="大米", quantity=20, donor_name="某粮油店", received_at=NOW - dt.timedelta(days=10))
    book = ledger_services.book_for_community(community=community)
    ledger_services.transaction_post(
        book=book, kind="market.share", memo="睦邻集市收益",
        postings=[(chart.fund_cash(community), 150_000), (chart.fund_income(community, FundSource.MARKET), -150_000)],
        occurred_at=NOW - dt.timedelta(days=20),
    )
    r = to_approved(world, propose(world, amount_fen=300_000))
    charity = Scope(world.user("charity_a"))
    services.payment_record(actor=charity, request=r, amount_fen=100_000, line="repairs", payee="某五金店", memo="灯", invoice=pdf(), paid_at=NOW - dt.timedelta(days=5))
    services.payment_record(actor=charity, request=r, amount_fen=50_000, line="repairs", payee="某电工部", memo="安装", invoice=pdf())
    return r


def test_public_page_shows_exactly_the_ledgers_figures(fund_world, client):
    world = fund_world.world
    _history(world)
    community = world.community("a")
    cash = chart.fund_cash(community)
    cash_ledger = ledger_selectors.balance_at(account=cash, at=timezone.now())
    assert cash_ledger == 800_000 + 20_000 + 150_000 - 150_000
    income = {s: -ledger_selectors.balance_at(account=chart.fund_income(community, s), at=timezone.now()) for s in FundSource.values}
    spent = ledger_selectors.balance_at(account=chart.fund_spending(community, "repairs", "维修"), at=timezone.now())

    f = figures.current(community)
    assert f.cash == cash_ledger
    assert f.income == income
    assert f.spending == {"repairs": spent}
    assert f.goods == 30_000

    body = client.get(reverse("fund_public:fund", args=[community.pk])).content.decode()
    assert f'id="fund-balance">{format_fen(cash_ledger)}<' in body
    assert f'id="fund-income">{format_fen(sum(income.values()))}<' in body
    assert f'id="fund-spending">{format_fen(spent)}<' in body
    book = Book.objects.get(community=community)
    assert f'id="fund-head-hash">{book.head_hash}<' in body
    assert f'id="fund-head-seq">{book.head_seq}<' in body
    assert "王某某" not in body  # anonymous
    assert "临淄某商贸有限公司" in body

    api = client.get(f"/api/v1/fund/public/funds/{community.pk}").json()
    assert api["figures"]["cash"] == cash_ledger
    assert api["figures"]["income"] == income
    assert api["chain"]["ok"] is True and api["chain"]["last_hash"] == book.head_hash
    assert all(d["donor"] != "王某某" for d in api["donations"])


def test_report_totals_equal_the_ledgers(fund_world):
    world = fund_world.world
    _history(world)
    community = world.community("a")
    today = timezone.localdate()
    start = figures.add_months(today.replace(day=1), -2)
    end = today + dt.timedelta(days=1)
    data = disclosure.snapshot(fund_world.fund, start, end)
    t0, t1 = figures.local_midnight(start), figures.local_midnight(end)
    for source in FundSource.values:
        st = ledger_selectors.statement(account=chart.fund_income(community, source), start=t0, end=t1)
        assert data["figures"]["income"][source] == -(st.closing - st.opening)
    cash = ledger_selectors.statement(account=chart.fund_cash(community), start=t0, end=t1)
    assert (data["figures"]["opening_cash"], data["figures"]["cash"]) == (cash.opening, cash.closing)
    spend = ledger_selectors.statement(account=chart.fund_spending(community, "repairs", "维修"), start=t0, end=t1)
    assert data["figures"]["spending_total"] == spend.closing - spend.opening == 150_000
    assert sum(p["amount_fen"] for p in data["payments"]) == 150_000
    assert sum(sum(m.values()) for m in data["figures"]["monthly_income"].values()) == data["figures"]["income_total"]
    assert all(d["donor"] != "王某某" for d in data["donations"])


def test_a_published_report_never_changes_corrections_are_notes(fund_world):
    world = fund_world.world
    _history(world)
    last_month = figures.add_months(timezone.localdate().replace(day=1), -1)
    staff = Scope(world.staff("a"))
    report = disclosure.report_publish(actor=staff, fund=fund_world.fund, kind=ReportKind.MONTH, period_start=last_month)
    again = disclosure.report_publish(actor=staff, fund=fund_world.fund, kind=ReportKind.MONTH, period_start=last_month)
    assert again.pk == report.pk
    with pytest.raises(ValueError):
        report.save()
    with pytest.raises(ValueError):
        report.delete()
    disclosure.correction_publish(actor=staff, report=report, text="第3笔捐赠日期更正为5月10日")
    report.refresh_from_db()
    assert report.corrections.count() == 1
    pdf_bytes = report_pdf_bytes(report)
    assert pdf_bytes.startswith(b"%PDF")
    wb = openpyxl.load_workbook(io.BytesIO(_xlsx(report)))
    assert wb.sheetnames[0]
    # the period must be over
    with pytest.raises(ValidationFailed):
        disclosure.report_publish(actor=staff, fund=fund_world.fund, kind=ReportKind.MONTH, period_start=timezone.localdate())


def report_pdf_bytes(report):
    from fund.pdf import report_pdf

    return report_pdf(report)


def _xlsx(report):
    from fund.workbook import report_xlsx

    return report_xlsx(report)


def test_long_projects_are_flagged_when_disclosure_is_late(fund_world):
    world = fund_world.world
    donate(world, "a", 1_000_000)
    today = timezone.localdate()
    r = to_approved(world, propose(world, starts_on=today - dt.timedelta(days=250), ends_on=today + dt.timedelta(days=100)))
    late = disclosure.overdue(fund_world.fund)
    assert [(o.spending_request.pk, o.what) for o in late] == [(r.pk, "interim")]
    # The schedule publishes last month's report (which does not list a request submitted
    # today) and then the project's own interim report: nothing stays late.
    made, still = disclosure.run_schedule(fund=fund_world.fund)
    assert any(m.kind == ReportKind.PROJECT and m.spending_request_id == r.pk for m in made)
    assert still == []
    # a closed project needs its full disclosure within three months of its end
    services.payment_record(actor=Scope(world.user("charity_a")), request=r, amount_fen=1000, line="repairs", payee="某店", memo="灯", invoice=pdf())
    services.spending_request_report(actor=Scope(world.staff("a")), request=r, text="完成")
    r = services.spending_request_close(actor=Scope(world.user("charity_a")), request=r)
    assert disclosure.overdue(fund_world.fund, today + dt.timedelta(days=100)) and all(
        o.what == "final" for o in disclosure.overdue(fund_world.fund, today + dt.timedelta(days=100))
    )
    disclosure.report_publish(actor=None, fund=fund_world.fund, kind=ReportKind.PROJECT, spending_request=r, final=True)
    assert disclosure.overdue(fund_world.fund, today + dt.timedelta(days=100)) == []


def test_schedule_command_publishes_once(fund_world):
    from django.core.management import call_command

    _history(fund_world.world)
    out = io.StringIO()
    call_command("fund_disclose", stdout=out)
    n = DisclosureReport.objects.count()
    assert n >= 1
    call_command("fund_disclose", stdout=io.StringIO())
    assert DisclosureReport.objects.count() == n


def test_audit_archive_holds_everything_of_the_period(fund_world):
    world = fund_world.world
    r = _history(world)
    today = timezone.localdate()
    from fund.audit import audit_export

    with pytest.raises(NotFound):
        audit_export(actor=Scope(world.staff("a")), fund=fund_world.fund, start=today - dt.timedelta(days=60), end=today)
    data = audit_export(actor=Scope(world.user("auditor_a")), fund=fund_world.fund, start=today - dt.timedelta(days=60), end=today)
    z = zipfile.ZipFile(io.BytesIO(data))
    names = set(z.namelist())
    assert {"ledger/transactions.csv", "ledger/postings.csv", "fund/requests.json", "documents_index.csv", "verification.json"} <= names
    assert r.number in z.read("fund/requests.json").decode()
    assert '"ok": true' in z.read("verification.json").decode()


def test_receipt_page_and_donor_statement(fund_world, client):
    world = fund_world.world
    _history(world)
    d = fund_world.fund.donations.get(donor_name="王某某")
    body = client.get(reverse("fund_public:receipt", args=[d.token])).content.decode()
    assert d.receipt_no in body and "王某某" in body  # the donor's own page
    assert client.get(reverse("fund_public:receipt_pdf", args=[d.token])).content.startswith(b"%PDF")
    rows = disclosure.donor_statement(d)
    assert rows and rows[-1]["given_fen"] == 20_000
