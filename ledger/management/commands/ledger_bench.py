"""python manage.py ledger_bench --communities 384 --per-community 2000

Generates a city's ledger history in an empty scratch database and times the dashboard and
book queries against a ``SELECT count(*)`` baseline measured in the same run (docs/benchmarks.md).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from ledger.bench import Timing, existing, generate, measure
from ledger.models import Transaction


class Command(BaseCommand):
    help = "Benchmark the ledger's queries on a generated history. Needs an empty scratch database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--communities", type=int, default=384)
        parser.add_argument("--per-community", type=int, default=1000, help="Transactions per community.")
        parser.add_argument("--months", type=int, default=36, help="Length of the history.")
        parser.add_argument("--repeat", type=int, default=5, help="Runs per query; the median is reported.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--measure-only", action="store_true", help="Measure the history an earlier run generated here again."
        )

    def handle(self, *args, **options) -> None:
        if options["measure_only"]:
            try:
                gen = existing()
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Measuring {gen.transactions:,} transactions, {gen.postings:,} postings…")
            self._report(measure(gen, repeat=options["repeat"]))
            return
        if Transaction.objects.exists():
            raise CommandError(
                "This database already holds ledger transactions. Run the benchmark on a scratch database, e.g. "
                "LINLI_SQLITE_PATH=/tmp/ledger-bench.sqlite3 or DATABASE_URL=postgres://…/linli_ledger_bench."
            )
        self.stdout.write(
            f"Generating {options['communities']} communities × {options['per_community']} transactions "
            f"on {connection.vendor}…"
        )
        gen = generate(
            communities=options["communities"],
            per_community=options["per_community"],
            months=options["months"],
            seed=options["seed"],
            progress=self.stdout.write,
        )
        self.stdout.write(
            f"Generated {gen.transactions:,} transactions and {gen.postings:,} postings in {gen.seconds:.0f} s."
        )
        self._report(measure(gen, repeat=options["repeat"]))

    def _report(self, timings: list[Timing]) -> None:
        self.stdout.write("")
        self.stdout.write(f"| query ({connection.vendor}) | median ms | × baseline | rows |")
        self.stdout.write("|---|---:|---:|---:|")
        for t in timings:
            self.stdout.write(f"| {t.name} | {t.median_ms:.1f} | {t.ratio:.2f} | {t.rows:,} |")
