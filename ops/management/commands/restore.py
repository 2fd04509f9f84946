"""``manage.py restore <archive>``: into an empty instance, then checked against the manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty database, then verify it (docs/ops.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="Overwrite a database that already has tables.")
        parser.add_argument("--database", default="default")

    def handle(self, *args, archive: Path, force: bool, database: str, **options) -> None:
        try:
            report = backup_restore(archive=archive, force=force, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not report.ok:
            raise CommandError("restored, but the check failed:\n" + "\n".join(report.problems))
        self.stdout.write(
            f"restored and verified: {report.rows} rows in {len(report.manifest['tables'])} tables, "
            f"{report.books_verified} ledger books verify, {report.files} files"
        )
