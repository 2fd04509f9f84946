from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from residents.models import Household, ImportBatch, Resident, RevealLog, VulnerableTag


@admin.register(VulnerableTag)
class VulnerableTagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "min_age", "sort_order")


@admin.register(Resident)
class ResidentAdmin(SimpleHistoryAdmin):
    # The admin is for support staff: numbers stay masked here too.
    list_display = ("name", "community", "grid", "id_number_masked", "phone_masked")
    search_fields = ("name", "name_pinyin", "name_initials")
    list_filter = ("community",)
    exclude = ("id_number", "phone")
    readonly_fields = ("id_number_masked", "phone_masked", "birth_date", "gender")
    raw_id_fields = ("community", "grid", "building", "household", "user")


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "community", "grid")
    raw_id_fields = ("community", "grid", "building")


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "resident", "field", "reason")
    readonly_fields = [f.name for f in RevealLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("filename", "community", "status", "total_rows", "error_rows", "imported_count", "created_at")
    exclude = ("rows",)
