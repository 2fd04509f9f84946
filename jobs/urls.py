from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.home, name="home"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<int:workshop_id>/", views.workshop_detail, name="workshop"),
    path("workshops/<int:workshop_id>/do/", views.workshop_action, name="workshop_action"),
    path("workshops/<int:workshop_id>/day/", views.workshop_day, name="workshop_day"),
    path("workshops/<int:workshop_id>/wages.xlsx", views.statements_xlsx, name="statements_xlsx"),
    path("statements/<int:wage_statement_id>.pdf", views.statement_pdf_view, name="statement_pdf"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<int:job_post_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_post_id>/do/", views.job_action, name="job_action"),
    path("applications/<int:job_application_id>/decide/", views.application_decide, name="application_decide"),
    path("fairs/", views.fair_list, name="fairs"),
    path("fairs/<int:job_fair_id>/", views.fair_detail, name="fair"),
    # The employer portal: an employer's own jobs and workshops
    path("portal/", views.portal_home, name="portal"),
    path("portal/workshops/<int:workshop_id>/day/", views.portal_workshop_day, name="portal_workshop_day"),
]
