"""Mark the days a saved or deleted record counts on, in the same transaction (rollups.refresh
folds them in). Ledger postings need no signal: they are append-only, refresh reads new ones."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from insights.figures import figures_of_model, source_models
from insights.services import rollups

_SKIP = {"ledger.Posting"}


def pairs_of(instance) -> set:
    label = instance._meta.label
    pairs = set()
    for figure in figures_of_model(label):
        community = getattr(instance, figure.community_field, None)
        day = rollups.local_day(getattr(instance, figure.day_field, None))
        if community and day:
            pairs.add((community, day))
    return pairs


def mark_instances(instances) -> None:
    """For services that write without signals (bulk inserts, conditional UPDATEs)."""
    pairs = set()
    for instance in instances:
        pairs |= pairs_of(instance)
    rollups.mark(pairs)


def _changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    rollups.mark(pairs_of(instance))


def connect() -> None:
    for label in source_models() - _SKIP:
        model = apps.get_model(label)
        post_save.connect(_changed, sender=model, dispatch_uid=f"insights-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"insights-delete-{label}")
