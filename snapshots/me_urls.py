from django.urls import path

from snapshots.views import me

app_name = "snapshots_me"

urlpatterns = [
    path("", me.index, name="index"),
    path("new/", me.new, name="new"),
    path("<int:snapshot_id>/", me.detail, name="detail"),
    path("photos/<int:snapshot_photo_id>/", me.photo, name="photo"),
]
