"""Re-encrypt personal data with the first key of LINLI_FIELD_KEYS (docs/decisions/0005)."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand

from linli.encrypted_fields import EncryptedTextField, rotate_model


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column (and its history) with the first key of LINLI_FIELD_KEYS; "
        "with --reindex also recompute the blind indexes after LINLI_BLIND_INDEX_KEY changed. "
        "Safe to run again; old keys can leave LINLI_FIELD_KEYS once it has finished."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reindex", action="store_true", help="recompute blind indexes with the current key")

    def handle(self, *args, reindex: bool = False, **options) -> None:
        for model in apps.get_models():
            if not any(isinstance(f, EncryptedTextField) for f in model._meta.concrete_fields):
                continue
            count = rotate_model(model, reindex=reindex)
            self.stdout.write(f"{model._meta.label}: {count} rows rewritten")
