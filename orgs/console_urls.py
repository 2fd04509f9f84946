from django.urls import path

from orgs import views

app_name = "console"

urlpatterns = [
    path("", views.console_home, name="home"),
    path("switch/", views.console_switch, name="switch"),
]
