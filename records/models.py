"""Service records (服务人次): every service given, paid or free, by anyone, to anyone.

All counts of person-times come from this one table: the catalogue's orders and classes, the
volunteers' tasks, the markets' free service stalls, workshops. Partners' public-welfare
commitments are measured against it. Other apps write here only through
``records.services.service_record_create``; a record is never edited (a mistake is corrected by
a reversing record with a negative ``person_times``, see docs/records.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """The three price tiers of the 公益+市场 model."""

    FREE = "free", _("Free (public welfare)")
    LOW_COST = "low_cost", _("Low-cost")
    MARKET = "market", _("Market price")


class ProviderKind(models.TextChoices):
    PARTNER = "partner", _("Partner")
    VOLUNTEER = "volunteer", _("Volunteer or volunteer team")
    COMMUNITY = "community", _("Community")
    GOVERNMENT = "government", _("Government service (proxy service)")
    MERCHANT = "merchant", _("Merchant or member unit")


class TargetGroup(models.TextChoices):
    """一老一少一青 and everyone."""

    ELDERLY = "elderly", _("Older people")
    CHILDREN = "children", _("Children")
    YOUTH = "youth", _("Young people")
    EVERYONE = "everyone", _("Everyone")


class ServiceRecord(models.Model):
    community = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    occurred_at = models.DateTimeField(_("when"))
    service = models.CharField(_("service"), max_length=100)
    category = models.CharField(_("category"), max_length=50, blank=True)
    tier = models.CharField(_("price tier"), max_length=10, choices=Tier.choices)
    provider_kind = models.CharField(_("provided by"), max_length=12, choices=ProviderKind.choices)
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner")
    )
    provider_name = models.CharField(_("provider"), max_length=100, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("served by"),
    )
    resident = models.ForeignKey(
        "residents.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident served"),
    )
    person_times = models.IntegerField(_("person-times"), default=1)
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    amount_fen = models.BigIntegerField(_("paid (fen)"), default=0)
    source_type = models.CharField(_("source"), max_length=50)
    source_id = models.BigIntegerField(_("source id"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "occurred_at"], name="record_community_time"),
            models.Index(fields=["partner", "occurred_at"], name="record_partner_time"),
            models.Index(fields=["resident", "occurred_at"], name="record_resident_time"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id"], name="record_once_per_source"),
            models.CheckConstraint(condition=~Q(person_times=0), name="record_counts_someone"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="record_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service} · {self.occurred_at:%Y-%m-%d}"
