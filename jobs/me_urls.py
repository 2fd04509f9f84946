from django.urls import path

from jobs import views

app_name = "jobs_me"

urlpatterns = [
    path("", views.me_home, name="home"),
    path("apply/<int:job_post_id>/", views.me_apply, name="apply"),
    path("applications/<int:job_application_id>/withdraw/", views.me_withdraw, name="withdraw"),
    path("lead/<int:workshop_id>/", views.me_lead, name="lead"),
    path("statements/<int:wage_statement_id>.pdf", views.me_statement, name="statement"),
]
