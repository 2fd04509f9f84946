from django.urls import path

from residents import views, views_privacy

app_name = "residents"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("new/", views.resident_create, name="create"),
    path("export.xlsx", views.resident_export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path("import/<int:batch_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:batch_id>/errors.xlsx", views.import_errors, name="import_errors"),
    path("access-log/", views.reveal_log, name="reveal_log"),
    path("deletion-requests/", views_privacy.deletion_requests, name="deletion_requests"),
    path(
        "deletion-requests/<int:deletion_request_id>/decide/",
        views_privacy.deletion_request_decide,
        name="deletion_request_decide",
    ),
    path("<int:resident_id>/", views.resident_detail, name="detail"),
    path("<int:resident_id>/edit/", views.resident_edit, name="edit"),
    path("<int:resident_id>/reveal/", views.resident_reveal, name="reveal"),
    path("<int:resident_id>/history/", views.resident_history, name="history"),
    path("<int:resident_id>/consent/", views_privacy.resident_consent, name="consent"),
    path("<int:resident_id>/move-out/", views_privacy.resident_move_out, name="move_out"),
]
