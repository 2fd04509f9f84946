from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("events.xlsx", views.events_xlsx, name="events_xlsx"),
]
