from django.urls import path

from enterprise import views_public

app_name = "enterprise_public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<int:enterprise_id>/", views_public.enterprise, name="enterprise"),
    path("statements/<int:enterprise_statement_id>/", views_public.statement, name="statement"),
    path("statements/<int:enterprise_statement_id>/statement.pdf", views_public.statement_pdf, name="statement_pdf"),
]
