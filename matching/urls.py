from django.urls import path

from matching.views import staff as views

app_name = "matching"

urlpatterns = [
    path("", views.home, name="home"),
    path("needs/", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:need_id>/", views.need_detail, name="need_detail"),
    path("needs/<int:need_id>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:need_id>/status/", views.need_status, name="need_status"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("resources/<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<int:resource_id>/status/", views.resource_status, name="resource_status"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:match_project_id>/", views.project_detail, name="project_detail"),
    path("projects/<int:match_project_id>/progress/", views.project_progress, name="project_progress"),
    path("projects/<int:match_project_id>/finish/", views.project_finish, name="project_finish"),
    path("projects/<int:match_project_id>/cancel/", views.project_cancel, name="project_cancel"),
    path("projects/<int:match_project_id>/link/", views.project_link, name="project_link"),
    path("projects/<int:match_project_id>/funding/", views.project_funding, name="project_funding"),
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/new/", views.wish_create, name="wish_create"),
    path("wishes/<int:wish_id>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:wish_id>/thank/", views.wish_thank, name="wish_thank"),
    path("wishes/<int:wish_id>/withdraw/", views.wish_withdraw, name="wish_withdraw"),
    path("wishes/<int:wish_id>/release/", views.wish_release, name="wish_release"),
    path("wishes/<int:wish_id>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("wishes/<int:wish_id>/funding/", views.wish_funding, name="wish_funding"),
    path("wishes/<int:wish_id>/proof.jpg", views.wish_proof, name="wish_proof"),
]
