"""Reference data (categories and their deadlines) is edited here; reports are read-only here:
they change only through the services, which keep the events and the rules."""

from django.contrib import admin

from snapshots.models import Category, Event, Report, Zone


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "deadline_hours", "sort_order", "is_active")
    list_editable = ("deadline_hours", "sort_order", "is_active")
    ordering = ("sort_order", "id")


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "grid", "x", "y", "w", "h")
    list_filter = ("community",)


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "to_user", "note", "created_at")
    exclude = ("community",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "community", "category", "status", "assignee", "created_at", "due_at", "closed_at")
    list_filter = ("status", "category", "community")
    inlines = [EventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
