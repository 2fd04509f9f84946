from django.urls import path

from snapshots.views import console

app_name = "snapshots"

urlpatterns = [
    path("", console.report_list, name="list"),
    path("queue/", console.queue, name="queue"),
    path("plan/", console.plan, name="plan"),
    path("plan/zones/<int:snapshot_zone_id>/delete/", console.zone_delete, name="zone_delete"),
    path("<int:snapshot_id>/", console.report_detail, name="detail"),
    path("<int:snapshot_id>/accept/", console.report_accept, name="accept"),
    path("<int:snapshot_id>/close/", console.report_close, name="close"),
    path("<int:snapshot_id>/dismiss/", console.report_dismiss, name="dismiss"),
    path("<int:snapshot_id>/reassign/", console.report_reassign, name="reassign"),
    path("photos/<int:snapshot_photo_id>/", console.photo, name="photo"),
]
