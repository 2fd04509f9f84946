app_name = "jobs_public"

urlpatterns: list = []
