"""``manage.py backup <dir>``: database and uploaded files in one archive, while the app runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create, read_manifest


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into <dir>/linli-backup-<time>.tar.gz (see docs/ops.md)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, directory: Path, database: str, **options) -> None:
        try:
            archive = backup_create(dest_dir=directory, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = read_manifest(archive)
        self.stdout.write(
            f"{archive}\n{manifest['vendor']}: {sum(manifest['tables'].values())} rows in "
            f"{len(manifest['tables'])} tables, {len(manifest['ledger_books'])} ledger books, "
            f"{len(manifest['files'])} files"
        )
