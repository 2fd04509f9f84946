from django.urls import path

from spaces import views

app_name = "spaces_public"

urlpatterns = [
    path("<int:community_id>/", views.public_community, name="community"),
]
