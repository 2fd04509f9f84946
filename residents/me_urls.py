from django.urls import path

from residents import views

app_name = "me"

urlpatterns = [
    path("", views.me, name="home"),
    path("contact/", views.me_edit, name="edit"),
    path("my-data.json", views.me_download, name="download"),
]
