from django.urls import path

from residents import views, views_privacy

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("contact/", views.me_edit, name="edit"),
    path("my-data.json", views.me_download, name="download"),
    path("delete-request/", views_privacy.me_delete_request, name="delete_request"),
]
