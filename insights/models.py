"""Rollups of the figures the dashboards read (see docs/insights.md).

``Rollup`` holds one base figure (insights/figures.py) for one community and one day, month or
year. Dashboards read nothing else, so their cost does not grow with the records. ``DirtyDay``
rows say "recount this community's day": written in the same transaction as the record that
changed (so a committed change is never forgotten), folded in by ``rollups.refresh``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rollup(models.Model):
    """Counted from the records for a community; for a subdistrict, district or city, the sum of
    its communities' rollups (kept with them, so a city's dashboard reads a handful of rows)."""

    figure = models.CharField(_("figure"), max_length=40)
    grain = models.CharField(_("grain"), max_length=1)  # d, m, y
    period_start = models.DateField(_("period starts"))
    node = models.ForeignKey(
        "orgs.OrgNode", on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name=_("node")
    )
    kind = models.CharField(_("node kind"), max_length=12)  # the node's kind: community, subdistrict …
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("figure rollup")
        verbose_name_plural = _("figure rollups")
        constraints = [
            models.UniqueConstraint(fields=["node", "grain", "period_start", "figure"], name="insights_rollup_once"),
        ]
        indexes = [
            # Recounts and checks read a grain and a range of periods of all communities.
            models.Index(fields=["kind", "grain", "period_start"], name="insights_rollup_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.grain}{self.period_start} n{self.node_id}={self.value}"


class DirtyDay(models.Model):
    """A community's day to recount. Append-only marks (no unique key, so concurrent writers
    never wait on each other); refresh reads a batch, recounts, and deletes exactly those rows."""

    community_id = models.BigIntegerField()
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"c{self.community_id} {self.day}"


class RefreshState(models.Model):
    """Progress markers of the refresh: the last ledger posting folded in, the last refresh."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
