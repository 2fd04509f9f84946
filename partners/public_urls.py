app_name = "partners_public"

urlpatterns: list = []
