from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from spaces.models import (
    Booking,
    BookingSeries,
    FunctionStandard,
    Room,
    RoomFunction,
    RoomImport,
    RoomPhoto,
    SpaceStandard,
)


@admin.register(RoomFunction)
class RoomFunctionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "description", "sort_order")
    search_fields = ("name", "code")


class FunctionStandardInline(admin.TabularInline):
    model = FunctionStandard
    extra = 0
    autocomplete_fields = ("function",)


@admin.register(SpaceStandard)
class SpaceStandardAdmin(admin.ModelAdmin):
    """Where a city aligns the function list with its own standard (aspects, required or recommended)."""

    list_display = ("title", "city", "city_name", "issued")
    raw_id_fields = ("city",)
    inlines = [FunctionStandardInline]


class RoomPhotoInline(admin.TabularInline):
    model = RoomPhoto
    extra = 0
    raw_id_fields = ("community",)


@admin.register(Room)
class RoomAdmin(SimpleHistoryAdmin):
    list_display = ("name", "community", "function", "area_m2", "capacity", "is_active")
    list_filter = ("function", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("community", "building")
    inlines = [RoomPhotoInline]


@admin.register(BookingSeries)
class BookingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ("title", "room", "holder_name", "first_date", "last_date", "cancelled_from")
    raw_id_fields = ("community", "room", "created_by")
    search_fields = ("title", "holder_name")


@admin.register(Booking)
class BookingAdmin(SimpleHistoryAdmin):
    # Bookings are made through the console or the API, where the opening hours and the clash
    # checks apply; the admin is for looking, so it cannot add or change them.
    list_display = ("title", "room", "starts_at", "ends_at", "holder_name", "status")
    list_filter = ("status", "holder_kind")
    search_fields = ("title", "holder_name")
    raw_id_fields = ("community", "room", "series", "created_by", "cancelled_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RoomImport)
class RoomImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "community", "status", "total_rows", "error_rows", "imported_count", "created_at")
    exclude = ("rows",)
