from django.urls import path

from enterprise import views_public

app_name = "enterprise_me"

urlpatterns = [
    path("questions/", views_public.my_questions, name="questions"),
    path("statements/<int:enterprise_statement_id>/ask/", views_public.ask, name="ask"),
]
