from django.urls import path

from spaces import views

app_name = "spaces"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:room_id>/", views.room_detail, name="room_detail"),
    path("rooms/<int:room_id>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/calendar/", views.room_calendar, name="room_calendar"),
    path("rooms/<int:room_id>/book/", views.booking_create, name="booking_create"),
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/<int:booking_id>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:booking_id>/move/", views.booking_move, name="booking_move"),
    path("series/<int:series_id>/", views.series_detail, name="series_detail"),
    path("series/<int:series_id>/cancel/", views.series_cancel, name="series_cancel"),
    path("export.xlsx", views.room_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:room_import_id>/", views.import_preview, name="import_preview"),
    path("import/<int:room_import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:room_import_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("report/", views.space_report, name="report"),
    path("utilisation/", views.utilisation_page, name="utilisation"),
    path("compare/", views.compare, name="compare"),
]
