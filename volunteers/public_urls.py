app_name = "volunteers_public"

urlpatterns: list = []
