"""Keep the cached price rules (catalog.services.items.rules_for) true to the database,
whatever saved the rule or the group it names (services, admin, a data migration)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save


def _rule_changed(sender, instance, **kwargs) -> None:
    from catalog.services.items import rules_forget

    rules_forget(instance.community_id)


def _tag_changed(sender, instance, **kwargs) -> None:
    from catalog.models import PriceRule
    from catalog.services.items import rules_forget

    for community_id in set(PriceRule.objects.filter(tag=instance).values_list("community_id", flat=True)):
        rules_forget(community_id)


def connect() -> None:
    from catalog.models import PriceRule
    from residents.models import VulnerableTag

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_rule_changed, sender=PriceRule, dispatch_uid=f"catalog-rules-{name}")
        signal.connect(_tag_changed, sender=VulnerableTag, dispatch_uid=f"catalog-rules-tag-{name}")
