"""Publish the fund disclosures that are due, and flag the overdue ones.

Meant for a schedule (e.g. daily from cron: ``python manage.py fund_disclose``): it publishes
last month's and last quarter's reports where missing, interim reports of long projects whose
three months have run out, and final reports of closed projects; then it prints what is still
overdue (to the committee and the charity: they see the same list on the fund's console page).
Idempotent: a period's report is published once however often it runs. ``--month 2026-05``
publishes that month's report on demand; ``--quarter 2026-04`` the quarter holding that month.
Exits 1 if anything stays overdue.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from fund import disclosure
from fund.models import Fund, ReportKind


class Command(BaseCommand):
    help = "Publish due fund disclosure reports and list overdue disclosures."

    def add_arguments(self, parser):
        parser.add_argument("--community", type=int, help="Only this community's fund (its id).")
        parser.add_argument("--month", help="Publish this month's report (YYYY-MM).")
        parser.add_argument("--quarter", help="Publish the quarter holding this month (YYYY-MM).")

    def handle(self, *args, **options):
        funds = Fund.objects.select_related("community").order_by("community__path")
        if options["community"]:
            funds = funds.filter(community_id=options["community"])
        on_demand = []
        for opt, kind in (("month", ReportKind.MONTH), ("quarter", ReportKind.QUARTER)):
            if options[opt]:
                try:
                    on_demand.append((kind, dt.date.fromisoformat(options[opt] + "-01")))
                except ValueError:
                    raise CommandError(f"--{opt} must look like 2026-05") from None
        still_late = 0
        for fund in funds:
            if on_demand:
                made = [disclosure.report_publish(actor=None, fund=fund, kind=k, period_start=s) for k, s in on_demand]
                late = disclosure.overdue(fund)
            else:
                made, late = disclosure.run_schedule(fund=fund)
            for report in made:
                self.stdout.write(f"{fund.community.name}: {report.get_kind_display()} {report.period_start} #{report.pk}")
            for item in late:
                still_late += 1
                self.stdout.write(self.style.WARNING(f"{fund.community.name}: OVERDUE {item.label}"))
        if still_late:
            raise SystemExit(1)
