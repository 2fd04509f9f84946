from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from orgs.models import OrgNode, RoleGrant


@admin.register(OrgNode)
class OrgNodeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "path", "population")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth", "community")


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "node", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "node__name")
    raw_id_fields = ("user", "node", "granted_by")
