"""Apply the retention periods now (the nightly task does it too): see settings.LINLI_RETENTION_DAYS."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from residents.services_privacy import anonymise_expired


class Command(BaseCommand):
    help = (
        "Anonymise residents who moved out longer ago than the retention period, remove the photos of "
        "snapshot reports solved that long ago and empty old resident import files. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        done = anonymise_expired()
        self.stdout.write(
            f"residents anonymised: {done['residents']}, snapshot photos removed: {done['snapshot_photos']}, "
            f"import files emptied: {done['import_files']}"
        )
