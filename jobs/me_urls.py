app_name = "jobs_me"

urlpatterns: list = []
