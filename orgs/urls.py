from django.urls import path

from orgs import views

app_name = "orgs"

urlpatterns = [
    path("structure/", views.structure, name="structure"),
    path("roles/", views.roles, name="roles"),
]
