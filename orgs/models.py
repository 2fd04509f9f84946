from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.roles import Role


class NodeKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    BUILDING = "building", _("Building")


# Which kind of node may sit under which: the tree city → district → subdistrict →
# community → grid → building, and nothing else.
PARENT_KIND: dict[str, str | None] = {
    NodeKind.CITY: None,
    NodeKind.DISTRICT: NodeKind.CITY,
    NodeKind.SUBDISTRICT: NodeKind.DISTRICT,
    NodeKind.COMMUNITY: NodeKind.SUBDISTRICT,
    NodeKind.GRID: NodeKind.COMMUNITY,
    NodeKind.BUILDING: NodeKind.GRID,
}


class OrgNode(models.Model):
    """One node of the organisation tree.

    ``path`` is the materialised chain of ids ("/1/4/9/"), so "everything below" is one indexed
    prefix query. ``community`` points at the node's own community (itself for a community,
    its ancestor for a grid or building, empty above): the tenant key every community-owned row
    carries as ``community_id``.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=NodeKind.choices)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_("Administrative division code, if any."))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    community = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("community"),
    )
    population = models.PositiveIntegerField(
        _("registered population"), null=True, blank=True, help_text=_("For per-resident figures on dashboards.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation node")
        verbose_name_plural = _("organisation nodes")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgnode_unique_name_under_parent"),
            # NULL parents never collide in a unique index, so cities need their own rule.
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="orgnode_unique_root_name"
            ),
            models.CheckConstraint(
                condition=Q(kind="city", parent__isnull=True) | (~Q(kind="city") & Q(parent__isnull=False)),
                name="orgnode_only_city_is_root",
            ),
        ]
        indexes = [models.Index(fields=["kind", "path"], name="orgnode_kind_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_community(self) -> bool:
        return self.kind == NodeKind.COMMUNITY

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class RoleGrant(models.Model):
    """A role held by a user at a node; it covers the node and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants", verbose_name=_("user")
    )
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="grants", verbose_name=_("node"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("title"), max_length=50, blank=True, help_text=_("e.g. 网格员 of grid 3"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "node", "role"],
                condition=Q(revoked_at__isnull=True),
                name="rolegrant_one_active_per_user_node_role",
            )
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="rolegrant_user_active")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.node}"
