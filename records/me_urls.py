from django.urls import path

from records import views

app_name = "records_me"

urlpatterns = [path("", views.my_services, name="mine")]
