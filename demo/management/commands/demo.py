"""``manage.py demo``: the places of the reports, a few thousand residents, one login per role.

Run by ``make demo`` after ``migrate``. Safe to run again: when the demo cities are already
there it changes nothing and prints the logins. To start over, delete the database file
(var/linli.sqlite3) and run ``make demo``.
"""

from __future__ import annotations

import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.build import build_places_and_people, demo_exists
from demo.logins import FEATURED, create_logins, login_conflicts, login_table

# Order matters: partners sign agreements for rooms that spaces creates.
APP_LOADERS = [
    "spaces.demo",
    "partners.demo",
    "catalog.demo",
    "fund.demo",
    "enterprise.demo",
    "markets.demo",
    "jobs.demo",
    "volunteers.demo",
    "matching.demo",
    "snapshots.demo",
    "insights.demo",
]


class Command(BaseCommand):
    help = "Create the demo data (Zibo, Jiangmen and Heshan communities, residents, one login per role)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--small",
            action="store_true",
            help="Every place and login, but only a few residents per community (for tests).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (a showcase server). The demo logins' password is public.",
        )

    def handle(self, *args, small: bool = False, force: bool = False, **options) -> None:
        verbose = options.get("verbosity", 1) > 0
        # The demo makes a superuser whose password is printed below for anyone to read: on a
        # production database that would be an open door. Development runs have DEBUG on.
        if not settings.DEBUG and not force:
            raise CommandError(
                "演示数据只用于开发或演示环境 / The demo data is for development only: its logins share a "
                "published password. Run with DJANGO_DEBUG=1 (make demo does), or pass --force on a showcase server."
            )
        if demo_exists():
            # Apps added since the last run still get their demo data: their loaders are idempotent.
            self._load_apps(verbose)
            if verbose:
                self.stdout.write("演示数据已存在。/ The demo data is already there.\n")
                self._print_logins()
            return
        taken = login_conflicts()
        if taken:
            raise CommandError(
                "这些演示账号的用户名或手机号已被占用 / These demo usernames or phones are taken: "
                + ", ".join(taken)
                + ". 请使用空数据库 / Use an empty database (delete var/linli.sqlite3 and run make demo)."
            )
        started = time.monotonic()
        # One transaction: an interrupted run leaves nothing behind, so the next run starts clean.
        with transaction.atomic():
            summary = build_places_and_people(small=small, featured=FEATURED)
            create_logins(summary.featured)
        self._load_apps(verbose)
        elapsed = time.monotonic() - started
        if not verbose:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已建好 / Demo data created in {elapsed:.1f}s: "
                f"{summary.cities} 市 cities, {summary.communities} 社区 communities, {summary.grids} 网格 grids, "
                f"{summary.buildings} 楼栋 buildings, {summary.households} 户 households, "
                f"{summary.residents} 居民 residents."
            )
        )
        tagged = "、".join(f"{name} {count}" for name, count in summary.tagged.items())
        self.stdout.write(
            f"特殊群体 / Vulnerable groups: {tagged}；80岁以上 {summary.aged_80_plus} 人（按年龄自动 / 80+ by age）.\n"
        )
        self._print_logins()

    def _load_apps(self, verbose: bool) -> None:
        """Each mechanism's app brings its own demo data (rooms, partners, …) in ``<app>.demo``."""
        for module_name in APP_LOADERS:
            module = importlib.import_module(module_name)
            module.load_demo(stdout=self.stdout if verbose else None)

    def _print_logins(self) -> None:
        self.stdout.write("演示账号 / Demo logins (http://127.0.0.1:8000/accounts/login/):\n")
        self.stdout.write(login_table())
        self.stdout.write("\n居民账号也可用手机号登录 / Residents can also log in with their mobile number.\n")
