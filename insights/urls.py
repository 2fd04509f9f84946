from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:insights_node_id>/", views.dashboard, name="dashboard"),
    path("<int:insights_node_id>/records/", views.records, name="records"),
    path("<int:insights_node_id>/screen/", views.screen, name="screen"),
    path("<int:insights_node_id>/screen.json", views.screen_data, name="screen_data"),
    path("<int:insights_node_id>/case.pdf", views.case_pdf, name="case_pdf"),
]
