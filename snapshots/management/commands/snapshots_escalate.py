"""Record the escalation of overdue snapshot reports. Meant for a schedule (cron, every 15 min)."""

from django.core.management.base import BaseCommand

from snapshots.services import reports_escalate_overdue


class Command(BaseCommand):
    help = "Escalate open snapshot reports past their category's deadline to community staff (idempotent)."

    def handle(self, *args, **options) -> None:
        n = reports_escalate_overdue()
        self.stdout.write(f"{n} report(s) escalated.")
