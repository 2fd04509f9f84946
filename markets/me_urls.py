from django.urls import path

from markets import views

app_name = "markets_me"

urlpatterns = [
    path("", views.me_home, name="home"),
    path("register/", views.me_register, name="register"),
]
