from django.urls import path

from snapshots.views import public

app_name = "snapshots_public"

urlpatterns = [
    path("", public.index, name="index"),
    path("<int:community_id>/", public.community, name="community"),
    path("<int:community_id>/report/", public.report, name="report"),
    path("<int:community_id>/plan.jpg", public.plan_image, name="plan_image"),
    path("<int:community_id>/qr.svg", public.qr, name="qr"),
]
