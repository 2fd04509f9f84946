"""Scratch Linli instances (backup tests, fault runs): their own database and file directories.

Each instance runs the real project (``linli.settings``) in subprocesses whose environment points
at a temporary SQLite file or a scratch PostgreSQL database made here and dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

BASE = Path(settings.BASE_DIR)


@dataclass
class Instance:
    root: Path
    vendor: str
    database_url: str = ""

    @property
    def sqlite_path(self) -> Path:
        return self.root / "db.sqlite3"

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def private(self) -> Path:
        return self.root / "private"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(
            DJANGO_SETTINGS_MODULE="linli.settings",
            DJANGO_DEBUG="1",
            LINLI_HTTPS="0",
            # Huey's own SQLite file goes next to it, in the scratch directory, for both vendors.
            LINLI_SQLITE_PATH=str(self.sqlite_path),
            DJANGO_MEDIA_ROOT=str(self.media),
            LINLI_PRIVATE_MEDIA_ROOT=str(self.private),
        )
        if self.vendor == "postgresql":
            env["DATABASE_URL"] = self.database_url
        env.update(extra)
        return env

    def run(self, *args: str, check: bool = True, timeout: int = 300, **extra: str) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603
            [sys.executable, *args], cwd=BASE, env=self.env(**extra), capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args: str, check: bool = True, timeout: int = 300) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, check=check, timeout=timeout)


def _admin_connect(template: dict):
    import psycopg

    return psycopg.connect(
        host=template.get("HOST") or "127.0.0.1",
        port=template.get("PORT") or 5432,
        user=template.get("USER") or None,
        password=template.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def pg_url(template: dict, name: str) -> str:
    user = template.get("USER") or "postgres"
    password = f":{template['PASSWORD']}" if template.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{template.get('HOST') or '127.0.0.1'}:{template.get('PORT') or 5432}/{name}"


def suite_vendor() -> str:
    """The database the test suite runs on: the scratch instances use the same kind."""
    return "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "sqlite"


class Templates:
    """One migrated database per vendor, copied for each scratch instance (migrating takes
    most of a minute; copying a file or ``CREATE DATABASE … TEMPLATE`` takes a moment)."""

    def __init__(self, root: Path):
        self.root = root
        self.made: dict[str, Instance] = {}
        self.tag = secrets.token_hex(4)

    def get(self, vendor: str) -> Instance:
        if vendor not in self.made:
            root = self.root / f"template-{vendor}"
            root.mkdir()
            if vendor == "postgresql":
                template = settings.DATABASES["default"]
                name = f"linli_ops_template_{self.tag}"
                with _admin_connect(template) as admin:
                    admin.execute(f'CREATE DATABASE "{name}"')
                instance = Instance(root, vendor, pg_url(template, name))
                self.made[vendor] = instance  # dropped in close() even if migrate fails
            else:
                instance = Instance(root, vendor)
            instance.manage("migrate", "--noinput")
            self.made[vendor] = instance
        return self.made[vendor]

    def close(self) -> None:
        pg = self.made.get("postgresql")
        if pg is not None:
            with _admin_connect(settings.DATABASES["default"]) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{pg.database_url.rsplit("/", 1)[1]}" WITH (FORCE)')


@contextmanager
def scratch_instances(tmp_path: Path, vendor: str, *names: str, prefix: str = "linli_ops", migrated_from=None):
    """Instances named ``names``: empty databases, or copies of ``migrated_from`` (an Instance
    of a migrated template) where the name is listed in it. PostgreSQL databases are dropped at
    the end."""
    template = settings.DATABASES["default"]
    tag = secrets.token_hex(4)
    made: list[str] = []
    instances = []
    try:
        for name in names:
            migrated = migrated_from is not None and name.endswith("+")
            name = name.rstrip("+")
            root = tmp_path / name
            root.mkdir()
            if vendor == "postgresql":
                db = f"{prefix}_{tag}_{name}"
                clause = f' TEMPLATE "{migrated_from.database_url.rsplit("/", 1)[1]}"' if migrated else ""
                with _admin_connect(template) as admin:
                    admin.execute(f'CREATE DATABASE "{db}"{clause}')
                made.append(db)
                instances.append(Instance(root, vendor, pg_url(template, db)))
            else:
                instance = Instance(root, vendor)
                if migrated:
                    shutil.copyfile(migrated_from.sqlite_path, instance.sqlite_path)
                instances.append(instance)
        yield instances
    finally:
        if made:
            with _admin_connect(template) as admin:
                for db in made:
                    admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
