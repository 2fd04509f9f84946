from django.urls import path

from matching.views import public as views

app_name = "matching_public"

urlpatterns = [
    path("<int:community_id>/", views.wall, name="wall"),
    path("wishes/<int:wish_id>/", views.wish, name="wish"),
]
