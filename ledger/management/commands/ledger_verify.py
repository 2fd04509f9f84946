"""python manage.py ledger_verify [--community ID | --book ID | --all] [--json]

Verifies books (hash chain, balance per entry, cached balances, book head, triggers) and exits
non-zero if any is broken, so it can run from cron or CI and alert someone.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ledger.models import Book
from ledger.verify import book_verify


class Command(BaseCommand):
    help = "Verify ledger books: hash chain, balances and append-only protection. Exits 1 on a break."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--community", type=int, help="Verify the book of this community (org node id).")
        which.add_argument("--book", type=int, help="Verify this book (book id).")
        which.add_argument("--all", action="store_true", help="Verify every book.")
        parser.add_argument("--json", action="store_true", help="Print the reports as JSON.")

    def handle(self, *args, **options) -> None:
        books = Book.objects.order_by("pk")
        if options["community"] is not None:
            books = books.filter(community_id=options["community"])
        elif options["book"] is not None:
            books = books.filter(pk=options["book"])
        books = list(books)
        if not books and not options["all"]:
            raise CommandError("No such book.")

        reports = [book_verify(book=book) for book in books]
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
        else:
            for r in reports:
                if r.ok:
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"OK    book {r.book_id} {r.book_name}: {r.transactions_checked} transactions, "
                            f"{r.accounts_checked} accounts, head #{r.last_seq} {r.last_hash}"
                        )
                    )
                    continue
                where = f"first broken at #{r.first_broken_seq}" if r.first_broken_seq else "balances differ"
                self.stdout.write(self.style.ERROR(f"BROKEN book {r.book_id} {r.book_name}: {where}"))
                for p in r.problems:
                    at = f"#{p.seq}" if p.seq is not None else (p.account_code or "-")
                    self.stdout.write(f"  {at:>8}  {p.kind:<16} {p.message}")
        broken = [r for r in reports if not r.ok]
        if broken:
            raise CommandError(f"{len(broken)} of {len(reports)} book(s) failed verification.")
